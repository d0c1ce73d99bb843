"""Integration: the outbound queue delivers through Debian's Postfix as the smarthost over
STARTTLS (docs/queue.md, "TLS to the smarthost").

Postfix (tests/integration/postfix.py) listens on a private loopback port with a certificate
for `localhost` from a test CA (`smtpd_tls_security_level = may`) and relays remote.test to
Postfix's smtp-sink. The daemon (test_smtp.SmtpServer: real accounts, submission listener)
has `[queue] smarthost = "localhost:PORT"`, `smarthost-tls = "starttls"`:
  - trusting the test CA: a message submitted with smtplib for a remote recipient reaches the
    sink through Postfix, whose Received field says the hop was TLS; the daemon's
    queue_attempt line names the TLS version and cipher;
  - trusting another CA: the attempt is a retry whose last reply says the certificate was not
    verified (`ringmail queue list`), and nothing reaches the sink.
Needs Debian's postfix and root (skipped otherwise).

Usage: /usr/bin/python3 test_smarthost_tls.py PATH/TO/ringmail
"""
import os
import smtplib
import sys
import unittest

import postfix
import test_queue
import test_smtp
from test_mailflow import wait_until
from test_smtp import SmtpServer
from tls_ca import TestCa

QUEUE = """
[queue]
smarthost = "localhost:@PORT@"
smarthost-tls = "starttls"
smarthost-ca-file = "@CA@"
poll-interval = 1
retry-schedule = [600]
"""

DEADLINE_S = 30.0


@unittest.skipUnless(postfix.available() and os.path.exists(test_queue.SMTP_SINK),
                     "needs Debian's postfix and root (scripts/deps test)")
class SmarthostTls(unittest.TestCase):
    def setUp(self):
        self.ca = TestCa()
        self.addCleanup(self.ca.cleanup)
        cert, key = self.ca.issue("smarthost", ["localhost"])
        self.sink_port, self.dump = test_queue.QueueDaemon.start_smtp_sink(self)
        self.port = postfix.start_private_postfix(self, "relay.example.test", "remote.test",
                                                  self.sink_port, tls=(cert, key))

    def start(self, ca_file):
        queue = QUEUE.replace("@PORT@", str(self.port)).replace("@CA@", ca_file)
        self.server = SmtpServer(self, extra=queue)
        return self.server.daemon

    def submit(self, subject):
        body = ("From: alice@example.test\r\nTo: friend@remote.test\r\nSubject: %s\r\n"
                "Message-ID: <%s@example.test>\r\n\r\nOver TLS.\r\n" % (subject, subject))
        with smtplib.SMTP("127.0.0.1", self.server.port("submission"), timeout=10) as c:
            c.ehlo("laptop.example.test")
            c.login("alice", "alice-pw")
            self.assertEqual(c.sendmail("alice@example.test", ["friend@remote.test"], body), {})

    def sunk(self):
        texts = []
        for name in os.listdir(self.dump):
            with open(os.path.join(self.dump, name)) as f:
                texts.append(f.read())
        return texts

    def test_delivers_through_postfix_over_starttls(self):
        daemon = self.start(self.ca.cert)
        self.submit("tls-hop")
        texts = wait_until(self.sunk, "the message at the sink", DEADLINE_S)
        self.assertEqual(len(texts), 1, texts)
        text = texts[0]
        self.assertIn("Subject: tls-hop", text)
        self.assertIn("X-Rcpt-Args: <friend@remote.test>", text)
        # Postfix's Received field for the hop from ringmail records the TLS session.
        self.assertRegex(text, r"\(using TLSv1\.[23] with cipher [A-Z0-9_-]+")
        self.assertIn("by relay.example.test (Postfix)", text)
        line = daemon.wait_for(r"event=queue_attempt .*outcome=delivered")
        self.assertRegex(line, r'tls="TLS1\.[23] TLS_[A-Z0-9_]+"')

    def test_a_certificate_from_another_ca_is_deferred_with_the_reason(self):
        other = TestCa()
        self.addCleanup(other.cleanup)
        daemon = self.start(other.cert)
        self.submit("wrong-ca")
        line = daemon.wait_for(r"event=queue_attempt .*outcome=retry")
        self.assertIn("TLS handshake failed: certificate not verified", line)
        listed = test_queue.run(self.server.config, "queue", "list")[1]
        self.assertIn("certificate not verified", listed)
        self.assertEqual(self.sunk(), [])


if __name__ == "__main__":
    test_smtp.BINARY = test_queue.BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main()
