"""Integration: IMAP QUOTA, REPLACE, COMPRESS=DEFLATE and WITHIN against the real binary.

Starts `ringmail serve` with an imap listener on an ephemeral loopback port, adds accounts with
the CLI (one with a quota set by `account update --quota`), then with Python's imaplib:
GETQUOTAROOT and an APPEND over the quota (NO [OVERQUOTA], nothing stored); REPLACE and UID
REPLACE as raw commands; COMPRESS DEFLATE and a whole session over the compressed stream (a
subclass of imaplib.IMAP4 wrapping its I/O in zlib raw deflate), with a large APPEND and
FETCH; SEARCH YOUNGER/OLDER; mbsync (isync 1.4 compresses whenever the server offers it)
syncing a mailbox into a Maildir over COMPRESS. Then COMPRESS above TLS: STARTTLS, login, COMPRESS, a large
APPEND and FETCH over both layers, on a second daemon with a test CA's certificate.

Usage: /usr/bin/python3 test_imap_ext.py PATH/TO/ringmail
"""
import imaplib
import os
import random
import shutil
import subprocess
import tempfile
import sys
import unittest
import zlib

from daemon import METRICS_CONFIG, Daemon
from tls_ca import TestCa

BINARY = None

CONFIG = METRICS_CONFIG + """
[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]
"""

imaplib.Commands.setdefault("REPLACE", ("SELECTED",))
imaplib.Commands.setdefault("COMPRESS", ("AUTH", "SELECTED"))


def message(subject, body_size=20):
    body = "".join(random.choice("abcdefghij \r\n") for _ in range(body_size))
    body = body.replace("\r", "").replace("\n", "\r\n")
    return (f"From: a@example.test\r\nTo: b@example.test\r\nSubject: {subject}\r\n\r\n"
            f"{body}\r\n").encode()


class DeflateIMAP(imaplib.IMAP4):
    """imaplib over COMPRESS=DEFLATE (RFC 4978) once compress() succeeded."""

    def compress(self):
        typ, data = self._simple_command("COMPRESS", "DEFLATE")
        if typ == "OK":
            self._out = zlib.compressobj(6, zlib.DEFLATED, -15)
            self._in = zlib.decompressobj(-15)
            self._plain = b""
        return typ, data

    def _compressed(self):
        return getattr(self, "_out", None) is not None

    def _fill(self):
        data = self.file.read1(65536)
        if not data:
            raise self.abort("connection closed")
        self._plain += self._in.decompress(data)

    def send(self, data):
        if not self._compressed():
            return super().send(data)
        self.sock.sendall(self._out.compress(data) + self._out.flush(zlib.Z_SYNC_FLUSH))

    def readline(self):
        if not self._compressed():
            return super().readline()
        while b"\n" not in self._plain:
            self._fill()
        line, _, self._plain = self._plain.partition(b"\n")
        return line + b"\n"

    def read(self, size):
        if not self._compressed():
            return super().read(size)
        while len(self._plain) < size:
            self._fill()
        data, self._plain = self._plain[:size], self._plain[size:]
        return data


class ImapExtTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(BINARY, CONFIG).wait_ready()
        cls.host, cls.port = cls.daemon.listeners["imap"]
        cls.cli("domain", "add", "example.test")
        for name in ["quota", "msgquota", "replace", "compress", "within", "mbsync"]:
            cls.cli("account", "add", name, "--email", name + "@example.test",
                    "--password-stdin", stdin=name + "-secret\n")
        cls.cli("account", "update", "quota", "--quota", "3000")
        cls.cli("account", "update", "msgquota", "--quota-messages", "2")

    @classmethod
    def cli(cls, *args, stdin=""):
        done = subprocess.run([BINARY, "--config", cls.daemon.config_path, *args], input=stdin,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.daemon.__exit__(None, None, None)

    def connect(self, user, cls=imaplib.IMAP4):
        imap = cls(self.host, self.port, timeout=10)
        self.addCleanup(self.close, imap)
        self.assertEqual(imap.login(user, user + "-secret")[0], "OK")
        # imaplib keeps the list it read before login; the extensions come after it.
        typ, data = imap.capability()
        self.assertEqual(typ, "OK")
        imap.capabilities = tuple(data[0].decode().upper().split())
        return imap

    @staticmethod
    def close(imap):
        try:
            imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass

    def test_quota(self):
        imap = self.connect("quota")
        self.assertIn("QUOTA", imap.capabilities)
        self.assertIn("QUOTA=RES-STORAGE", imap.capabilities)
        typ, data = imap.getquotaroot("INBOX")
        self.assertEqual(typ, "OK")
        self.assertEqual(data, [[b'INBOX ""'], [b'"" (STORAGE 0 2)']])
        self.assertEqual(imap.append("INBOX", "", None, message("one", 2000))[0], "OK")
        typ, data = imap.append("INBOX", "", None, message("two", 2000))
        self.assertEqual(typ, "NO")
        self.assertIn(b"[OVERQUOTA]", data[0])
        typ, data = imap.status("INBOX", "(MESSAGES)")
        self.assertIn(b"(MESSAGES 1)", data[0])
        typ, data = imap.getquota('""')
        self.assertEqual(typ, "OK")
        self.assertRegex(data[0], rb'^"" \(STORAGE [23] 2\)$')  # KiB used (rounded up), limit
        self.assertEqual(imap.setquota('""', "(STORAGE 100)")[0], "NO")

    def test_quota_messages_copy_move_status(self):
        imap = self.connect("msgquota")
        self.assertIn("QUOTA=RES-MESSAGE", imap.capabilities)
        for subject in ["one", "two"]:
            self.assertEqual(imap.append("INBOX", "", None, message(subject))[0], "OK")
        typ, data = imap.append("INBOX", "", None, message("three"))
        self.assertEqual(typ, "NO")
        self.assertIn(b"[OVERQUOTA]", data[0])
        typ, data = imap.getquotaroot("INBOX")
        self.assertEqual(data, [[b'INBOX ""'], [b'"" (MESSAGE 2 2)']])
        self.assertEqual(imap.select("INBOX")[0], "OK")
        typ, data = imap.copy("1", "Archive")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[OVERQUOTA]", data[0])
        self.assertEqual(imap.store("2", "+FLAGS", "(\\Deleted)")[0], "OK")
        typ, data = imap.status("INBOX", "(MESSAGES DELETED DELETED-STORAGE)")
        self.assertIn(b"(MESSAGES 2 DELETED 1 DELETED-STORAGE 1)", data[0])
        # MOVE adds no usage: allowed at the limit, both messages in one transaction.
        typ, data = imap._simple_command("MOVE", "1:2", "Archive")
        self.assertEqual(typ, "OK", data)
        self.assertRegex(imap.untagged_responses["OK"][-1], rb"^\[COPYUID \d+ 1:2 1:2\] Moved$")
        self.assertEqual(imap.untagged_responses["EXPUNGE"], [b"2", b"1"])
        typ, data = imap.status("Archive", "(MESSAGES DELETED)")
        self.assertIn(b"(MESSAGES 2 DELETED 1)", data[0])
        typ, data = imap.getquota('""')
        self.assertEqual(data, [b'"" (MESSAGE 2 2)'])

    def test_replace(self):
        imap = self.connect("replace")
        self.assertIn("REPLACE", imap.capabilities)
        for subject in ["first", "second"]:
            self.assertEqual(imap.append("INBOX", "", None, message(subject))[0], "OK")
        self.assertEqual(imap.select("INBOX")[0], "OK")
        imap.literal = message("first, edited")
        typ, data = imap._simple_command("REPLACE", "1", "INBOX", "(\\Seen)")
        self.assertEqual(typ, "OK", data)
        self.assertIn(b"Replacement message ready", imap.untagged_responses["OK"][-1])
        self.assertIn(b"APPENDUID", imap.untagged_responses["OK"][-1])
        self.assertEqual(imap.untagged_responses["EXPUNGE"], [b"1"])
        imap.untagged_responses.clear()
        imap.literal = message("second, moved to drafts")
        typ, data = imap._simple_command("UID", "REPLACE", "2", "Drafts", "(\\Draft)")
        self.assertEqual(typ, "OK", data)
        typ, data = imap.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        self.assertEqual(typ, "OK")
        self.assertIn(b"UID 3", data[0][0])
        self.assertIn(b"\\Seen", data[0][0])
        self.assertIn(b"first, edited", data[0][1])
        self.assertEqual(len([d for d in data if isinstance(d, tuple)]), 1)
        typ, data = imap.status("Drafts", "(MESSAGES)")
        self.assertIn(b"(MESSAGES 1)", data[0])
        imap.literal = message("nothing")
        typ, _ = imap._simple_command("UID", "REPLACE", "99", "INBOX")
        self.assertEqual(typ, "NO")

    def test_compress(self):
        imap = self.connect("compress", DeflateIMAP)
        self.assertIn("COMPRESS=DEFLATE", imap.capabilities)
        self.assertEqual(imap.compress()[0], "OK")
        self.assertEqual(imap.compress()[0], "NO")  # [COMPRESSIONACTIVE]
        big = message("big", 3 * 1024 * 1024)
        self.assertEqual(imap.append("INBOX", "(\\Flagged)", None, big)[0], "OK")
        self.assertEqual(imap.append("INBOX", "", None, message("small"))[0], "OK")
        typ, data = imap.select("INBOX")
        self.assertEqual((typ, data), ("OK", [b"2"]))
        typ, data = imap.fetch("1", "(FLAGS BODY.PEEK[])")
        self.assertEqual(typ, "OK")
        self.assertIn(b"\\Flagged", data[0][0])
        self.assertEqual(data[0][1], big)
        typ, data = imap.search(None, "SUBJECT", "small")
        self.assertEqual(data, [b"2"])
        self.assertEqual(imap.store("2", "+FLAGS", "\\Deleted")[0], "OK")
        self.assertEqual(imap.expunge(), ("OK", [b"2"]))
        self.assertEqual(imap.noop()[0], "OK")

    def test_within(self):
        imap = self.connect("within")
        self.assertIn("WITHIN", imap.capabilities)
        old = imaplib.Time2Internaldate(946684800)  # 2000-01-01
        self.assertEqual(imap.append("INBOX", "", old, message("old"))[0], "OK")
        self.assertEqual(imap.append("INBOX", "", None, message("new"))[0], "OK")
        imap.select("INBOX")
        self.assertEqual(imap.search(None, "YOUNGER", "3600"), ("OK", [b"2"]))
        self.assertEqual(imap.search(None, "OLDER", "3600"), ("OK", [b"1"]))
        self.assertEqual(imap.uid("SEARCH", "YOUNGER", "3600"), ("OK", [b"2"]))
        typ, data = imap.uid("SORT", "(ARRIVAL)", "UTF-8", "OR", "OLDER", "3600", "YOUNGER", "60")
        self.assertEqual((typ, data), ("OK", [b"1 2"]))

    @unittest.skipIf(shutil.which("mbsync") is None, "mbsync missing: scripts/deps installs isync")
    def test_mbsync_over_compress(self):
        imap = self.connect("mbsync")
        sent = [message(f"sync {i}", 5000 * (i + 1)) for i in range(5)]
        for data in sent:
            self.assertEqual(imap.append("INBOX", "", None, data)[0], "OK")
        root = tempfile.mkdtemp(prefix="ringmail-mbsync-")
        self.addCleanup(shutil.rmtree, root)
        rc = os.path.join(root, "mbsyncrc")
        with open(rc, "w") as f:
            f.write(MBSYNCRC.format(host=self.host, port=self.port, root=root))
        os.makedirs(os.path.join(root, "mail"))
        done = subprocess.run(["mbsync", "-c", rc, "-Dn", "-a"], capture_output=True, text=True,
                              timeout=60)
        log = done.stdout + done.stderr
        self.assertEqual(done.returncode, 0, log)
        self.assertIn("COMPRESS DEFLATE", log)
        self.assertIn("OK DEFLATE active", log)
        inbox = os.path.join(root, "mail", "INBOX")
        got = []
        for path in [os.path.join(inbox, sub, name) for sub in ("new", "cur")
                     for name in os.listdir(os.path.join(inbox, sub))]:
            with open(path, "rb") as f:
                data = f.read()
            # mbsync writes LF line ends and an X-TUID header of its own.
            got.append(b"".join(line for line in data.splitlines(keepends=True)
                                if not line.startswith(b"X-TUID: ")))
        self.assertEqual(sorted(got), sorted(data.replace(b"\r\n", b"\n") for data in sent))


MBSYNCRC = """
IMAPAccount ringmail
Host {host}
Port {port}
User mbsync
Pass mbsync-secret
SSLType None
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

TLS_CONFIG = METRICS_CONFIG + """
[tls]
certificate = "@CERT@"
private-key = "@KEY@"

[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]
tls = "starttls"
"""


class CompressOverTlsTest(unittest.TestCase):
    def test_starttls_then_compress(self):
        ca = TestCa()
        self.addCleanup(ca.cleanup)
        cert, key = ca.issue("mail", ["localhost", "mail.example.test"])
        daemon = Daemon(BINARY, TLS_CONFIG.replace("@CERT@", cert).replace("@KEY@", key))
        self.addCleanup(daemon.__exit__, None, None, None)
        daemon.wait_ready()
        for args, stdin in [(("domain", "add", "example.test"), ""),
                            (("account", "add", "tls", "--email", "tls@example.test",
                              "--password-stdin"), "tls-secret\n")]:
            done = subprocess.run([BINARY, "--config", daemon.config_path, *args], input=stdin,
                                  capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
        imap = DeflateIMAP("localhost", daemon.listeners["imap"][1], timeout=20)
        self.addCleanup(ImapExtTest.close, imap)
        self.assertEqual(imap.starttls(ssl_context=ca.client_context())[0], "OK")
        self.assertEqual(imap.login("tls", "tls-secret")[0], "OK")
        self.assertEqual(imap.compress()[0], "OK")
        big = message("over tls", 1024 * 1024)
        self.assertEqual(imap.append("INBOX", "", None, big)[0], "OK")
        self.assertEqual(imap.select("INBOX"), ("OK", [b"1"]))
        typ, data = imap.fetch("1", "(BODY.PEEK[])")
        self.assertEqual(typ, "OK")
        self.assertEqual(data[0][1], big)
        self.assertEqual(imap.logout()[0], "BYE")


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main()
