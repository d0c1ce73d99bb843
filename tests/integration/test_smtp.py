"""Integration: the SMTP listeners of the real binary with real clients (docs/smtp.md).

MX delivery with Python's smtplib (one and several recipients, one stored blob), submission
with AUTH PLAIN and LOGIN and its sender check, the relay listener refusing a network it does
not trust, Debian's Postfix relaying into the relay listener, LMTP's per-recipient replies
over a raw socket, the early-talker and idle defences, a SIGKILL crash test, swaks for
pipelining and AUTH, and BDAT in chunks over a raw socket (Debian 12's swaks has no BDAT).
What arrived is read from the SQLite database (schema: docs/storage.md).

Usage: /usr/bin/python3 test_smtp.py PATH/TO/ringmail
"""
import collections
import os
import shutil
import signal
import smtplib
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import unittest

import postfix
from daemon import Daemon

BINARY = None

CONFIG = """
[server]
hostname = "mx.example.test"
data-dir = "@DIR@"

[runtime]
shutdown-timeout-ms = 2000

[smtp]
@SMTP@

[listener.smtp]
protocol = "smtp"
bind = ["127.0.0.1:0"]

[listener.submission]
protocol = "submission"
bind = ["127.0.0.1:0"]

[listener.relay]
protocol = "relay"
bind = ["127.0.0.1:0"]

[listener.lmtp]
protocol = "lmtp"
bind = ["127.0.0.1:0"]
"""

MESSAGE = "From: x@remote.test\r\nTo: alice@example.test\r\nSubject: {subject}\r\n\r\nbody\r\n"


