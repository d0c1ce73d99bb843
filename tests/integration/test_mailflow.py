"""Integration: mail flowing end to end through the real binary (docs/smtp.md, docs/queue.md,
docs/imap.md).

One daemon per test with smtp, submission and imap listeners on ephemeral loopback ports and
`[queue] smarthost` pointing at tests/queue/fake_smarthost.py; a domain and two accounts made
with the CLI (test_smtp.SmtpServer). Real clients only (smtplib, imaplib):
  - submission with AUTH to a local and a remote recipient: the local copy is read over IMAP,
    the remote one reaches the smarthost through the daemon's queue;
  - the smarthost refusing a recipient with 5xx: the sender, in IDLE, is told of the DSN in
    its INBOX and reads it;
  - an IMAP IDLE session is told `* N EXISTS` when mail arrives through the MX listener;
  - `ringmail queue list` shows a message the smarthost defers (4xx); `queue remove` drops it.
Every wait polls a condition with a deadline.

Usage: /usr/bin/python3 test_mailflow.py PATH/TO/ringmail
"""
import email
import imaplib
import json
import os
import re
import select
import smtplib
import sys
import tempfile
import time
import unittest

import test_queue
import test_smtp
from test_smtp import SmtpServer

IMAP_LISTENER = """
[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]
"""

# retry-schedule: a deferred recipient is not due again while the test runs.
QUEUE = """
[queue]
smarthost = "127.0.0.1:@PORT@"
poll-interval = 1
retry-schedule = [600]
"""

DEADLINE_S = 10.0


