"""Integration: STARTTLS on the real daemon's imap, smtp and submission listeners
(`tls = "starttls"`, docs/imap.md and docs/smtp.md "STARTTLS") with real clients verifying the
server's certificate against a test CA: imaplib and smtplib, swaks --tls, and
openssl s_client -starttls imap / smtp. The command-injection check (CVE-2011-0411) sends a
command behind STARTTLS in the same write over a raw socket, does the handshake, and proves
the injected command was never answered.

Usage: /usr/bin/python3 test_starttls.py PATH/TO/ringmail
"""
import imaplib
import os
import shutil
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import unittest

from daemon import Daemon
from tls_ca import TestCa

BINARY = None

CONFIG = """
[server]
hostname = "mail.example.test"
data-dir = "@DIR@"

[runtime]
shutdown-timeout-ms = 2000

[tls]
certificate = "@CERT@"
private-key = "@KEY@"

[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]
tls = "starttls"

[listener.smtp]
protocol = "smtp"
bind = ["127.0.0.1:0"]
tls = "starttls"

[listener.submission]
protocol = "submission"
bind = ["127.0.0.1:0"]
tls = "starttls"
"""


class StartTlsServer:
    """A test CA (tls_ca.py), accounts made with the CLI, then the daemon on the same data
    directory."""

    def __init__(self, test):
        self.dir = tempfile.TemporaryDirectory(prefix="ringmail-starttls-")
        test.addCleanup(self.dir.cleanup)
        self.test_ca = TestCa()
        test.addCleanup(self.test_ca.cleanup)
        self.ca = self.test_ca.cert
        cert, key = self.test_ca.issue("mail", ["localhost", "mail.example.test"])
        text = (CONFIG.replace("@DIR@", self.dir.name).replace("@CERT@", cert)
                .replace("@KEY@", key))
        self.config = os.path.join(self.dir.name, "ringmail.toml")
        with open(self.config, "w") as f:
            f.write(text)
        self.cli("domain", "add", "example.test")
        for name in ("alice", "bob"):
            self.cli("account", "add", name, "--email", f"{name}@example.test",
                     "--password-stdin", stdin=f"{name}-pw\n")
        self.daemon = Daemon(BINARY, text)
        test.addCleanup(self.daemon.__exit__)
        self.daemon.wait_ready()

    def cli(self, *args, stdin=""):
        out = subprocess.run([BINARY, "--config", self.config, *args], input=stdin,
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise AssertionError(f"{args} exited {out.returncode}: {out.stderr}")

    def port(self, listener):
        return self.daemon.listeners[listener][1]

    def context(self):
        """A client context that verifies the server (certificate and name) against the CA."""
        ctx = self.test_ca.client_context()
        assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
        return ctx


def read_line(sock):
    """One CRLF-terminated line, byte by byte: nothing of a later TLS record is read."""
    line = b""
    while not line.endswith(b"\r\n"):
        byte = sock.recv(1)
        if not byte:
            raise AssertionError(f"connection closed after {line!r}")
        line += byte
    return line


class StartTlsTest(unittest.TestCase):
    def setUp(self):
        self.server = StartTlsServer(self)

    def test_imaplib_starttls_login_select(self):
        s = self.server
        imap = imaplib.IMAP4("localhost", s.port("imap"), timeout=20)
        self.addCleanup(lambda: imap.state == "LOGOUT" or imap.shutdown())
        self.assertIn("STARTTLS", imap.capabilities)
        self.assertIn("LOGINDISABLED", imap.capabilities)
        self.assertFalse([c for c in imap.capabilities if c.startswith("AUTH=")])
        with self.assertRaisesRegex(imaplib.IMAP4.error, "PRIVACYREQUIRED"):
            imap.login("alice", "alice-pw")
        typ, _ = imap.starttls(ssl_context=s.context())
        self.assertEqual(typ, "OK")
        # imaplib asked for CAPABILITY again over TLS (RFC 9051 §6.2.1).
        self.assertNotIn("STARTTLS", imap.capabilities)
        self.assertNotIn("LOGINDISABLED", imap.capabilities)
        self.assertIn("AUTH=PLAIN", imap.capabilities)
        self.assertEqual(imap.login("alice", "alice-pw")[0], "OK")
        typ, data = imap.select("INBOX")
        self.assertEqual((typ, data), ("OK", [b"0"]))
        self.assertEqual(imap.logout()[0], "BYE")
        self.server.daemon.wait_for(r"event=imap_starttls .*tls=\"TLS")

    def test_smtplib_submission_then_received_says_esmtpsa(self):
        s = self.server
        with smtplib.SMTP("localhost", s.port("submission"), timeout=20) as c:
            c.ehlo("laptop")
            self.assertTrue(c.has_extn("starttls"))
            self.assertFalse(c.has_extn("auth"))
            self.assertEqual(c.docmd("AUTH", "PLAIN AGFsaWNlAGFsaWNlLXB3")[0], 538)
            with self.assertRaises(smtplib.SMTPSenderRefused) as e:
                c.sendmail("alice@example.test", ["bob@example.test"], "Subject: x\r\n\r\nx\r\n")
            self.assertEqual(e.exception.smtp_code, 530)
            self.assertEqual(c.starttls(context=s.context())[0], 220)
            c.ehlo("laptop")  # smtplib forgot the old answer; the server too
            self.assertFalse(c.has_extn("starttls"))
            self.assertTrue(c.has_extn("requiretls"))
            c.login("alice", "alice-pw")
            body = "From: alice@example.test\r\nSubject: over tls\r\n\r\nhi\r\n"
            self.assertEqual(c.sendmail("alice@example.test", ["bob@example.test"], body), {})
        s.daemon.wait_for(r"event=smtp_starttls protocol=submission .*tls=\"TLS")
        # The stored Received header, read back over IMAP with STARTTLS.
        imap = imaplib.IMAP4("localhost", s.port("imap"), timeout=20)
        self.addCleanup(lambda: imap.state == "LOGOUT" or imap.shutdown())
        imap.starttls(ssl_context=s.context())
        imap.login("bob", "bob-pw")
        imap.select("INBOX")
        typ, data = imap.fetch("1", "(BODY.PEEK[HEADER.FIELDS (RECEIVED)])")
        self.assertEqual(typ, "OK")
        received = data[0][1].decode()
        self.assertIn(" with ESMTPSA id ", received)
        self.assertRegex(received, r"\(using TLS\S* \S+\)")
        imap.logout()

    @unittest.skipUnless(shutil.which("swaks"), "swaks is not installed (scripts/deps test)")
    def test_swaks_tls(self):
        s = self.server
        out = subprocess.run(
            ["swaks", "--server", f"127.0.0.1:{s.port('smtp')}", "--tls", "--from",
             "x@remote.test", "--to", "alice@example.test", "--helo", "swaks.test",
             "--header", "Subject: swaks-tls", "--timeout", "20"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("220 2.0.0 Ready to start TLS", out.stdout)
        self.assertIn("TLS started", out.stdout)
        self.assertIn("250 2.0.0 Message accepted", out.stdout)
        # AUTH on submission, only after the handshake.
        out = subprocess.run(
            ["swaks", "--server", f"127.0.0.1:{s.port('submission')}", "--tls", "--from",
             "bob@example.test", "--to", "alice@example.test", "--auth", "PLAIN",
             "--auth-user", "bob", "--auth-password", "bob-pw", "--header",
             "From: bob@example.test", "--header", "Subject: swaks-auth", "--timeout", "20"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("235 2.7.0", out.stdout)

    def s_client(self, proto, port, stdin):
        out = subprocess.run(
            ["openssl", "s_client", "-starttls", proto, "-connect", f"127.0.0.1:{port}",
             "-servername", "mail.example.test", "-verify_hostname", "mail.example.test",
             "-CAfile", self.server.ca, "-verify_return_error", "-brief", "-crlf", "-ign_eof"],
            input=stdin, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("Verification: OK", out.stderr)
        self.assertRegex(out.stderr, r"Protocol version: TLSv1\.[23]")
        return out.stdout

    def test_openssl_s_client(self):
        s = self.server
        out = self.s_client("imap", s.port("imap"), "a1 CAPABILITY\na2 LOGIN alice alice-pw\n"
                            "a3 LOGOUT\n")
        self.assertRegex(out, r"\* CAPABILITY [^\r\n]*AUTH=PLAIN")
        self.assertNotRegex(out, r"\* CAPABILITY [^\r\n]*STARTTLS")
        self.assertIn("a2 OK ", out)
        self.assertIn("a3 OK LOGOUT completed", out)
        out = self.s_client("smtp", s.port("smtp"), "EHLO sclient.test\nQUIT\n")
        self.assertIn("250-REQUIRETLS", out)
        self.assertNotIn("STARTTLS", out)
        self.assertIn("221 2.0.0 Bye", out)

    def inject(self, listener, before, pipelined, go_ahead, probe, answer):
        """After the greeting and the exchange `before` (a line and the start of its last
        reply line), sends `pipelined` (STARTTLS and a command behind it) in one write, checks
        the go-ahead, does the handshake, sends `probe`, and checks that the first line over
        TLS is its `answer`, not the injected command's."""
        with socket.create_connection(("127.0.0.1", self.server.port(listener)),
                                      timeout=20) as raw:
            read_line(raw)
            for line, last in before:
                raw.sendall(line)
                while not read_line(raw).startswith(last):
                    pass
            raw.sendall(pipelined)
            self.assertEqual(read_line(raw), go_ahead)
            with self.server.context().wrap_socket(raw, server_hostname="mail.example.test") as tls:
                tls.sendall(probe)
                self.assertEqual(read_line(tls), answer)

    def test_commands_pipelined_behind_starttls_are_never_run(self):
        self.inject("smtp", [(b"EHLO inject.test\r\n", b"250 ")], b"STARTTLS\r\nNOOP\r\n",
                    b"220 2.0.0 Ready to start TLS\r\n", b"EHLO client.test\r\n",
                    b"250-mail.example.test Hello client.test\r\n")
        self.server.daemon.wait_for(r"event=smtp_starttls_discarded protocol=smtp .*bytes=6")
        self.inject("imap", [], b"a STARTTLS\r\nb NOOP\r\n", b"a OK Begin TLS negotiation now\r\n",
                    b"c NOOP\r\n", b"c OK NOOP completed\r\n")
        self.server.daemon.wait_for(r"event=imap_starttls_discarded .*bytes=8")

if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main()
