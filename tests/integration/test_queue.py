"""Integration: the outbound queue's CLI and the daemon's queue runner (docs/queue.md).

`ringmail queue list | retry ID|--all | remove ID` against SQLite with exit codes 0/1/2, and
a daemon configured with a smarthost (tests/queue/fake_smarthost.py) whose runner claims what
is queued and records the attempt, and bounces an expired message through the smarthost as a
valid multipart/report (the DSN is queued and delivered by the daemon itself) — to the fake
smarthost and to Postfix's smtp-sink, a real SMTP server (Debian package postfix; skipped
without it), also refusing RCPT with a 5xx, and through a private Postfix as the smarthost
relaying to smtp-sink (root only). Until the SMTP submission session can enqueue, the test
queues by writing the queue's rows into the database (docs/storage.md, "The outbound queue").

Usage: /usr/bin/python3 test_queue.py PATH/TO/ringmail
"""
import email
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

import postfix
from daemon import METRICS_CONFIG, Daemon
from test_serve import http_get

BINARY = None

HERE = os.path.dirname(os.path.abspath(__file__))
SMARTHOST = os.path.join(HERE, "..", "queue", "fake_smarthost.py")
SMTP_SINK = "/usr/sbin/smtp-sink"


def run(config_path, *args):
    out = subprocess.run([BINARY, "--config", config_path, *args], capture_output=True, text=True,
                         timeout=60)
    return out.returncode, out.stdout, out.stderr


def queue_message(db_path, sender, recipients, due_in=0, expires_in=3600):
    """Inserts a queued message (and its blob row) as EnqueueOutbound would; returns its id."""
    db = sqlite3.connect(db_path)
    with db:
        sha = os.urandom(32)
        blob = db.execute("INSERT INTO blobs (sha256, size, stored_size, refcount) "
                          "VALUES (?, 10, 50, 1) RETURNING id", (sha,)).fetchone()[0]
        now = int(time.time())
        iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        mid = db.execute("INSERT INTO queue_messages (sender, blob_id, size, created_at, "
                         "expires_at) VALUES (?, ?, 10, ?, ?) RETURNING id",
                         (sender, blob, iso(now), iso(now + expires_in))).fetchone()[0]
        for r in recipients:
            db.execute("INSERT INTO queue_recipients (message_id, address, next_attempt_at) "
                       "VALUES (?, ?, ?)", (mid, r, iso(now + due_in)))
    db.close()
    return mid


class QueueCli(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="ringmail-queue-")
        self.addCleanup(self.dir.cleanup)
        self.config = os.path.join(self.dir.name, "ringmail.toml")
        with open(self.config, "w") as f:
            f.write(METRICS_CONFIG.replace("@DATA@", self.dir.name))
        self.db = os.path.join(self.dir.name, "meta.db")

    def test_list_retry_remove(self):
        code, out, _ = run(self.config, "queue", "list")
        self.assertEqual((code, out), (0, "the queue is empty\n"))
        mid = queue_message(self.db, "alice@example.test", ["bob@remote.test", "carol@remote.test"],
                            due_in=600)
        code, out, err = run(self.config, "queue", "list")
        self.assertEqual(code, 0, err)
        self.assertIn("%d  from <alice@example.test>  10 bytes" % mid, out)
        self.assertIn("<bob@remote.test>  pending  attempts 0  next ", out)
        self.assertIn("<carol@remote.test>  pending", out)

        code, out, err = run(self.config, "queue", "retry", str(mid))
        self.assertEqual((code, out), (0, "2 recipient(s) due now\n"), err)
        code, out, _ = run(self.config, "queue", "retry", "--all")
        self.assertEqual((code, out), (0, "2 recipient(s) due now\n"))
        code, _, err = run(self.config, "queue", "retry", str(mid + 100))
        self.assertEqual(code, 1)
        self.assertIn("no queued message", err)
        self.assertEqual(run(self.config, "queue", "retry")[0], 2)
        self.assertEqual(run(self.config, "queue", "retry", "x1")[0], 1)
        self.assertEqual(run(self.config, "queue", "frobnicate")[0], 2)

        code, _, err = run(self.config, "queue", "remove", str(mid))
        self.assertEqual(code, 0, err)
        self.assertEqual(run(self.config, "queue", "remove", str(mid))[0], 1)
        self.assertEqual(run(self.config, "queue", "list")[1], "the queue is empty\n")
        db = sqlite3.connect(self.db)
        refcount, = db.execute("SELECT refcount FROM blobs").fetchone()
        db.close()
        self.assertEqual(refcount, 0)  # the collector may take the blob now


