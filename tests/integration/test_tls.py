"""Integration: implicit TLS on the real daemon with real clients, verified against a test CA.

imaplib.IMAP4_SSL and smtplib.SMTP_SSL with certificate verification, `openssl s_client` with
TLS 1.2 and 1.3 and each AEAD suite (and the refusal of TLS 1.1 and of non-AEAD suites),
`gnutls-cli`, an RSA-2048 certificate (TLS 1.2 ECDHE-RSA with PKCS#1 v1.5 and RSA-PSS
signatures, TLS 1.3 RSA-PSS: the signatures libcrypto makes, docs/tls.md), `curl` over HTTPS to the metrics listener, SNI (exact, wildcard, default),
handshakes that fail (garbage, a client that stops mid-handshake), close_notify both ways
(Python ssl without ragged EOFs), and certificate reload on SIGHUP (a bad new certificate keeps
the old one).

Usage: /usr/bin/python3 test_tls.py PATH/TO/ringmail
"""
import errno
import imaplib
import os
import re
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import time
import unittest

from daemon import Daemon
from tls_ca import TestCa

BINARY = None

CONFIG = """
[server]
hostname = "localhost"
data-dir = "@DATA@"

[runtime]
shutdown-timeout-ms = 2000

[tls]
certificate = "@CERT@"
private-key = "@KEY@"

[tls.other]
certificate = "@OTHER_CERT@"
private-key = "@OTHER_KEY@"
domains = ["*.other.test"]

[tls.rsa]
certificate = "@RSA_CERT@"
private-key = "@RSA_KEY@"
domains = ["rsa.test"]

[listener.imaps]
protocol = "imap"
bind = ["127.0.0.1:0"]
tls = "implicit"

[listener.submissions]
protocol = "submission"
bind = ["127.0.0.1:0"]
tls = "implicit"

[listener.metrics]
protocol = "metrics"
bind = ["127.0.0.1:0"]
tls = "implicit"
"""

TLS12_SUITES = ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                "ECDHE-ECDSA-CHACHA20-POLY1305"]
RSA_TLS12_SUITES = ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-CHACHA20-POLY1305"]
TLS13_SUITES = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256"]


def s_client(port, *args, servername="localhost", ca=None):
    """Runs `openssl s_client` to the port and returns its output (stdin closed at once)."""
    cmd = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", servername]
    if ca:
        cmd += ["-CAfile", ca, "-verify_return_error", "-verify_hostname", servername]
    done = subprocess.run(cmd + list(args), input=b"", capture_output=True, timeout=30)
    return done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")


def kernel_has_tls():
    """Whether the kernel takes TCP_ULP "tls" (ENOTCONN on an unconnected socket)."""
    with socket.socket() as s:
        try:
            s.setsockopt(socket.SOL_TCP, 31, b"tls")  # TCP_ULP
        except OSError as e:
            return e.errno == errno.ENOTCONN
        return True