def wait_until(condition, what, timeout=DEADLINE_S):
    """Returns condition()'s first truthy value, polled until the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


class MailFlow(unittest.TestCase):
    def setUp(self):
        self.outdir = tempfile.TemporaryDirectory(prefix="ringmail-smarthost-")
        self.addCleanup(self.outdir.cleanup)
        port = test_queue.QueueDaemon.start_smarthost(self, self.outdir.name)
        self.server = SmtpServer(self, extra=IMAP_LISTENER + QUEUE.replace("@PORT@", str(port)))
        self.daemon = self.server.daemon

    def imap(self, user):
        host, port = self.daemon.listeners["imap"]
        client = imaplib.IMAP4(host, port, timeout=10)
        self.addCleanup(self.logout, client)
        self.assertEqual(client.login(user, user + "-pw")[0], "OK")
        return client

    @staticmethod
    def logout(client):
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass

    def submit(self, recipients, subject):
        body = ("From: alice@example.test\r\nTo: %s\r\nSubject: %s\r\n"
                "Message-ID: <%s@example.test>\r\n\r\nHello from %s.\r\n" %
                (", ".join(recipients), subject, subject, subject))
        with smtplib.SMTP("127.0.0.1", self.server.port("submission"), timeout=10) as c:
            c.ehlo("laptop.example.test")
            c.login("alice", "alice-pw")
            self.assertEqual(c.sendmail("alice@example.test", recipients, body), {})

    def inbox(self, client):
        """The INBOX's messages as (seq, raw bytes), read with FETCH BODY.PEEK[]."""
        typ, data = client.select("INBOX")
        self.assertEqual(typ, "OK")
        if int(data[0]) == 0:
            return []
        typ, data = client.fetch("1:*", "(BODY.PEEK[])")
        self.assertEqual(typ, "OK")
        return [(int(item[0].split()[0]), item[1]) for item in data if isinstance(item, tuple)]

    def idle(self, client):
        """Selects the (empty) INBOX and starts IDLE; returns the command's tag."""
        self.assertEqual(client.select("INBOX"), ("OK", [b"0"]))
        tag = client._new_tag()
        client.send(tag + b" IDLE\r\n")
        self.assertTrue(client.readline().startswith(b"+ "))
        return tag

    def end_idle(self, client, tag, expected):
        """Waits (with the deadline) for the untagged `expected`, then ends IDLE."""
        ready, _, _ = select.select([client.socket()], [], [], DEADLINE_S)
        self.assertTrue(ready, "no untagged response within the deadline")
        self.assertEqual(client.readline(), expected)
        client.send(b"DONE\r\n")
        while True:  # a RECENT or FLAGS update may come before the tagged reply
            line = client.readline()
            self.assertTrue(line.startswith(b"* ") or line.startswith(tag), line)
            if line.startswith(tag):
                self.assertEqual(line, tag + b" OK IDLE terminated\r\n")
                return

    def smarthost_records(self):
        records = []
        for name in sorted(os.listdir(self.outdir.name)):
            if name.endswith(".json"):
                with open(os.path.join(self.outdir.name, name)) as f:
                    records.append(json.load(f))
        return records

    def queue(self, *args):
        return test_queue.run(self.server.config, "queue", *args)

    def test_submission_to_a_local_and_a_remote_recipient(self):
        self.submit(["bob@example.test", "friend@remote.test"], "mixed")
        # Local: bob reads it over IMAP, trace headers first.
        messages = self.inbox(self.imap("bob"))
        self.assertEqual(len(messages), 1)
        raw = messages[0][1].decode()
        self.assertTrue(raw.startswith("Return-Path: <alice@example.test>\r\n"), raw[:200])
        self.assertRegex(raw, r"Received: from laptop\.example\.test .*\r\n\s+by mx\.example\.test")
        self.assertIn("\r\nSubject: mixed\r\n", raw)
        self.assertTrue(raw.endswith("\r\n\r\nHello from mixed.\r\n"), raw[-100:])
        # Remote: the queue hands it to the smarthost, for friend only.
        records = wait_until(self.smarthost_records, "the smarthost to receive the message")
        self.assertEqual(len(records), 1, records)
        got = records[0]
        self.assertTrue(got["ehlo"].startswith("EHLO mx.example.test"), got["ehlo"])
        self.assertTrue(got["mail_from"].startswith("<alice@example.test>"), got["mail_from"])
        self.assertEqual([r.split()[0] for r in got["rcpt_to"]], ["<friend@remote.test>"])
        self.assertNotIn("Return-Path:", got["data"])
        trace_id = re.search(r" id ([0-9a-f]{16})\r\n", raw).group(1)
        self.assertIn(" id %s\r\n" % trace_id, got["data"])  # one transaction, one id
        self.daemon.wait_for(r"event=smtp_delivered .*id=%s " % trace_id)
        self.assertIn("\r\nSubject: mixed\r\n", got["data"])
        self.assertTrue(got["data"].endswith("\r\n\r\nHello from mixed.\r\n"), got["data"][-100:])
        wait_until(lambda: self.queue("list")[1] == "the queue is empty\n", "an empty queue")

    def test_smarthost_refusal_bounces_to_the_sender_inbox(self):
        alice = self.imap("alice")
        tag = self.idle(alice)
        self.submit(["reject-me@remote.test"], "refused")
        self.end_idle(alice, tag, b"* 1 EXISTS\r\n")  # the bounce, pushed to IDLE
        messages = self.inbox(alice)
        self.assertEqual(len(messages), 1)
        dsn = email.message_from_bytes(messages[0][1])
        self.assertEqual(dsn.get_content_type(), "multipart/report")
        self.assertEqual(dsn.get_param("report-type"), "delivery-status")
        self.assertIn("MAILER-DAEMON@mx.example.test", dsn["From"])
        self.assertEqual(dsn["Auto-Submitted"], "auto-replied")
        parts = dsn.get_payload()
        self.assertEqual(parts[1].get_content_type(), "message/delivery-status")
        status = parts[1].get_payload()
        self.assertEqual(status[1]["Final-Recipient"], "rfc822; reject-me@remote.test")
        self.assertEqual(status[1]["Action"], "failed")
        self.assertEqual(status[1]["Status"], "5.1.1")
        self.assertIn("550 5.1.1", status[1]["Diagnostic-Code"])
        self.assertIn("Subject: refused", parts[2].as_string())  # RET=HDRS: the header
        self.assertEqual(self.smarthost_records(), [])
        wait_until(lambda: self.queue("list")[1] == "the queue is empty\n", "an empty queue")

    def test_idle_sees_mx_delivery(self):
        watcher = self.imap("bob")
        tag = self.idle(watcher)
        with smtplib.SMTP("127.0.0.1", self.server.port("smtp"), timeout=10) as c:
            self.assertEqual(c.sendmail("x@remote.test", ["bob@example.test"],
                                        test_smtp.MESSAGE.format(subject="pushed")), {})
        self.end_idle(watcher, tag, b"* 1 EXISTS\r\n")
        typ, data = watcher.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        self.assertEqual(typ, "OK")
        self.assertEqual(data[0][1], b"Subject: pushed\r\n\r\n")

    def test_queue_list_and_remove_a_deferred_message(self):
        self.submit(["temp-later@remote.test"], "deferred")
        line = self.daemon.wait_for(r"event=queue_attempt id=\d+ recipient=temp-later@remote.test "
                                    r"outcome=retry", timeout=DEADLINE_S)
        mid = re.search(r"id=(\d+)", line).group(1)
        out = wait_until(lambda: (lambda o: o if "attempts 1" in o else None)(
            self.queue("list")[1]), "the attempt in queue list")
        self.assertIn("%s  from <alice@example.test>" % mid, out)
        self.assertIn("<temp-later@remote.test>  pending  attempts 1", out)
        self.assertIn("451 4.2.0", out)
        code, _, err = self.queue("remove", mid)
        self.assertEqual(code, 0, err)
        self.assertEqual(self.queue("list")[1], "the queue is empty\n")
        self.assertEqual(self.smarthost_records(), [])
        self.assertEqual(self.inbox(self.imap("alice")), [])  # removal sends no bounce


if __name__ == "__main__":
    test_smtp.BINARY = test_queue.BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main()
