"""Integration: two nodes sharing one PostgreSQL and one blob directory (a cluster).

A client IDLE-ing on one node sees what happens on the other node (without the change feed it
never would: its IDLE waits for a wake-up of its own node): mail
delivered over SMTP, a message APPENDed over IMAP, a flag changed, a message expunged
(the change feed, docs/storage.md). Real clients: imaplib and smtplib on the node that
changes things, a raw IMAP connection in IDLE on the other (imaplib has no IDLE before
Python 3.14).

Usage: /usr/bin/python3 test_cluster.py PATH/TO/ringmail
"""
import imaplib
import os
import re
import smtplib
import socket
import sys
import tempfile
import time
import unittest

from daemon import METRICS_CONFIG, Daemon
from test_storage import PostgresCluster

BINARY = None
PASSWORD = "alice-secret"
MESSAGE = (b"From: Bob <bob@example.test>\r\nTo: alice@example.test\r\n"
           b"Subject: across nodes\r\n\r\nhello from the other node\r\n")


def cluster_config(uri, blobs):
    return METRICS_CONFIG + f"""
[storage]
metadata = "{uri}"
blobs = "file://{blobs}"

[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]

[listener.smtp]
protocol = "smtp"
bind = ["127.0.0.1:0"]
"""


class IdleClient:
    """A raw IMAP connection: LOGIN, SELECT INBOX, IDLE, then the untagged lines it gets."""

    def __init__(self, address):
        self.sock = socket.create_connection(address, timeout=10)
        self.buffer = b""
        self.read_line()  # greeting
        self.command(f"a1 LOGIN alice {PASSWORD}")
        self.command("a2 SELECT INBOX")
        self.sock.sendall(b"a3 IDLE\r\n")
        line = self.read_line()
        assert line.startswith("+"), line

    def read_line(self, timeout=10.0):
        self.sock.settimeout(timeout)
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise AssertionError("connection closed")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line.decode()

    def command(self, text):
        tag = text.split(" ", 1)[0]
        self.sock.sendall(text.encode() + b"\r\n")
        while True:
            line = self.read_line()
            if line.startswith(tag + " "):
                assert line.startswith(tag + " OK"), line
                return

    def wait_for(self, pattern, timeout):
        """The first untagged line matching `pattern` within `timeout` seconds, and its delay."""
        start = time.monotonic()
        deadline = start + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.read_line(max(0.01, deadline - time.monotonic()))
            except socket.timeout:
                break
            seen.append(line)
            if re.search(pattern, line):
                return time.monotonic() - start
        raise AssertionError(f"no {pattern!r} within {timeout} s; got {seen}")

    def close(self):
        self.sock.sendall(b"DONE\r\n")
        self.sock.close()


class ClusterTest(unittest.TestCase):
    def test_idle_on_one_node_sees_changes_made_on_the_other(self):
        with PostgresCluster() as pg, tempfile.TemporaryDirectory(prefix="ringmail-it-") as blobs:
            config = cluster_config(pg.uri(), blobs)
            with Daemon(BINARY, config) as a, Daemon(BINARY, config) as b:
                for d in (a, b):
                    d.wait_ready()
                    d.wait_for(r"event=change_feed_listening")
                a.add_account(password=PASSWORD)
                watcher = IdleClient(b.listeners["imap"])

                with smtplib.SMTP(*a.listeners["smtp"], timeout=10) as smtp:
                    smtp.sendmail("bob@example.test", ["alice@example.test"], MESSAGE)
                delays = {"delivered": watcher.wait_for(r"^\* 1 EXISTS", 10)}

                imap = imaplib.IMAP4(*a.listeners["imap"])
                imap.login("alice", PASSWORD)
                imap.append("INBOX", None, None, MESSAGE)
                delays["appended"] = watcher.wait_for(r"^\* 2 EXISTS", 10)
                imap.select("INBOX")
                imap.store("1", "+FLAGS", "\\Flagged")
                delays["flagged"] = watcher.wait_for(r"^\* 1 FETCH \(FLAGS \(.*\\Flagged", 10)
                imap.store("2", "+FLAGS", "\\Deleted")
                imap.expunge()
                delays["expunged"] = watcher.wait_for(r"^\* 2 EXPUNGE", 10)
                imap.logout()
                watcher.close()
                print(" ".join(f"{k}={v * 1000:.0f}ms" for k, v in delays.items()),
                      file=sys.stderr)
                self.assertEqual(a.stop(), 0)
                self.assertEqual(b.stop(), 0)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
