"""Integration: real mail clients over TLS, the certificate verified against a test CA.

Starts `ringmail serve` with an implicit-TLS IMAP listener (the 993 kind) and a STARTTLS one
(the 143 kind), certificate from tls_ca.TestCa for "localhost", and for each listener runs:
  mbsync (isync)  SSLType IMAPS / STARTTLS, CertificateFile = the test CA, system
                  certificates off: a full sync down into a Maildir (bytes compared), then a
                  local message synced up (read back with imaplib); with another CA's file
                  the sync fails and nothing is copied.
  neomutt         headless under a pseudo-terminal (it is a curses program; batch mode `-s`
                  cannot reach IMAP: it skips an IMAP Fcc), GnuTLS with
                  ssl_ca_certificates_file = the test CA, ssl_force_tls: opens INBOX, pipes
                  the message to a file (bytes compared), flags it, copies it to Archive,
                  syncs and quits (checked with imaplib); with another CA it shows GnuTLS's
                  certificate prompt, and rejecting it leaves it unconnected.
Usage: /usr/bin/python3 test_tls_clients.py PATH/TO/ringmail
"""
import imaplib
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
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

[listener.imaps]
protocol = "imap"
bind = ["127.0.0.1:0"]
tls = "implicit"

[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]
tls = "starttls"
"""

MBSYNCRC = """
IMAPAccount ringmail
Host localhost
Port {port}
User alice
Pass alice-secret
SSLType {ssl_type}
CertificateFile {ca}
SystemCertificates no
AuthMechs PLAIN

IMAPStore far
Account ringmail

MaildirStore near
Path {root}/mail/
Inbox {root}/mail/INBOX

Channel sync
Far :far:
Near :near:
Patterns INBOX
Create Both
SyncState *
Sync All
"""

MUTTRC = """
set ssl_ca_certificates_file="{ca}"
set certificate_file="{root}/certificates"
set ssl_force_tls=yes
set ssl_starttls=yes
set imap_user="alice"
set imap_pass="alice-secret"
set folder="{url}"
set header_cache=""
set message_cachedir=""
set wait_key=no
set pipe_decode=no
set quit=yes
set resolve=no
set confirmappend=no
set mail_check_stats=no
"""


def message(n):
    return (f"From: bob@example.test\r\nTo: alice@example.test\r\nSubject: tls client {n}\r\n"
            f"Message-ID: <tls-client-{n}@example.test>\r\n\r\nbody of message {n}\r\n").encode()


class Terminal:
    """A program on a pseudo-terminal: what it drew so far, keys to send, its exit."""

    def __init__(self, argv, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(argv[0], argv, env)
        self.screen = b""
        self.status = None

    def pump(self, timeout):
        """Reads what is drawn for up to `timeout` s; returns False once the program ended."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # EIO: the program closed the terminal
                chunk = b""
            self.screen += chunk
            if chunk:
                return True
        done, status = os.waitpid(self.pid, os.WNOHANG)
        if done:
            self.status = os.waitstatus_to_exitcode(status)
            return False
        return True

    def wait_for(self, pattern, timeout=30):
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.screen) and time.monotonic() < deadline:
            if not self.pump(0.2):
                break
        return re.search(pattern, self.screen) is not None

    def wait_exit(self, timeout=30):
        deadline = time.monotonic() + timeout
        while self.status is None and time.monotonic() < deadline:
            self.pump(0.2)
        if self.status is None:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        os.close(self.fd)
        return self.status


class TlsClientsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ca = TestCa()
        cls.other_ca = TestCa()
        cert, key = cls.ca.issue("mail", ["localhost"])
        cls.daemon = Daemon(BINARY, CONFIG.replace("@CERT@", cert).replace("@KEY@", key))
        cls.daemon.wait_ready()
        cls.ports = {"IMAPS": cls.daemon.listeners["imaps"][1],
                     "STARTTLS": cls.daemon.listeners["imap"][1]}
        cls.daemon.add_account()
        with cls.imap() as m:
            for n in range(3):
                m.append("INBOX", None, None, message(n))
        cls.tmp = tempfile.TemporaryDirectory(prefix="ringmail-tls-clients-")

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.tmp.cleanup()
        cls.ca.cleanup()
        cls.other_ca.cleanup()

    @classmethod
    def imap(cls):
        m = imaplib.IMAP4_SSL("localhost", cls.ports["IMAPS"], ssl_context=cls.ca.client_context())
        m.login("alice", "alice-secret")
        return m

    def fresh_dir(self, name):
        path = os.path.join(self.tmp.name, name)
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        return path

    def mbsync(self, root, ssl_type, ca):
        with open(os.path.join(root, "mbsyncrc"), "w") as f:
            f.write(MBSYNCRC.format(port=self.ports[ssl_type], ssl_type=ssl_type, ca=ca,
                                    root=root))
        os.makedirs(os.path.join(root, "mail"), exist_ok=True)
        return subprocess.run(["mbsync", "-c", os.path.join(root, "mbsyncrc"), "-a"],
                              capture_output=True, text=True, timeout=60,
                              env=dict(os.environ, HOME=root))

    def test_mbsync(self):
        for ssl_type in ("IMAPS", "STARTTLS"):
            with self.subTest(ssl_type):
                root = self.fresh_dir("mbsync-" + ssl_type)
                done = self.mbsync(root, ssl_type, self.ca.cert)
                self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
                got = set()
                for sub in ("new", "cur"):
                    folder = os.path.join(root, "mail", "INBOX", sub)
                    for name in os.listdir(folder):
                        with open(os.path.join(folder, name), "rb") as f:
                            got.add(re.sub(rb"X-TUID: [^\n]*\n", b"", f.read()))
                want = {message(n).replace(b"\r\n", b"\n") for n in range(3)}
                self.assertTrue(want <= got, got)
                subject = f"up via {ssl_type}"
                with open(os.path.join(root, "mail", "INBOX", "new", f"1.{ssl_type}.x"),
                          "wb") as f:
                    f.write(f"From: alice@example.test\nSubject: {subject}\n\nup\n".encode())
                done = self.mbsync(root, ssl_type, self.ca.cert)
                self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
                with self.imap() as m:
                    m.select("INBOX", readonly=True)
                    _, found = m.search(None, "SUBJECT", f'"{subject}"')
                    self.assertEqual(len(found[0].split()), 1)

    def test_mbsync_refuses_other_ca(self):
        for ssl_type in ("IMAPS", "STARTTLS"):
            with self.subTest(ssl_type):
                root = self.fresh_dir("mbsync-other-" + ssl_type)
                done = self.mbsync(root, ssl_type, self.other_ca.cert)
                self.assertNotEqual(done.returncode, 0)
                self.assertRegex(done.stdout + done.stderr, r"(?i)certificate")
                inbox = os.path.join(root, "mail", "INBOX", "new")
                self.assertFalse(os.path.isdir(inbox) and os.listdir(inbox))

    def neomutt(self, root, url, ca, keys):
        with open(os.path.join(root, "muttrc"), "w") as f:
            f.write(MUTTRC.format(ca=ca, root=root, url=url))
        env = dict(os.environ, HOME=root, TERM="vt100", COLUMNS="120", LINES="40")
        argv = ["neomutt", "-n", "-F", os.path.join(root, "muttrc"), "-f", url + "INBOX"]
        return Terminal(argv + (["-e", f"push '{keys}'"] if keys else []), env)

    def test_neomutt(self):
        for scheme, ssl_type in (("imaps", "IMAPS"), ("imap", "STARTTLS")):
            with self.subTest(ssl_type):
                root = self.fresh_dir("neomutt-" + ssl_type)
                piped = os.path.join(root, "piped.eml")
                url = f"{scheme}://localhost:{self.ports[ssl_type]}/"
                with self.imap() as m:  # <flag-message> toggles: start unflagged
                    m.select("INBOX")
                    m.store("1:*", "-FLAGS", "\\Flagged")
                term = self.neomutt(root, url, self.ca.cert,
                                    f"<pipe-message>cat > {piped}<enter><flag-message>"
                                    "<copy-message>=Archive<enter><sync-mailbox><quit>")
                status = term.wait_exit()
                self.assertEqual(status, 0, term.screen[-2000:])
                with open(piped, "rb") as f:
                    self.assertEqual(f.read(), message(0).replace(b"\r\n", b"\n"))
                with self.imap() as m:
                    m.select("INBOX", readonly=True)
                    _, flags = m.fetch("1", "(FLAGS)")
                    self.assertIn(b"\\Flagged", flags[0])
                    m.select("Archive", readonly=True)
                    _, found = m.search(None, "SUBJECT", '"tls client 0"')
                    self.assertGreaterEqual(len(found[0].split()), 1)

    def test_neomutt_refuses_other_ca(self):
        root = self.fresh_dir("neomutt-other")
        term = self.neomutt(root, f"imaps://localhost:{self.ports['IMAPS']}/",
                            self.other_ca.cert, None)
        # GnuTLS's verification failed: neomutt asks whether to accept the certificate.
        self.assertTrue(term.wait_for(rb"\(r\)eject"), term.screen[-2000:])
        os.write(term.fd, b"r")
        self.assertTrue(term.wait_for(rb"(?i)(could not|failed|unable)"), term.screen[-2000:])
        self.assertNotIn(b"Msgs:", term.screen)
        os.write(term.fd, b"q")
        term.wait_exit(10)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main()
