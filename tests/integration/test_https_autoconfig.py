"""Integration: client autodiscovery and the JMAP session over HTTPS, fetched with curl.

The daemon serves an `http` listener with implicit TLS (a certificate from the test CA of
tls_ca.py) beside IMAPS and submissions. `curl --cacert` (certificate verified, the names the
clients use resolved to loopback) fetches the Thunderbird autoconfig file, the Outlook POX
autodiscover answer (POST) and its JSON pointer, the MTA-STS policy and the JMAP session
(with an API key); each must name the TLS services with the ports actually bound, and every
URL in them must be https on the listener's port.

Usage: /usr/bin/python3 test_https_autoconfig.py PATH/TO/ringmail
"""
import json
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ET

from daemon import Daemon
from tls_ca import TestCa

BINARY = None

CONFIG = """
[server]
hostname = "mail.example.test"
data-dir = "@DATA@"

[runtime]
shutdown-timeout-ms = 2000

[tls]
certificate = "@CERT@"
private-key = "@KEY@"

[listener.imaps]
protocol = "imap"
bind = ["127.0.0.1:0"]
tls = "implicit"

[listener.submissions]
protocol = "submission"
bind = ["127.0.0.1:0"]
tls = "implicit"

[listener.https]
protocol = "http"
bind = ["127.0.0.1:0"]
tls = "implicit"

[http]
mta-sts-mode = "enforce"
"""

POX = "{http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a}"
NAMES = ["mail.example.test", "autoconfig.example.test", "autodiscover.example.test",
         "mta-sts.example.test"]


class HttpsAutoconfigTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ca = TestCa()
        cert, key = cls.ca.issue("mail", NAMES)
        text = CONFIG.replace("@CERT@", cert).replace("@KEY@", key)
        cls.daemon = Daemon(BINARY, text).wait_ready()
        cls.https = cls.daemon.listeners["https"][1]
        cls.imaps = cls.daemon.listeners["imaps"][1]
        cls.submissions = cls.daemon.listeners["submissions"][1]
        for args, stdin in [(("domain", "add", "example.test"), ""),
                            (("account", "add", "alice", "--email", "alice@example.test"), "")]:
            done = subprocess.run([BINARY, "--config", cls.daemon.config_path, *args],
                                  input=stdin, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
        done = subprocess.run([BINARY, "--config", cls.daemon.config_path, "api-key", "add",
                               "alice", "autoconfig-test"], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr
        cls.key = done.stdout.strip()

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.daemon.__exit__(None, None, None)
        cls.ca.cleanup()

    def curl(self, host, path, *args):
        """The body curl gets from https://HOST:PORT/PATH, the certificate verified."""
        url = f"https://{host}:{self.https}{path}"
        cmd = ["curl", "--silent", "--show-error", "--fail", "--cacert", self.ca.cert,
               "--resolve", f"{host}:{self.https}:127.0.0.1", *args, url]
        done = subprocess.run(cmd, capture_output=True, timeout=30)
        self.assertEqual(done.returncode, 0, done.stderr.decode())
        return done.stdout

    def test_thunderbird_autoconfig(self):
        body = self.curl("autoconfig.example.test",
                         "/mail/config-v1.1.xml?emailaddress=alice%40example.test")
        provider = ET.fromstring(body).find("emailProvider")
        incoming = provider.find("incomingServer")
        outgoing = provider.find("outgoingServer")
        self.assertEqual((incoming.findtext("hostname"), incoming.findtext("port"),
                          incoming.findtext("socketType")),
                         ("mail.example.test", str(self.imaps), "SSL"))
        self.assertEqual((outgoing.findtext("port"), outgoing.findtext("socketType")),
                         (str(self.submissions), "SSL"))

    def test_outlook_autodiscover(self):
        request = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Autodiscover xmlns=\"http://"
                   "schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\">"
                   "<Request><EMailAddress>alice@example.test</EMailAddress><AcceptableResponse"
                   "Schema>http://schemas.microsoft.com/exchange/autodiscover/outlook/"
                   "responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>")
        body = self.curl("autodiscover.example.test", "/autodiscover/autodiscover.xml",
                         "-X", "POST", "-H", "Content-Type: text/xml", "--data-binary", request)
        protocols = {p.findtext(POX + "Type"): p for p in ET.fromstring(body).iter(POX + "Protocol")}
        for kind, port in [("IMAP", self.imaps), ("SMTP", self.submissions)]:
            p = protocols[kind]
            self.assertEqual((p.findtext(POX + "Port"), p.findtext(POX + "SSL"),
                              p.findtext(POX + "Encryption")), (str(port), "on", "SSL"), kind)
        pointer = json.loads(self.curl(
            "autodiscover.example.test",
            "/autodiscover/autodiscover.json/v1.0/alice@example.test?Protocol=AutodiscoverV1"))
        self.assertEqual(pointer["Url"], f"https://mail.example.test:{self.https}"
                                         "/autodiscover/autodiscover.xml")

    def test_mta_sts(self):
        body = self.curl("mta-sts.example.test", "/.well-known/mta-sts.txt").decode()
        self.assertIn("version: STSv1\r\n", body)
        self.assertIn("mode: enforce\r\n", body)
        self.assertIn("mx: mail.example.test\r\n", body)

    def test_jmap_session(self):
        session = json.loads(self.curl("mail.example.test", "/jmap/session", "-H",
                                       "Authorization: Bearer " + self.key))
        self.assertEqual(session["username"], "alice")
        prefix = f"https://mail.example.test:{self.https}/jmap/"
        for name in ["apiUrl", "downloadUrl", "uploadUrl", "eventSourceUrl"]:
            self.assertTrue(session[name].startswith(prefix), (name, session[name]))


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
