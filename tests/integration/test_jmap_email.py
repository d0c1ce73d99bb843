"""Integration: JMAP Email over HTTP against the real binary, crossing with IMAP.

Starts `ringmail serve` with imap and http listeners on ephemeral loopback ports, adds an
account with the CLI, then: APPENDs over IMAP (imaplib) and finds the message with
Email/query + Email/get; sets $seen with Email/set and sees FETCH FLAGS in an IMAP session that
was IDLE-ing when it happened; moves it with mailboxIds and destroys it.

Usage: /usr/bin/python3 test_jmap_email.py PATH/TO/ringmail
"""
import base64
import imaplib
import json
import select
import subprocess
import sys
import time
import unittest
import urllib.request

from daemon import METRICS_CONFIG, Daemon

BINARY = None

CONFIG = METRICS_CONFIG + """
[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]

[listener.http]
protocol = "http"
bind = ["127.0.0.1:0"]
"""

MESSAGE = (b"From: Bob <bob@example.test>\r\nTo: alice@example.test\r\n"
           b"Subject: Over both protocols\r\nMessage-ID: <jmap-it@example.test>\r\n"
           b"Date: Tue, 14 Nov 2023 10:00:00 +0000\r\n\r\nHello from IMAP.\r\n")
MAIL = "urn:ietf:params:jmap:mail"
CORE = "urn:ietf:params:jmap:core"


class JmapEmailTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(BINARY, CONFIG).wait_ready()
        cls.imap_host, cls.imap_port = cls.daemon.listeners["imap"]
        host, port = cls.daemon.listeners["http"]
        cls.base = "http://%s:%s" % (host, port)
        for args, stdin in [(("domain", "add", "example.test"), ""),
                            (("account", "add", "alice", "--email", "alice@example.test",
                              "--password-stdin"), "alice-secret\n")]:
            done = subprocess.run([BINARY, "--config", cls.daemon.config_path, *args],
                                  input=stdin, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
        cls.auth = "Basic " + base64.b64encode(b"alice:alice-secret").decode()
        session = cls.http("GET", "/jmap/session")
        cls.api = session["apiUrl"]
        if cls.api.startswith("/"):
            cls.api = cls.base + cls.api
        cls.account = session["primaryAccounts"][MAIL]

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.daemon.__exit__(None, None, None)

    @classmethod
    def http(cls, method, path, body=None):
        url = path if path.startswith("http") else cls.base + path
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": cls.auth, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def call(self, name, arguments):
        arguments = dict(arguments, accountId=self.account)
        answer = self.http("POST", self.api, {"using": [CORE, MAIL],
                                               "methodCalls": [[name, arguments, "c1"]]})
        response = answer["methodResponses"][0]
        self.assertEqual(response[0], name, response)
        return response[1]

    def imap(self):
        imap = imaplib.IMAP4(self.imap_host, self.imap_port, timeout=10)
        self.addCleanup(imap.logout)
        self.assertEqual(imap.login("alice", "alice-secret")[0], "OK")
        return imap

    def test_imap_append_jmap_keywords_imap_idle(self):
        writer = self.imap()
        self.assertEqual(writer.append("INBOX", None, None, MESSAGE)[0], "OK")
        found = self.call("Email/query", {"filter": {"subject": "both protocols"},
                                          "calculateTotal": True})
        self.assertEqual(found["total"], 1)
        email_id = found["ids"][0]
        got = self.call("Email/get", {"ids": [email_id], "properties": [
            "subject", "from", "keywords", "mailboxIds", "messageId", "preview"]})
        email = got["list"][0]
        self.assertEqual(email["subject"], "Over both protocols")
        self.assertEqual(email["from"], [{"name": "Bob", "email": "bob@example.test"}])
        self.assertEqual(email["keywords"], {})
        self.assertEqual(email["messageId"], ["jmap-it@example.test"])
        self.assertEqual(email["preview"], "Hello from IMAP.")
        inbox = list(email["mailboxIds"])[0]

        # An IMAP session IDLEs on INBOX; the JMAP change reaches it as FETCH FLAGS.
        watcher = self.imap()
        watcher.select("INBOX")
        tag = watcher._new_tag().decode()
        watcher.send(("%s IDLE\r\n" % tag).encode())
        self.assertTrue(watcher.readline().startswith(b"+"))
        updated = self.call("Email/set", {"update": {email_id: {"keywords/$seen": True}}})
        self.assertIn(email_id, updated["updated"])
        deadline = time.monotonic() + 5
        seen = b""
        while b"\\Seen" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([watcher.sock], [], [], deadline - time.monotonic())
            if ready:
                seen += watcher.readline()
        self.assertIn(b"FETCH", seen)
        self.assertIn(b"\\Seen", seen)
        watcher.send(b"DONE\r\n")
        while not watcher.readline().startswith(tag.encode()):
            pass

        # Move to Archive over JMAP: IMAP sees it there and not in INBOX.
        archive = [m for m in self.call("Mailbox/get", {"ids": None})["list"]
                   if m["name"] == "Archive"][0]["id"]
        moved = self.call("Email/set", {"update": {email_id: {
            "mailboxIds/" + archive: True, "mailboxIds/" + inbox: None}}})
        self.assertIn(email_id, moved["updated"])
        self.assertEqual(writer.select("Archive")[1], [b"1"])
        typ, data = writer.fetch("1", "(FLAGS)")
        self.assertIn(b"\\Seen", data[0])
        self.assertEqual(writer.select("INBOX")[1], [b"0"])

        destroyed = self.call("Email/set", {"destroy": [email_id]})
        self.assertEqual(destroyed["destroyed"], [email_id])
        self.assertEqual(writer.select("Archive")[1], [b"0"])
        self.assertEqual(self.call("Email/get", {"ids": [email_id]})["notFound"], [email_id])

    def test_imap_deleted_flag_hides_the_email_from_jmap(self):
        # RFC 8621 §4.1.1: \Deleted emails are not visible to JMAP.
        message = MESSAGE.replace(b"Over both protocols", b"Soon deleted").replace(
            b"<jmap-it@", b"<jmap-deleted@")
        writer = self.imap()
        self.assertEqual(writer.append("INBOX", None, None, message)[0], "OK")
        found = self.call("Email/query", {"filter": {"subject": "Soon deleted"}})
        self.assertEqual(len(found["ids"]), 1)
        email_id = found["ids"][0]
        state = self.call("Email/get", {"ids": []})["state"]
        inbox = [m for m in self.call("Mailbox/get", {"ids": None})["list"]
                 if m["role"] == "inbox"][0]
        writer.select("INBOX")
        typ, data = writer.search(None, "SUBJECT", '"Soon deleted"')
        self.assertEqual(typ, "OK")
        self.assertEqual(writer.store(data[0].split()[0], "+FLAGS", "(\\Deleted)")[0], "OK")

        changes = self.call("Email/changes", {"sinceState": state})
        self.assertEqual(changes["destroyed"], [email_id])
        self.assertEqual(changes["updated"], [])
        self.assertEqual(self.call("Email/get", {"ids": [email_id]})["notFound"], [email_id])
        self.assertEqual(self.call("Email/query", {"filter": {"subject": "Soon deleted"}})["ids"],
                         [])
        after = [m for m in self.call("Mailbox/get", {"ids": [inbox["id"]]})["list"]][0]
        self.assertEqual(after["totalEmails"], inbox["totalEmails"] - 1)
        self.assertEqual(after["unreadEmails"], inbox["unreadEmails"] - 1)
        thread_id = self.call("Thread/changes", {"sinceState": state})
        self.assertEqual(len(thread_id["destroyed"]), 1, thread_id)
        self.assertEqual((thread_id["created"], thread_id["updated"]), ([], []))
        thread_id = thread_id["destroyed"][0]
        self.assertEqual(self.call("Thread/get", {"ids": [thread_id]})["notFound"], [thread_id])
        mailboxes = self.call("Mailbox/changes", {"sinceState": state})
        self.assertIn(inbox["id"], mailboxes["updated"])

        # A keyword set while hidden, then \Deleted cleared over IMAP: the email comes back
        # as created for a client that last saw it hidden, and as updated for one that saw it
        # before (it knew the email and knows it again).
        hidden = self.call("Email/get", {"ids": []})["state"]
        uid = data[0].split()[0]
        self.assertEqual(writer.store(uid, "+FLAGS", "(\\Flagged)")[0], "OK")
        self.assertEqual(writer.store(uid, "-FLAGS", "(\\Deleted)")[0], "OK")
        back = self.call("Email/changes", {"sinceState": hidden})
        self.assertEqual((back["created"], back["updated"], back["destroyed"]),
                         ([email_id], [], []))
        known = self.call("Email/changes", {"sinceState": state})
        self.assertEqual((known["created"], known["updated"], known["destroyed"]),
                         ([], [email_id], []))
        threads = self.call("Thread/changes", {"sinceState": hidden})
        self.assertEqual((threads["created"], threads["updated"]), ([thread_id], []))
        got = self.call("Thread/get", {"ids": [thread_id]})["list"]
        self.assertEqual(got, [{"id": thread_id, "emailIds": [email_id]}])
        self.assertEqual(self.call("Email/get", {"ids": [email_id], "properties": ["keywords"]})
                         ["list"][0]["keywords"], {"$flagged": True})
        self.assertEqual(writer.store(uid, "+FLAGS", "(\\Deleted)")[0], "OK")
        writer.expunge()

    def test_errors(self):
        answer = self.http("POST", self.api, {"using": [CORE, MAIL], "methodCalls": [
            ["Email/query", {"accountId": self.account, "filter": {"color": "red"}}, "a"],
            ["Email/query", {"accountId": self.account,
                             "sort": [{"property": "color"}]}, "b"],
            ["Email/get", {"accountId": self.account, "ids": ["M999999"]}, "c"]]})
        responses = answer["methodResponses"]
        self.assertEqual(responses[0][0], "error")
        self.assertEqual(responses[0][1]["type"], "unsupportedFilter")
        self.assertEqual(responses[1][1]["type"], "unsupportedSort")
        self.assertEqual(responses[2][1]["notFound"], ["M999999"])


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