class SmtpServer:
    """Accounts made with the CLI, then the daemon on the same data directory."""

    def __init__(self, test, smtp='relay-networks = ["10.0.0.0/8"]\n', extra=""):
        """`extra` is appended to the config (more tables: listeners, [queue])."""
        self.dir = tempfile.TemporaryDirectory(prefix="ringmail-smtp-")
        test.addCleanup(self.dir.cleanup)
        self.config_text = CONFIG.replace("@DIR@", self.dir.name).replace("@SMTP@", smtp) + extra
        self.config = os.path.join(self.dir.name, "ringmail.toml")
        with open(self.config, "w") as f:
            f.write(self.config_text)
        self.cli("domain", "add", "example.test")
        self.cli("account", "add", "alice", "--email", "alice@example.test", "--password-stdin",
                 stdin="alice-pw\n")
        self.cli("account", "add", "bob", "--email", "bob@example.test", "--password-stdin",
                 stdin="bob-pw\n")
        self.daemon = Daemon(BINARY, self.config_text)
        test.addCleanup(self.daemon.__exit__)
        self.daemon.wait_ready()

    def cli(self, *args, stdin=""):
        out = subprocess.run([BINARY, "--config", self.config, *args], input=stdin,
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise AssertionError(f"{args} exited {out.returncode}: {out.stderr}")

    def port(self, listener):
        return self.daemon.listeners[listener][1]

    def subjects(self, account):
        """Subjects of the messages in the account's INBOX, in UID order."""
        db = sqlite3.connect(os.path.join(self.dir.name, "meta.db"))
        try:
            rows = db.execute(
                "SELECT e.subject FROM mailbox_messages mm JOIN emails e ON e.id = mm.email_id "
                "JOIN mailboxes m ON m.id = mm.mailbox_id JOIN accounts a ON a.id = m.account_id "
                "WHERE a.name = ? AND m.name = 'INBOX' ORDER BY mm.uid", (account,)).fetchall()
            return [r[0] for r in rows]
        finally:
            db.close()

    def blob_count(self):
        db = sqlite3.connect(os.path.join(self.dir.name, "meta.db"))
        try:
            return db.execute("SELECT count(*) FROM blobs").fetchone()[0]
        finally:
            db.close()


class SmtpTest(unittest.TestCase):
    def setUp(self):
        self.server = SmtpServer(self)

    def test_mx_delivery_and_refusals(self):
        s = self.server
        with smtplib.SMTP("127.0.0.1", s.port("smtp"), timeout=20) as c:
            code, ext = c.ehlo("client.test")
            self.assertEqual(code, 250)
            for word in (b"PIPELINING", b"8BITMIME", b"SMTPUTF8", b"CHUNKING", b"DSN"):
                self.assertIn(word, ext)
            self.assertNotIn(b"AUTH", ext)
            refused = c.sendmail("x@remote.test", ["alice@example.test"],
                                 MESSAGE.format(subject="one"))
            self.assertEqual(refused, {})
            # Several recipients, one unknown: the others get it, in one stored blob.
            blobs_before = s.blob_count()
            refused = c.sendmail("x@remote.test",
                                 ["alice@example.test", "nobody@example.test", "bob@example.test"],
                                 MESSAGE.format(subject="two"))
            self.assertEqual(list(refused), ["nobody@example.test"])
            self.assertEqual(refused["nobody@example.test"][0], 550)
            self.assertEqual(s.blob_count(), blobs_before + 1)
            # No relaying: every recipient refused, nothing delivered.
            for rcpt in ("victim@foreign.test", "victim%foreign.test@example.test",
                         "@example.test:victim@foreign.test", '"victim@foreign.test"@example.test',
                         "foreign.test!victim@example.test"):
                with self.assertRaises(smtplib.SMTPRecipientsRefused, msg=rcpt) as e:
                    c.sendmail("x@remote.test", [rcpt], MESSAGE.format(subject="relay"))
                code = list(e.exception.recipients.values())[0][0]
                self.assertIn(code, (550, 553), rcpt)
        self.assertEqual(s.subjects("alice"), ["one", "two"])
        self.assertEqual(s.subjects("bob"), ["two"])

    def test_submission_auth_and_sender(self):
        s = self.server
        with smtplib.SMTP("127.0.0.1", s.port("submission"), timeout=20) as c:
            c.ehlo("laptop")
            with self.assertRaises(smtplib.SMTPSenderRefused) as e:
                c.sendmail("alice@example.test", ["bob@example.test"], MESSAGE.format(subject="x"))
            self.assertEqual(e.exception.smtp_code, 530)
            with self.assertRaises(smtplib.SMTPAuthenticationError):
                c.login("alice", "wrong")
            c.login("alice", "alice-pw")  # smtplib picks PLAIN
            with self.assertRaises(smtplib.SMTPSenderRefused) as e:
                c.sendmail("bob@example.test", ["bob@example.test"], MESSAGE.format(subject="x"))
            self.assertEqual(e.exception.smtp_code, 553)
            body = "From: alice@example.test\r\nSubject: submitted\r\n\r\nhi\r\n"
            self.assertEqual(c.sendmail("alice@example.test", ["bob@example.test"], body), {})
        with smtplib.SMTP("127.0.0.1", s.port("submission"), timeout=20) as c:
            c.ehlo("laptop")
            c.user, c.password = "bob", "bob-pw"
            code, _ = c.auth("LOGIN", c.auth_login, initial_response_ok=False)
            self.assertEqual(code, 235)
        self.assertEqual(s.subjects("bob"), ["submitted"])

    def test_relay_listener_refuses_untrusted_network(self):
        with self.assertRaises(smtplib.SMTPConnectError) as e:
            smtplib.SMTP("127.0.0.1", self.server.port("relay"), timeout=20)
        self.assertEqual(e.exception.smtp_code, 554)

    def test_lmtp_replies_per_recipient(self):
        s = self.server
        with socket.create_connection(("127.0.0.1", s.port("lmtp")), timeout=20) as sock:
            f = sock.makefile("rb")

            def reply():
                lines = []
                while True:
                    line = f.readline().decode()
                    lines.append(line)
                    if line[3:4] != "-":
                        return lines

            self.assertTrue(reply()[0].startswith("220 "))
            sock.sendall(b"LHLO frontend\r\nMAIL FROM:<x@remote.test>\r\n"
                         b"RCPT TO:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n"
                         b"DATA\r\n")
            self.assertTrue(reply()[-1].startswith("250 "))
            for _ in range(3):
                self.assertTrue(reply()[0].startswith("250 "))
            self.assertTrue(reply()[0].startswith("354 "))
            sock.sendall(MESSAGE.format(subject="lmtp").encode() + b".\r\n")
            self.assertIn("<alice@example.test>", reply()[0])
            self.assertIn("<bob@example.test>", reply()[0])
            sock.sendall(b"QUIT\r\n")
            self.assertTrue(reply()[0].startswith("221 "))
        self.assertEqual(s.subjects("alice"), ["lmtp"])
        self.assertEqual(s.subjects("bob"), ["lmtp"])

    @unittest.skipUnless(shutil.which("swaks"), "swaks is not installed (scripts/deps test)")
    def test_swaks_pipelining_and_bdat(self):
        s = self.server
        base = ["swaks", "--server", f"127.0.0.1:{s.port('smtp')}", "--from", "x@remote.test",
                "--to", "alice@example.test", "--helo", "swaks.test", "--timeout", "20"]
        out = subprocess.run(base + ["--pipeline", "--header", "Subject: pipelined"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("250 2.0.0 Message accepted", out.stdout)
        # AUTH LOGIN on submission, pipelined.
        out = subprocess.run(
            ["swaks", "--server", f"127.0.0.1:{s.port('submission')}", "--from",
             "bob@example.test", "--to", "alice@example.test", "--auth", "LOGIN", "--auth-user",
             "bob", "--auth-password", "bob-pw", "--pipeline", "--header",
             "From: bob@example.test", "--header", "Subject: swaks-auth", "--timeout", "20"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        # Debian 12's swaks (20201014) cannot send BDAT: a raw socket does, in two chunks.
        with socket.create_connection(("127.0.0.1", s.port("smtp")), timeout=20) as sock:
            f = sock.makefile("rb")
            f.readline()
            body = b"Subject: chunked\r\n\r\nbody\r\n"
            sock.sendall(b"EHLO c\r\nMAIL FROM:<x@remote.test>\r\nRCPT TO:<alice@example.test>\r\n"
                         + b"BDAT %d\r\n" % 10 + body[:10]
                         + b"BDAT %d LAST\r\n" % (len(body) - 10) + body[10:] + b"QUIT\r\n")
            replies = []
            while not replies or not replies[-1].startswith(b"221"):
                line = f.readline()
                self.assertTrue(line, replies)
                replies.append(line)
            self.assertIn(b"250 2.0.0 Message accepted for delivery\r\n", replies)
        self.assertEqual(s.subjects("alice"), ["pipelined", "swaks-auth", "chunked"])


class DefencesTest(unittest.TestCase):
    """The defences that need the real clock: an early talker and an idle client."""

    def test_early_talker_and_idle_timeout(self):
        s = SmtpServer(self, "greeting-delay-ms = 1000\ncommand-timeout-ms = 1000\n")
        with socket.create_connection(("127.0.0.1", s.port("smtp")), timeout=20) as sock:
            sock.sendall(b"EHLO hasty\r\n")  # long before the banner, 1 s away
            f = sock.makefile("rb")
            self.assertTrue(f.readline().startswith(b"554 5.5.0 "))
            self.assertEqual(f.readline(), b"")  # closed
        with socket.create_connection(("127.0.0.1", s.port("smtp")), timeout=20) as sock:
            f = sock.makefile("rb")
            self.assertTrue(f.readline().startswith(b"220 "))
            # Say nothing: the command timeout answers and closes.
            self.assertTrue(f.readline().startswith(b"421 4.4.2 "))
            self.assertEqual(f.readline(), b"")
        s.daemon.wait_for(r"event=smtp_early_talker")
        s.daemon.wait_for(r"event=smtp_timeout")

    def test_message_rate_per_source(self):
        """messages-per-source-per-minute = 2: of five MAILs from one address, within a few
        milliseconds (one calendar-minute boundary at most), at least one gets 450 4.7.1."""
        s = SmtpServer(self, "messages-per-source-per-minute = 2\n")
        with smtplib.SMTP("127.0.0.1", s.port("smtp"), timeout=10) as c:
            c.ehlo("sender.remote.test")
            codes = []
            for _ in range(5):
                code, text = c.mail("x@remote.test")
                codes.append(code)
                if code == 450:
                    self.assertTrue(text.startswith(b"4.7.1 Too many messages"), text)
                c.rset()
        self.assertEqual(codes[:2], [250, 250])
        self.assertIn(450, codes)
        s.daemon.wait_for(r"event=smtp_rate_limited .*limit=messages-per-source-per-minute")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@unittest.skipUnless(postfix.available(), "needs Debian's postfix and root (scripts/deps test)")
class PostfixFrontEndTest(unittest.TestCase):
    """Debian's Postfix, configured here as a front end on a private port, relays mail for
    example.test into ringmail's relay listener."""

    def test_postfix_relays_into_the_relay_listener(self):
        s = SmtpServer(self, 'relay-networks = ["127.0.0.0/8"]\n')
        port = postfix.start_private_postfix(self, "front.example.test", "example.test", s.port("relay"))
        client = smtplib.SMTP("127.0.0.1", port, timeout=20)
        with client:
            self.assertEqual(client.sendmail("x@remote.test", ["alice@example.test"],
                                             MESSAGE.format(subject="via postfix")), {})
        s.daemon.wait_for(r"event=smtp_delivered protocol=relay", timeout=60)
        self.assertEqual(s.subjects("alice"), ["via postfix"])


class CrashTest(unittest.TestCase):
    """SIGKILL while 8 clients deliver as fast as they can: every message that got its 250 is
    in the INBOX afterwards, none twice, and the server starts again on the same data."""

    SENDERS = 8
    ACKED_BEFORE_KILL = 150

    def test_sigkill_during_delivery_loses_nothing_acknowledged(self):
        s = SmtpServer(self)
        port = s.port("smtp")
        acked = []
        lock = threading.Condition()
        stop = threading.Event()

        def sender(n):
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=20) as c:
                    i = 0
                    while not stop.is_set():
                        subject = f"m-{n}-{i}"
                        c.sendmail("x@remote.test", ["alice@example.test"],
                                   MESSAGE.format(subject=subject))
                        with lock:
                            acked.append(subject)
                            lock.notify_all()
                        i += 1
            except (OSError, smtplib.SMTPException):
                pass  # the server died under us: what was acknowledged is what counts

        threads = [threading.Thread(target=sender, args=(n,)) for n in range(self.SENDERS)]
        for t in threads:
            t.start()
        with lock:
            lock.wait_for(lambda: len(acked) >= self.ACKED_BEFORE_KILL, timeout=30)
        self.assertEqual(s.daemon.stop(signal.SIGKILL), -signal.SIGKILL)
        stop.set()
        for t in threads:
            t.join(timeout=30)
        with lock:
            acknowledged = list(acked)
        self.assertGreaterEqual(len(acknowledged), self.ACKED_BEFORE_KILL)
        stored = s.subjects("alice")
        counts = collections.Counter(stored)
        self.assertEqual([x for x, n in counts.items() if n > 1], [])
        self.assertEqual([x for x in acknowledged if x not in counts], [])
        # And the server comes back on the same data.
        again = Daemon(BINARY, s.config_text)
        self.addCleanup(again.__exit__)
        again.wait_ready()
        self.assertEqual(again.stop(), 0)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main()
