"""Integration: the `http` listener against the real binary (docs/http.md).

Client autodiscovery (Thunderbird autoconfig checked element by element, Outlook autodiscover
POX and JSON, the Apple profile read with plistlib), the MTA-STS policy, HTTP/1.1 behaviour
seen by real clients (curl and http.client: keep-alive, gzip, HEAD), and the admin API: a
domain and an account created over HTTP log in over IMAP (imaplib) and show in the CLI;
refused credentials get 401, bad JSON 400.

Usage: /usr/bin/python3 test_http.py PATH/TO/ringmail
"""
import base64
import gzip
import http.client
import imaplib
import json
import plistlib
import subprocess
import sys
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

from daemon import METRICS_CONFIG, Daemon

BINARY = None

CONFIG = METRICS_CONFIG + """
[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]

[listener.submission]
protocol = "submission"
bind = ["127.0.0.1:0"]

[listener.web]
protocol = "http"
bind = ["127.0.0.1:0"]

[http]
mta-sts-mode = "enforce"
mta-sts-max-age = 86400

[authentication.fallback-admin]
user = "admin"
secret = "{PLAIN}admin-secret"
"""

POX_NS = "{http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a}"


class HttpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(BINARY, CONFIG).wait_ready()
        cls.host, cls.port = cls.daemon.listeners["web"]
        cls.base = f"http://{cls.host}:{cls.port}"
        cls.cli("domain", "add", "example.test")

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.daemon.__exit__(None, None, None)

    @classmethod
    def cli(cls, *args, stdin=""):
        done = subprocess.run([BINARY, "--config", cls.daemon.config_path, *args], input=stdin,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def fetch(self, path, method="GET", body=None, headers=None, auth=None):
        """(status, headers, body bytes) of one request; HTTP errors are answers too."""
        headers = dict(headers or {})
        if auth is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(
                f"{auth[0]}:{auth[1]}".encode()).decode()
        data = body.encode() if isinstance(body, str) else body
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def api(self, path, method="GET", payload=None, auth=("admin", "admin-secret")):
        body = None if payload is None else (
            payload if isinstance(payload, str) else json.dumps(payload))
        status, _, data = self.fetch("/api/" + path, method, body,
                                     {"Content-Type": "application/json"}, auth)
        return status, json.loads(data) if data else None

    # --- autodiscovery ---

    def test_thunderbird_autoconfig(self):
        for path in ["/mail/config-v1.1.xml?emailaddress=someone%40example.test",
                     "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=x@Example.TEST"]:
            status, headers, body = self.fetch(path)
            self.assertEqual(status, 200, body)
            self.assertTrue(headers["Content-Type"].startswith("application/xml"))
            root = ET.fromstring(body)
            self.assertEqual(root.tag, "clientConfig")
            self.assertEqual(root.get("version"), "1.1")
            provider = root.find("emailProvider")
            self.assertEqual(provider.get("id"), "example.test")
            self.assertEqual(provider.findtext("domain"), "example.test")
            self.assertTrue(provider.findtext("displayName"))
            incoming = provider.findall("incomingServer")
            outgoing = provider.findall("outgoingServer")
            self.assertEqual([s.get("type") for s in incoming], ["imap"])
            self.assertEqual([s.get("type") for s in outgoing], ["smtp"])
            for server, listener in [(incoming[0], "imap"), (outgoing[0], "submission")]:
                self.assertEqual(server.findtext("hostname"), "mail.example.test")
                self.assertEqual(int(server.findtext("port")), self.daemon.listeners[listener][1])
                self.assertEqual(server.findtext("socketType"), "plain")  # the listeners' tls
                self.assertIn(server.findtext("authentication"),
                              ["password-cleartext", "password-encrypted"])
                self.assertEqual(server.findtext("username"), "%EMAILADDRESS%")
        # The domain may also come from the Host (autoconfig.DOMAIN).
        status, _, body = self.fetch("/mail/config-v1.1.xml",
                                     headers={"Host": "autoconfig.example.test"})
        self.assertEqual(status, 200, body)
        for path in ["/mail/config-v1.1.xml?emailaddress=x@other.test", "/mail/config-v1.1.xml"]:
            self.assertEqual(self.fetch(path)[0], 404)

    def test_outlook_autodiscover(self):
        request = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Autodiscover xmlns=\"http://"
                   "schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\">"
                   "<Request><EMailAddress>Bob@example.test</EMailAddress>"
                   "<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/"
                   "autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>"
                   "</Request></Autodiscover>")
        status, _, body = self.fetch("/autodiscover/autodiscover.xml", "POST", request,
                                     {"Content-Type": "text/xml"})
        self.assertEqual(status, 200, body)
        account = ET.fromstring(body).find(f"{POX_NS}Response/{POX_NS}Account")
        self.assertEqual(account.findtext(f"{POX_NS}AccountType"), "email")
        self.assertEqual(account.findtext(f"{POX_NS}Action"), "settings")
        protocols = {p.findtext(f"{POX_NS}Type"): p for p in account.findall(f"{POX_NS}Protocol")}
        self.assertEqual(sorted(protocols), ["IMAP", "SMTP"])
        for kind, listener in [("IMAP", "imap"), ("SMTP", "submission")]:
            p = protocols[kind]
            self.assertEqual(p.findtext(f"{POX_NS}Server"), "mail.example.test")
            self.assertEqual(int(p.findtext(f"{POX_NS}Port")), self.daemon.listeners[listener][1])
            self.assertEqual(p.findtext(f"{POX_NS}LoginName"), "bob@example.test")
            self.assertEqual(p.findtext(f"{POX_NS}SSL"), "off")
        status, _, _ = self.fetch("/autodiscover/autodiscover.xml", "POST",
                                  request.replace("example.test", "other.test"))
        self.assertEqual(status, 404)

        status, _, body = self.fetch(
            "/autodiscover/autodiscover.json/v1.0/bob@example.test?Protocol=AutodiscoverV1")
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body), {
            "Protocol": "AutodiscoverV1",
            "Url": f"http://mail.example.test:{self.port}/autodiscover/autodiscover.xml"})
        status, _, body = self.fetch(
            "/autodiscover/autodiscover.json/v1.0/bob@example.test?Protocol=ActiveSync")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["ErrorCode"], "InvalidProtocol")
        self.assertEqual(self.fetch("/autodiscover/autodiscover.json/v1.0/b@other.test"
                                    "?Protocol=AutodiscoverV1")[0], 404)

    def test_apple_mobileconfig(self):
        status, headers, body = self.fetch("/mobileconfig?emailaddress=carol%40example.test")
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Content-Type"], "application/x-apple-aspen-config")
        profile = plistlib.loads(body)
        self.assertEqual(profile["PayloadType"], "Configuration")
        self.assertEqual(profile["PayloadVersion"], 1)
        [mail] = profile["PayloadContent"]
        self.assertEqual(mail["PayloadType"], "com.apple.mail.managed")
        self.assertEqual(mail["EmailAccountType"], "EmailTypeIMAP")
        self.assertEqual(mail["EmailAddress"], "carol@example.test")
        self.assertEqual(mail["IncomingMailServerHostName"], "mail.example.test")
        self.assertEqual(mail["IncomingMailServerPortNumber"], self.daemon.listeners["imap"][1])
        self.assertEqual(mail["OutgoingMailServerPortNumber"],
                         self.daemon.listeners["submission"][1])
        self.assertFalse(mail["IncomingMailServerUseSSL"])
        self.assertNotEqual(mail["PayloadUUID"], profile["PayloadUUID"])
        # Stable: the same address gives the same profile (it replaces itself when reinstalled).
        self.assertEqual(self.fetch("/mobileconfig?emailaddress=carol%40example.test")[2], body)
        self.assertEqual(self.fetch("/mobileconfig?emailaddress=carol%40other.test")[0], 404)

    def test_mta_sts(self):
        out = subprocess.run(
            ["curl", "-sS", "-i", "--resolve", f"mta-sts.example.test:{self.port}:{self.host}",
             f"http://mta-sts.example.test:{self.port}/.well-known/mta-sts.txt"],
            capture_output=True, timeout=30, check=True).stdout
        head, body = out.split(b"\r\n\r\n", 1)
        self.assertTrue(head.startswith(b"HTTP/1.1 200"), head)
        self.assertIn(b"Content-Type: text/plain", head)
        self.assertEqual(body, b"version: STSv1\r\nmode: enforce\r\nmx: mail.example.test\r\n"
                               b"max_age: 86400\r\n")
        status, _, _ = self.fetch("/.well-known/mta-sts.txt",
                                  headers={"Host": "mta-sts.other.test"})
        self.assertEqual(status, 404)

    # --- HTTP/1.1 as clients see it ---

    def test_keep_alive_gzip_head(self):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        self.addCleanup(conn.close)
        conn.request("GET", "/mail/config-v1.1.xml?emailaddress=a@example.test",
                     headers={"Accept-Encoding": "gzip"})
        r = conn.getresponse()
        packed = r.read()
        self.assertEqual(r.getheader("Content-Encoding"), "gzip")
        self.assertIn(b"<clientConfig", gzip.decompress(packed))
        conn.request("HEAD", "/mail/config-v1.1.xml?emailaddress=a@example.test")
        r = conn.getresponse()  # the same connection: keep-alive
        self.assertEqual(r.status, 200)
        self.assertEqual(r.read(), b"")
        self.assertGreater(int(r.getheader("Content-Length")), len(packed))
        conn.request("GET", "/nowhere")
        r = conn.getresponse()
        r.read()
        self.assertEqual(r.status, 404)
        # curl sends a chunked body with Expect: 100-continue when asked.
        out = subprocess.run(
            ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H",
             "Transfer-Encoding: chunked", "-H", "Expect: 100-continue", "--data-binary", "{",
             "-u", "admin:admin-secret", self.base + "/api/domains"],
            capture_output=True, text=True, timeout=30, check=True).stdout
        self.assertEqual(out, "400")

    # --- admin API ---

    def test_admin_refusals(self):
        status, headers, body = self.fetch("/api/domains")
        self.assertEqual(status, 401)
        self.assertIn("Basic", headers["WWW-Authenticate"])
        self.assertEqual(json.loads(body)["error"]["status"], 401)
        self.assertEqual(self.api("domains", auth=("admin", "wrong"))[0], 401)
        status, _, _ = self.fetch("/api/domains", headers={"Authorization": "Bearer abc"})
        self.assertEqual(status, 401)
        status, answer = self.api("domains", "POST", "{not json")
        self.assertEqual(status, 400)
        self.assertIn("invalid JSON", answer["error"]["message"])
        self.assertEqual(self.api("domains", "POST", {"name": "x.test", "extra": 1})[0], 400)
        self.assertEqual(self.api("domains", "POST", {"name": 5})[0], 400)
        self.assertEqual(self.api("nothing")[0], 404)
        self.assertEqual(self.api("accounts/nobody")[0], 404)
        self.assertEqual(self.api("domains", "POST", {"name": "example.test"})[0], 409)
        self.cli("account", "add", "dave", "--email", "dave@example.test", "--password-stdin",
                 stdin="dave-secret\n")
        self.assertEqual(self.api("status", auth=("dave", "dave-secret"))[0], 403)
        self.assertIn("event=admin_api", "\n".join(self.daemon.log) +
                      self.daemon.wait_for(r"event=admin_api .*status=403"))

    def test_admin_flow(self):
        status, answer = self.api("domains", "POST", {"name": "API.test"})
        self.assertEqual(status, 201, answer)
        self.assertEqual(answer["name"], "api.test")
        self.assertIn("api.test", self.api("domains")[1])
        status, answer = self.api("accounts", "POST", {
            "name": "erin", "emails": ["erin@api.test", "e@api.test"],
            "password": "erin-secret", "quota": "10M"})
        self.assertEqual(status, 201, answer)
        self.assertEqual(answer["emails"], ["erin@api.test", "e@api.test"])
        self.assertEqual(answer["quota"], 10 << 20)
        self.assertTrue(answer["has_password"])
        self.assertNotIn("secret", answer)

        imap = imaplib.IMAP4(*self.daemon.listeners["imap"], timeout=10)
        self.assertEqual(imap.login("erin", "erin-secret")[0], "OK")
        imap.logout()
        shown = self.cli("account", "show", "erin")
        self.assertIn("erin@api.test, e@api.test", shown)
        self.assertIn("of 10485760", shown)

        self.assertEqual(self.api("accounts/erin/password", "PUT", {"password": "new"})[0], 200)
        imap = imaplib.IMAP4(*self.daemon.listeners["imap"], timeout=10)
        self.assertEqual(imap.login("erin@api.test", "new")[0], "OK")
        imap.logout()
        self.assertEqual(self.api("accounts/erin/quota", "PUT", {"quota": 0})[1]["quota"], 0)
        self.assertEqual(self.api("accounts/erin/aliases", "POST",
                                  {"address": "Erin2@API.test"})[0], 200)
        self.assertEqual(self.api("accounts/erin/aliases")[1], ["e@api.test", "erin2@api.test"])
        self.assertEqual(self.api("accounts/erin/aliases/e@api.test", "DELETE")[1]["emails"],
                         ["erin@api.test", "erin2@api.test"])
        status, answer = self.api("accounts/erin", "PATCH", {"description": "Erin E.",
                                                             "active": False})
        self.assertEqual((status, answer["description"], answer["active"]),
                         (200, "Erin E.", False))
        names = [a["name"] for a in self.api("accounts")[1]]
        self.assertIn("erin", names)

        status, answer = self.api("domains/api.test/dns-records")
        self.assertEqual(status, 200)
        self.assertIn("api.test", answer["zone"])
        self.assertTrue(any(r["type"] == "SRV" for r in answer["records"]))
        self.assertEqual(self.api("queue"), (200, []))
        self.assertEqual(self.api("queue/retry", "POST")[0], 200)
        self.assertEqual(self.api("queue/12345", "DELETE")[0], 404)
        status, answer = self.api("status")
        self.assertEqual(status, 200)
        self.assertIn({"name": "web", "protocol": "http", "tls": "none", "port": self.port},
                      answer["listeners"])

        self.assertEqual(self.api("domains/api.test", "DELETE")[0], 400)  # still used
        self.assertEqual(self.api("accounts/erin", "DELETE")[0], 200)
        self.assertNotIn("erin", self.cli("account", "list"))
        self.assertEqual(self.api("domains/api.test", "DELETE")[0], 200)
        self.daemon.wait_for(r"event=admin_api user=admin .*method=DELETE "
                             r"path=/api/domains/api.test status=200")


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
