"""Integration: the IMAP server with Python's imaplib against the real binary.

Starts `ringmail serve` with an imap listener on an ephemeral loopback port, adds accounts
with the CLI (while the server runs, on the same SQLite database), then logs in, lists,
creates/renames/deletes mailboxes, appends, selects, fetches, stores, searches, copies,
moves, expunges, and checks that a second connection's APPEND reaches an IDLE one.

Usage: /usr/bin/python3 test_imap.py PATH/TO/ringmail
"""
import imaplib
import os
import select
import socket
import subprocess
import sys
import time
import unittest

from daemon import METRICS_CONFIG, Daemon

BINARY = None

CONFIG = METRICS_CONFIG + """
[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]
"""

MESSAGE = (b"From: Bob <bob@example.test>\r\nTo: alice@example.test\r\n"
           b"Subject: Hello there\r\nMessage-ID: <1@example.test>\r\n\r\nHi Alice,\r\nbye\r\n")


class ImapTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(BINARY, CONFIG).wait_ready()
        cls.host, cls.port = cls.daemon.listeners["imap"]
        for args, stdin in [(("domain", "add", "example.test"), ""),
                            (("account", "add", "alice", "--email", "alice@example.test",
                              "--password-stdin"), "alice-secret\n"),
                            (("account", "add", "bob", "--email", "bob@example.test",
                              "--password-stdin"), "bob-secret\n")]:
            done = subprocess.run([BINARY, "--config", cls.daemon.config_path, *args],
                                  input=stdin, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.daemon.__exit__(None, None, None)

    def connect(self, user="alice"):
        imap = imaplib.IMAP4(self.host, self.port, timeout=10)
        self.addCleanup(self.close, imap)
        typ, _ = imap.login(user, user + "-secret")
        self.assertEqual(typ, "OK")
        return imap

    @staticmethod
    def close(imap):
        try:
            imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass

    def test_login_refused(self):
        imap = imaplib.IMAP4(self.host, self.port, timeout=10)
        self.addCleanup(self.close, imap)
        self.assertIn(b"IMAP4rev1", imap.welcome)
        with self.assertRaises(imaplib.IMAP4.error):
            imap.login("alice", "wrong")

    def test_mailboxes(self):
        imap = self.connect("bob")
        typ, lines = imap.list()
        self.assertEqual(typ, "OK")
        names = [line.decode().rsplit(" ", 1)[1] for line in lines]
        for name in ["INBOX", "Drafts", "Sent", "Junk", "Trash", "Archive"]:
            self.assertIn(name, names)
        self.assertEqual(imap.create("Projects/2026")[0], "OK")
        self.assertEqual(imap.create("Projects")[0], "NO")
        self.assertEqual(imap.rename("Projects", "Old")[0], "OK")
        typ, lines = imap.list(pattern="Old*")
        self.assertEqual([line.decode() for line in lines],
                         ['(\\HasChildren) "/" Old', '(\\HasNoChildren) "/" Old/2026'])
        self.assertEqual(imap.delete("Old/2026")[0], "OK")
        self.assertEqual(imap.delete("Old")[0], "OK")
        self.assertEqual(imap.list(pattern="Old*")[1], [None])
        typ, data = imap.status("INBOX", "(MESSAGES UIDNEXT UNSEEN)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"INBOX (MESSAGES", data[0])

    def test_messages(self):
        imap = self.connect()
        self.assertEqual(imap.create("Work")[0], "OK")
        for flags in ["", "\\Seen", "\\Flagged"]:
            typ, data = imap.append("Work", flags, None, MESSAGE)
            self.assertEqual(typ, "OK", data)
        self.assertIn(b"APPENDUID", data[0])
        typ, data = imap.select("Work")
        self.assertEqual((typ, data), ("OK", [b"3"]))
        typ, data = imap.fetch("1:3", "(UID FLAGS RFC822.SIZE)")
        self.assertEqual(typ, "OK")
        self.assertEqual(data[0], b"1 (UID 1 FLAGS () RFC822.SIZE %d)" % len(MESSAGE))
        self.assertEqual(data[1], b"2 (UID 2 FLAGS (\\Seen) RFC822.SIZE %d)" % len(MESSAGE))
        typ, data = imap.store("1", "+FLAGS", "(\\Deleted)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"\\Deleted", data[0])
        # Which keys match is the SEARCH matcher's (message_view.h); ALL is everything.
        self.assertEqual(imap.search(None, "ALL"), ("OK", [b"1 2 3"]))
        self.assertEqual(imap.uid("SEARCH", "ALL"), ("OK", [b"1 2 3"]))
        typ, data = imap.copy("2:3", "Archive")
        self.assertEqual(typ, "OK")
        self.assertIn(b"COPYUID", data[0])
        typ, data = imap.uid("MOVE", "3", "Trash")
        self.assertEqual(typ, "OK")
        self.assertEqual(imap.response("EXPUNGE"), ("EXPUNGE", [b"3"]))
        self.assertEqual(imap.expunge(), ("OK", [b"1"]))
        typ, data = imap.fetch("1:*", "(UID)")
        self.assertEqual(data, [b"1 (UID 2)"])
        self.assertEqual(imap.status("Archive", "(MESSAGES)")[1], [b"Archive (MESSAGES 2)"])
        self.assertEqual(imap.close()[0], "OK")

    def test_idle_push(self):
        watcher = self.connect()
        self.assertEqual(watcher.create("Watched")[0], "OK")
        self.assertEqual(watcher.select("Watched"), ("OK", [b"0"]))
        tag = watcher._new_tag()
        watcher.send(tag + b" IDLE\r\n")
        self.assertTrue(watcher.readline().startswith(b"+ "))
        other = self.connect()
        started = time.monotonic()
        self.assertEqual(other.append("Watched", "", None, MESSAGE)[0], "OK")
        sock = watcher.socket()
        ready, _, _ = select.select([sock], [], [], 5)
        self.assertTrue(ready, "no push within 5 s")
        self.assertEqual(watcher.readline(), b"* 1 EXISTS\r\n")
        self.assertLess(time.monotonic() - started, 2.0)
        watcher.send(b"DONE\r\n")
        self.assertEqual(watcher.readline(), tag + b" OK IDLE terminated\r\n")

    def test_isolation(self):
        bob = self.connect("bob")
        self.assertEqual(bob.create("Private")[0], "OK")
        self.assertEqual(bob.append("Private", "", None, MESSAGE)[0], "OK")
        alice = self.connect("alice")
        self.assertEqual(alice.select("Private")[0], "NO")
        self.assertEqual(alice.select("../bob/Private")[0], "NO")
        typ, lines = alice.list()
        self.assertFalse(any(b"Private" in line for line in lines))


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main()