class QueueDaemon(unittest.TestCase):
    def start_smarthost(self, outdir):
        proc = subprocess.Popen(["/usr/bin/python3", SMARTHOST, outdir], stdout=subprocess.PIPE,
                                text=True)
        self.addCleanup(proc.stdout.close)
        self.addCleanup(proc.wait)
        self.addCleanup(proc.kill)
        line = proc.stdout.readline()
        self.assertTrue(line.startswith("smarthost port="), line)
        return int(line.split("=")[1])

    def test_runner_claims_and_records(self):
        tmp = tempfile.TemporaryDirectory(prefix="ringmail-smarthost-")
        self.addCleanup(tmp.cleanup)
        port = self.start_smarthost(tmp.name)
        extra = "\n[queue]\nsmarthost = \"127.0.0.1:%d\"\npoll-interval = 1\n" % port
        with Daemon(BINARY, METRICS_CONFIG + extra) as d:
            d.wait_ready()
            db = os.path.join(d.dir.name, "meta.db")
            mid = queue_message(db, "alice@example.test", ["bob@remote.test"])
            # The runner claims it within poll-interval. The test cannot write a blob object
            # (its checksums need XXH3), so the attempt fails on the blob store and is retried.
            line = d.wait_for(r"event=queue_attempt id=%d " % mid)
            self.assertIn("recipient=bob@remote.test outcome=retry", line)
            deadline = time.monotonic() + 20
            out = ""
            while time.monotonic() < deadline:
                out = run(d.config_path, "queue", "list")[1]
                if "attempts 1" in out:
                    break
                time.sleep(0.05)
            self.assertIn("<bob@remote.test>  pending  attempts 1", out)
            self.assertIn("last: blob store:", out)
            self.assertEqual(d.stop(), 0)

    def test_expired_message_bounces_through_the_smarthost(self):
        """Expiry end to end: the runner fails the recipient, builds the DSN, queues it from
        <> to the remote sender (a real blob and rows, through OutboundQueue) and the runner
        delivers that through the smarthost."""
        tmp = tempfile.TemporaryDirectory(prefix="ringmail-smarthost-")
        self.addCleanup(tmp.cleanup)
        port = self.start_smarthost(tmp.name)
        extra = "\n[queue]\nsmarthost = \"127.0.0.1:%d\"\npoll-interval = 1\n" % port
        with Daemon(BINARY, METRICS_CONFIG + extra) as d:
            d.wait_ready()
            db = os.path.join(d.dir.name, "meta.db")
            queue_message(db, "carol@remote.test", ["bob@remote.test"], expires_in=-1)
            path = os.path.join(tmp.name, "1.json")
            deadline = time.monotonic() + 20
            while not os.path.exists(path) and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertTrue(os.path.exists(path), "\n".join(d.log))
            with open(path) as f:
                got = json.load(f)
            self.assertTrue(got["mail_from"].startswith("<> SIZE="), got["mail_from"])
            self.assertEqual(got["rcpt_to"], ["<carol@remote.test> NOTIFY=NEVER"])
            self.assertTrue(got["ehlo"].startswith("EHLO mail.example.test"))
            msg = email.message_from_string(got["data"].replace("\r\n", "\n"))
            self.assertEqual(msg.get_content_type(), "multipart/report")
            self.assertEqual(msg.get_param("report-type"), "delivery-status")
            parts = msg.get_payload()
            self.assertEqual(parts[1].get_content_type(), "message/delivery-status")
            status = parts[1].get_payload()
            self.assertEqual(status[0]["Reporting-MTA"], "dns; mail.example.test")
            self.assertEqual(status[1]["Final-Recipient"], "rfc822; bob@remote.test")
            self.assertEqual(status[1]["Action"], "failed")
            self.assertEqual(status[1]["Status"], "4.4.7")
            deadline = time.monotonic() + 20
            out = ""
            while time.monotonic() < deadline:
                out = run(d.config_path, "queue", "list")[1]
                if out == "the queue is empty\n":
                    break
                time.sleep(0.05)
            self.assertEqual(out, "the queue is empty\n")
            _, body = http_get(d.listeners["metrics"], "/metrics")
            for line in ("ringmail_queue_failed_total 1", "ringmail_queue_bounces_total 1",
                         "ringmail_queue_enqueued_total 1", "ringmail_queue_delivered_total 1"):
                self.assertIn(line + "\n", body)
            self.assertEqual(d.stop(), 0)

    def start_smtp_sink(self, *options):
        """Postfix's smtp-sink (a real SMTP server) on a free loopback port; returns (port, dump
        directory). smtp-sink takes a port number, so one is picked by binding port 0."""
        if not os.path.exists(SMTP_SINK):
            self.skipTest("smtp-sink not installed (Debian package postfix)")
        dump = tempfile.TemporaryDirectory(prefix="ringmail-sink-")
        self.addCleanup(dump.cleanup)
        os.chmod(dump.name, 0o777)  # smtp-sink drops to nobody
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        proc = subprocess.Popen([SMTP_SINK, "-u", "nobody", *options, "-d",
                                 os.path.join(dump.name, "%M."), "127.0.0.1:%d" % port, "10"])
        self.addCleanup(proc.wait)
        self.addCleanup(proc.kill)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port, dump.name
            except OSError:
                time.sleep(0.05)
        self.fail("smtp-sink did not listen")

    def bounce_through(self, port, user=True):
        """Queues an expired message from a remote sender; returns the daemon's log once the
        queue is empty again (the bounce made and sent)."""
        extra = "\n[queue]\nsmarthost = \"127.0.0.1:%d\"\npoll-interval = 1\n" % port
        if user:
            extra += ("smarthost-user = \"mx\"\nsmarthost-password = \"pw\"\n"
                      "smarthost-auth-without-tls = true\n")
        with Daemon(BINARY, METRICS_CONFIG + extra) as d:
            d.wait_ready()
            queue_message(os.path.join(d.dir.name, "meta.db"), "carol@remote.test",
                          ["bob@remote.test"], expires_in=-1)
            d.wait_for(r"event=queue_done id=2")  # the bounce, sent or failed for good
            self.assertEqual(run(d.config_path, "queue", "list")[1], "the queue is empty\n")
            self.assertEqual(d.stop(), 0)
            return d.log

    def test_bounce_through_postfix_smtp_sink(self):
        port, dump = self.start_smtp_sink()
        self.bounce_through(port)
        files = os.listdir(dump)
        self.assertEqual(len(files), 1, files)
        with open(os.path.join(dump, files[0])) as f:
            text = f.read()
        self.assertIn("X-Helo-Args: mail.example.test\n", text)
        self.assertIn("X-Mail-Args: <> RET=HDRS\n", text)  # smtp-sink offers DSN, not SIZE
        self.assertIn("X-Rcpt-Args: <carol@remote.test> NOTIFY=NEVER\n", text)
        self.assertIn("report-type=delivery-status", text)
        self.assertIn("Final-Recipient: rfc822; bob@remote.test", text)

    def test_smtp_sink_refusing_rcpt_fails_the_bounce_without_another(self):
        port, dump = self.start_smtp_sink("-f", "rcpt")
        log = self.bounce_through(port, user=False)
        self.assertEqual(os.listdir(dump), [])
        failed = [l for l in log if "recipient=carol@remote.test outcome=failed" in l]
        self.assertEqual(len(failed), 1, log)
        self.assertIn("reply=\"500 5.3.0 ", failed[0])  # smtp-sink -f

    @unittest.skipUnless(postfix.available(),
                         "needs Debian's postfix and root (scripts/deps test)")
    def test_bounce_through_a_postfix_smarthost_to_smtp_sink(self):
        """A real Postfix, on a private port, as the smarthost: it relays the daemon's bounce
        for remote.test on to smtp-sink."""
        sink_port, dump = self.start_smtp_sink()
        port = postfix.start_private_postfix(self, "relay.example.test", "remote.test", sink_port)
        self.bounce_through(port, user=False)
        deadline = time.monotonic() + 60
        while not os.listdir(dump) and time.monotonic() < deadline:
            time.sleep(0.1)
        files = os.listdir(dump)
        self.assertEqual(len(files), 1, files)
        with open(os.path.join(dump, files[0])) as f:
            text = f.read()
        self.assertIn("X-Mail-Args: <>", text)
        self.assertIn("X-Rcpt-Args: <carol@remote.test>", text)
        self.assertIn("by relay.example.test (Postfix)", text)  # Postfix's Received line
        self.assertIn("Final-Recipient: rfc822; bob@remote.test", text)

    def test_smarthost_tls_config_errors_exit_2(self):
        """A password over plain text not asked for, and a CA file that cannot be read."""
        for extra, what in (("smarthost-user = \"mx\"\n", "smarthost-auth-without-tls"),
                            ("smarthost-tls = \"starttls\"\nsmarthost-ca-file = \"/nonexistent\"\n",
                             "/nonexistent")):
            config = "\n[queue]\nsmarthost = \"127.0.0.1:25\"\n" + extra
            with Daemon(BINARY, METRICS_CONFIG + config) as d:
                d.proc.wait(timeout=20)
                self.assertEqual(d.stop(), 2)
                self.assertTrue(any(what in line for line in d.log), d.log)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main()