def closed_within(port, payload, timeout):
    """Sends `payload`, then returns the seconds until the server closes (None: it did not)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(payload)
        start = time.monotonic()
        try:
            while s.recv(4096):
                pass
        except socket.timeout:
            return None
        return time.monotonic() - start


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ca = TestCa()
        cls.cert, cls.key = cls.ca.issue("mail", ["localhost", "mail.example.test"])
        other_cert, other_key = cls.ca.issue("other", ["*.other.test"])
        rsa_cert, rsa_key = cls.ca.issue("rsa", ["rsa.test"], rsa=True)
        text = (CONFIG.replace("@CERT@", cls.cert).replace("@KEY@", cls.key)
                .replace("@OTHER_CERT@", other_cert).replace("@OTHER_KEY@", other_key)
                .replace("@RSA_CERT@", rsa_cert).replace("@RSA_KEY@", rsa_key))
        cls.daemon = Daemon(BINARY, text).wait_ready()
        cls.imaps = cls.daemon.listeners["imaps"][1]
        cls.submissions = cls.daemon.listeners["submissions"][1]
        cls.metrics = cls.daemon.listeners["metrics"][1]
        for args, stdin in [(("domain", "add", "example.test"), ""),
                            (("account", "add", "alice", "--email", "alice@example.test",
                              "--password-stdin"), "alice-secret\n")]:
            done = subprocess.run([BINARY, "--config", cls.daemon.config_path, *args],
                                  input=stdin, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.daemon.__exit__(None, None, None)
        cls.ca.cleanup()

    def scrape(self):
        done = subprocess.run(["curl", "-sS", "--cacert", self.ca.cert,
                               f"https://localhost:{self.metrics}/metrics"],
                              capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 0, done.stderr)
        return done.stdout

    def metric(self, text, name_and_labels):
        m = re.search(re.escape(name_and_labels) + r" (\d+)", text)
        self.assertIsNotNone(m, name_and_labels)
        return int(m.group(1))

    def test_imaps_with_verification_and_login(self):
        imap = imaplib.IMAP4_SSL("localhost", self.imaps, ssl_context=self.ca.client_context(),
                                 timeout=10)
        self.assertEqual(imap.sock.version(), "TLSv1.3")
        typ, _ = imap.login("alice", "alice-secret")
        self.assertEqual(typ, "OK")
        typ, data = imap.select("INBOX")
        self.assertEqual(typ, "OK")
        imap.logout()

    def test_close_notify_both_ways(self):
        # Userspace wolfSSL or the kernel (tests/tls/run_ktls, image/test-boot): a LOGOUT ends
        # with the server's close_notify, and the client's is answered with one. With
        # suppress_ragged_eofs=False a close without close_notify raises SSLEOFError.
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            for who in ("server", "client"):
                context = self.ca.client_context()
                context.minimum_version = context.maximum_version = version
                raw = socket.create_connection(("127.0.0.1", self.imaps), timeout=10)
                with context.wrap_socket(raw, server_hostname="localhost",
                                         suppress_ragged_eofs=False) as s:
                    self.assertTrue(s.recv(4096).startswith(b"* OK"))
                    if who == "client":
                        s.unwrap()  # returns once the server's close_notify is in
                        continue
                    s.sendall(b"a LOGOUT\r\n")
                    data = b""
                    while chunk := s.recv(4096):
                        data += chunk
                    self.assertIn(b"a OK", data, (version, who))

    def test_smtps_with_verification(self):
        with smtplib.SMTP_SSL("localhost", self.submissions, context=self.ca.client_context(),
                              timeout=10) as smtp:
            code, _ = smtp.ehlo("client.example.test")
            self.assertEqual(code, 250)
            self.assertTrue(smtp.has_extn("auth"))
            smtp.login("alice", "alice-secret")

    def test_openssl_each_suite(self):
        for suite in TLS12_SUITES:
            out = s_client(self.imaps, "-tls1_2", "-cipher", suite, ca=self.ca.cert)
            self.assertIn(f"Cipher is {suite}", out)
            self.assertIn("Verify return code: 0 (ok)", out)
        for suite in TLS13_SUITES:
            out = s_client(self.imaps, "-tls1_3", "-ciphersuites", suite, ca=self.ca.cert)
            self.assertIn(f"Cipher is {suite}", out)
            self.assertIn("Verify return code: 0 (ok)", out)

    def test_rsa_certificate_pkcs1_and_pss_signatures(self):
        for sigalgs, signature in [("RSA+SHA256", "RSA"), ("RSA+SHA384", "RSA"),
                                   ("rsa_pss_rsae_sha256", "RSA-PSS"),
                                   ("rsa_pss_rsae_sha512", "RSA-PSS")]:
            for suite in RSA_TLS12_SUITES:
                out = s_client(self.imaps, "-tls1_2", "-cipher", suite, "-sigalgs", sigalgs,
                               servername="rsa.test", ca=self.ca.cert)
                self.assertIn(f"Cipher is {suite}", out, sigalgs)
                self.assertIn(f"Peer signature type: {signature}\n", out, sigalgs)
                self.assertIn("Verify return code: 0 (ok)", out, sigalgs)
        for sigalgs in ["rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384"]:
            out = s_client(self.imaps, "-tls1_3", "-sigalgs", sigalgs, servername="rsa.test",
                           ca=self.ca.cert)
            self.assertIn("Cipher is TLS_", out, sigalgs)
            self.assertIn("Peer signature type: RSA-PSS\n", out, sigalgs)
            self.assertIn("Verify return code: 0 (ok)", out, sigalgs)

    def test_refuses_old_versions_and_weak_suites(self):
        before = self.metric(self.scrape(),
                             'ringmail_tls_handshake_failures_total{reason="version"}')
        out = s_client(self.imaps, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
        self.assertNotIn("Cipher is ECDHE", out)
        self.assertRegex(out, r"alert protocol version|no protocols available|wrong version")
        out = s_client(self.imaps, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256")
        self.assertIn("Cipher is (NONE)", out)
        after = self.metric(self.scrape(),
                            'ringmail_tls_handshake_failures_total{reason="version"}')
        self.assertGreaterEqual(after, before + 1)

    def test_gnutls_cli(self):
        if shutil.which("gnutls-cli") is None:
            self.fail("gnutls-cli missing: run scripts/deps test")
        done = subprocess.run(["gnutls-cli", "--x509cafile", self.ca.cert, "-p",
                               str(self.imaps), "localhost"],
                              input=b"a1 LOGOUT\r\n", capture_output=True, timeout=30)
        out = done.stdout.decode(errors="replace")
        self.assertIn("* OK", out)
        self.assertIn("a1 OK", out)

    def test_session_ticket_resumption(self):
        session = os.path.join(self.ca.dir, "session.pem")
        out = s_client(self.imaps, "-tls1_2", "-sess_out", session, ca=self.ca.cert)
        self.assertIn("New, TLSv1.2", out)
        self.assertIn("TLS session ticket lifetime hint: 3600", out)
        out = s_client(self.imaps, "-tls1_2", "-sess_in", session, ca=self.ca.cert)
        self.assertIn("Reused, TLSv1.2", out)

    def test_sni_exact_wildcard_default(self):
        out = s_client(self.imaps, "-tls1_3", servername="x.other.test", ca=self.ca.cert)
        self.assertIn("Verify return code: 0 (ok)", out)
        self.assertIn("CN = *.other.test", out)
        out = s_client(self.imaps, "-tls1_3", servername="unknown.test")
        self.assertIn("CN = localhost", out)

    def test_metrics_over_https(self):
        text = self.scrape()
        self.assertGreater(self.metric(text, 'ringmail_tls_sessions_total{mode="user"}'), 0)
        self.assertIn('ringmail_tls_sessions_total{mode="ktls"}', text)

    def test_ktls_mode(self):
        imap = imaplib.IMAP4_SSL("localhost", self.imaps, ssl_context=self.ca.client_context(),
                                 timeout=10)
        imap.login("alice", "alice-secret")
        imap.logout()
        text = self.scrape()
        ktls = self.metric(text, 'ringmail_tls_sessions_total{mode="ktls"}')
        if not kernel_has_tls():
            if os.environ.get("RINGMAIL_REQUIRE_KTLS"):
                self.fail("RINGMAIL_REQUIRE_KTLS is set but the kernel has no TLS offload")
            self.assertEqual(ktls, 0)
            self.skipTest("the kernel has no TLS offload (CONFIG_TLS): sessions stay in "
                          "userspace; tests/tls/run_ktls runs this on the appliance kernel")
        self.assertGreater(ktls, 0)

    def test_failed_handshakes_end_the_connection(self):
        self.assertIsNotNone(closed_within(self.imaps, b"GET / HTTP/1.1\r\n\r\n", 5))
        # A ClientHello header and nothing more: the handshake deadline (10 s) ends it.
        self.assertIsNotNone(closed_within(self.imaps, b"\x16\x03\x01\x02\x00\x01", 20))
        text = self.scrape()
        self.assertGreater(
            self.metric(text, 'ringmail_tls_handshake_failures_total{reason="timeout"}'), 0)
        self.assertGreater(
            self.metric(text, 'ringmail_tls_handshake_failures_total{reason="protocol"}'), 0)
        self.daemon.wait_for(r"event=tls_handshake_failed .*peer=127\.0\.0\.1:\d+ reason=")

    def test_reload_on_sighup(self):
        # A broken certificate: the reload fails and the old one keeps serving.
        with open(self.cert, "w") as f:
            f.write("not a certificate\n")
        self.daemon.proc.send_signal(signal.SIGHUP)
        self.daemon.wait_for(r"event=tls_reload_failed")
        out = s_client(self.imaps, "-tls1_3", ca=self.ca.cert)
        self.assertIn("Verify return code: 0 (ok)", out)
        # A new certificate (another name, an RSA key where the old one was ECDSA): the reload
        # takes it, and libcrypto signs with the new key.
        new_cert, new_key = self.ca.issue("renewed", ["localhost", "renewed.example.test"],
                                          rsa=True)
        shutil.copyfile(new_cert, self.cert)
        shutil.copyfile(new_key, self.key)
        self.daemon.proc.send_signal(signal.SIGHUP)
        self.daemon.wait_for(r"event=tls_reloaded why=SIGHUP")
        out = s_client(self.imaps, "-tls1_3", ca=self.ca.cert)
        self.assertIn("Peer signature type: RSA-PSS", out)
        self.assertIn("renewed.example.test", subprocess.run(
            ["openssl", "x509", "-noout", "-ext", "subjectAltName"],
            input=out.encode(), capture_output=True, timeout=10).stdout.decode())


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main()
