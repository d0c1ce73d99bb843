"""Integration: JMAP (docs/jmap.md) against the real binary, with urllib and imaplib.

The session resource and its redirect, request-level errors, Mailbox/get, /set, /changes and
/query, and the cross-protocol view: a mailbox created over IMAP shows in Mailbox/changes, a
rename through Mailbox/set shows in IMAP LIST, and an event source pushes a state change
after an IMAP APPEND.

Usage: /usr/bin/python3 test_jmap.py PATH/TO/ringmail
"""
import base64
import hashlib
import http.client
import imaplib
import json
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request

from daemon import METRICS_CONFIG, Daemon

BINARY = None

CONFIG = METRICS_CONFIG + """
[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]

[listener.web]
protocol = "http"
bind = ["127.0.0.1:0"]
"""

USING = ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail"]


class JmapTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(BINARY, CONFIG).wait_ready()
        cls.host, cls.port = cls.daemon.listeners["web"]
        cls.base = f"http://{cls.host}:{cls.port}"
        cls.cli("domain", "add", "example.test")
        for user in ("alice", "bob"):
            cls.cli("account", "add", user, "--email", f"{user}@example.test",
                    "--password-stdin", stdin=f"{user}-pw\n")

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.daemon.__exit__(None, None, None)

    @classmethod
    def cli(cls, *args, stdin=""):
        done = subprocess.run([BINARY, "--config", cls.daemon.config_path, *args], input=stdin,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def fetch(self, path, body=None, user="alice", follow=True):
        headers = {}
        if user is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(
                f"{user}:{user}-pw".encode()).decode()
        data = body.encode() if isinstance(body, str) else body
        if not follow:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            answer = (r.status, dict(r.getheaders()), r.read())
            conn.close()
            return answer
        request = urllib.request.Request(self.base + path, data=data, headers=headers,
                                         method="POST" if data is not None else "GET")
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def call(self, *calls, user="alice", using=USING):
        status, _, body = self.fetch("/jmap/api/", json.dumps(
            {"using": using, "methodCalls": [list(c) for c in calls]}), user=user)
        self.assertEqual(status, 200, body)
        return json.loads(body)["methodResponses"]

    def session(self, user="alice"):
        status, _, body = self.fetch("/jmap/session", user=user)
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def mailboxes(self):
        [[name, args, _]] = self.call(["Mailbox/get", {"accountId": self.account}, "g"])
        self.assertEqual(name, "Mailbox/get")
        return args

    @property
    def account(self):
        return self.session()["primaryAccounts"]["urn:ietf:params:jmap:mail"]

    def test_session_and_auth(self):
        status, headers, _ = self.fetch("/.well-known/jmap", user=None, follow=False)
        self.assertIn(status, (301, 307))
        self.assertEqual(headers["Location"], "/jmap/session")
        self.assertEqual(self.fetch("/jmap/session", user=None)[0], 401)
        status, headers, _ = self.fetch("/jmap/session", user="nobody")
        self.assertEqual(status, 401)
        self.assertIn("Basic", headers["WWW-Authenticate"])
        s = self.session()
        self.assertEqual(s["username"], "alice")
        core = s["capabilities"]["urn:ietf:params:jmap:core"]
        for limit in ("maxSizeUpload", "maxConcurrentUpload", "maxSizeRequest",
                      "maxConcurrentRequests", "maxCallsInRequest", "maxObjectsInGet",
                      "maxObjectsInSet"):
            self.assertGreater(core[limit], 0, limit)
        self.assertEqual(s["apiUrl"], f"{self.base}/jmap/api/")
        self.assertIn("{accountId}", s["downloadUrl"])
        self.assertIn("{types}", s["eventSourceUrl"])
        account = s["accounts"][self.account]
        self.assertTrue(account["isPersonal"])
        self.assertIn("maxSizeMailboxName", account["accountCapabilities"][
            "urn:ietf:params:jmap:mail"])
        self.assertNotEqual(self.session("bob")["primaryAccounts"]["urn:ietf:params:jmap:mail"],
                            self.account)

    def test_request_errors(self):
        status, headers, body = self.fetch("/jmap/api/", "{nope")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["type"], "urn:ietf:params:jmap:error:notJSON")
        status, _, body = self.fetch("/jmap/api/", json.dumps(
            {"using": ["urn:x"], "methodCalls": []}))
        self.assertEqual(json.loads(body)["type"], "urn:ietf:params:jmap:error:unknownCapability")
        limit = self.session()["capabilities"]["urn:ietf:params:jmap:core"]["maxCallsInRequest"]
        status, _, body = self.fetch("/jmap/api/", json.dumps(
            {"using": USING, "methodCalls": [["Core/echo", {}, str(i)]
                                             for i in range(limit + 1)]}))
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["limit"], "maxCallsInRequest")
        # Another account's id: accountNotFound, the same as for an id that exists nowhere.
        bob = self.session("bob")["primaryAccounts"]["urn:ietf:params:jmap:mail"]
        for other in (bob, "A999999"):
            [[name, args, _]] = self.call(["Mailbox/get", {"accountId": other}, "x"])
            self.assertEqual((name, args["type"]), ("error", "accountNotFound"))

    def test_mailbox_get_query_and_back_references(self):
        got = self.mailboxes()
        roles = {m["role"]: m for m in got["list"]}
        for role in ("inbox", "drafts", "sent", "junk", "trash", "archive"):
            self.assertIn(role, roles)
        inbox = roles["inbox"]
        self.assertEqual(inbox["name"], "INBOX")
        self.assertIsNone(inbox["parentId"])
        self.assertFalse(inbox["myRights"]["mayDelete"])
        self.assertTrue(inbox["id"].startswith("F"))
        responses = self.call(
            ["Mailbox/query", {"accountId": self.account, "filter": {"role": "inbox"}}, "q"],
            ["Mailbox/get", {"accountId": self.account, "properties": ["name"],
                             "#ids": {"resultOf": "q", "name": "Mailbox/query",
                                      "path": "/ids"}}, "g"])
        self.assertEqual(responses[0][1]["ids"], [inbox["id"]])
        self.assertEqual(responses[1][1]["list"], [{"id": inbox["id"], "name": "INBOX"}])

    def test_set_changes_and_imap_both_ways(self):
        state = self.mailboxes()["state"]
        imap = imaplib.IMAP4(*self.daemon.listeners["imap"], timeout=10)
        imap.login("alice", "alice-pw")
        self.assertEqual(imap.create("FromImap")[0], "OK")
        [[_, changes, _]] = self.call(["Mailbox/changes", {"accountId": self.account,
                                                           "sinceState": state}, "c"])
        self.assertEqual(len(changes["created"]), 1)
        made = changes["created"][0]
        names = {m["id"]: m["name"] for m in self.mailboxes()["list"]}
        self.assertEqual(names[made], "FromImap")

        # Create a parent and a child (by creation id), rename over JMAP, see it over IMAP.
        [[name, created, _]] = self.call(["Mailbox/set", {"accountId": self.account, "create": {
            "p": {"name": "Projects"}, "c": {"name": "Alpha", "parentId": "#p"}}}, "s"])
        self.assertEqual(name, "Mailbox/set", created)
        parent, child = created["created"]["p"]["id"], created["created"]["c"]["id"]
        self.assertIn(b'"/" Projects/Alpha', b" ".join(imap.list()[1]))
        [[_, renamed, _]] = self.call(["Mailbox/set", {"accountId": self.account, "update": {
            parent: {"name": "Work"}}}, "r"])
        self.assertEqual(renamed["updated"], {parent: None})
        listing = b" ".join(imap.list()[1])
        self.assertIn(b'"/" Work/Alpha', listing)
        self.assertNotIn(b"Projects", listing)

        # Refusals: a stale ifInState, a parent with a child, INBOX.
        [[name, args, _]] = self.call(["Mailbox/set", {"accountId": self.account,
                                                       "ifInState": state, "destroy": [child]},
                                       "x"])
        self.assertEqual((name, args["type"]), ("error", "stateMismatch"))
        inbox = [m["id"] for m in self.mailboxes()["list"] if m["role"] == "inbox"][0]
        [[_, refused, _]] = self.call(["Mailbox/set", {"accountId": self.account,
                                                       "destroy": [parent, inbox]}, "d"])
        self.assertEqual(refused["notDestroyed"][parent]["type"], "mailboxHasChild")
        self.assertEqual(refused["notDestroyed"][inbox]["type"], "forbidden")
        [[_, gone, _]] = self.call(["Mailbox/set", {"accountId": self.account,
                                                    "destroy": [child, parent]}, "d"])
        self.assertEqual(sorted(gone["destroyed"]), sorted([child, parent]))
        self.assertNotIn(b"Work", b" ".join(imap.list()[1]))
        imap.logout()

    def test_event_source_after_imap_append(self):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        auth = base64.b64encode(b"alice:alice-pw").decode()
        conn.request("GET", "/jmap/eventsource/?types=*&closeafter=no&ping=0",
                     headers={"Authorization": "Basic " + auth})
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertTrue(r.getheader("Content-Type").startswith("text/event-stream"))

        def next_event():
            lines = []
            while True:
                line = r.fp.readline()
                if not line:
                    return None
                line = line.decode().rstrip("\r\n")
                if line == "" and lines:
                    return lines
                if line and not all(c in "0123456789abcdefABCDEF" for c in line):
                    lines.append(line)

        first = next_event()
        self.assertEqual(first[0], "event: state")
        before = json.loads(first[1][len("data: "):])["changed"][self.account]["Mailbox"]
        imap = imaplib.IMAP4(*self.daemon.listeners["imap"], timeout=10)
        imap.login("alice", "alice-pw")
        start = time.monotonic()
        self.assertEqual(imap.append("INBOX", None, None,
                                     b"Subject: push\r\n\r\npushed\r\n")[0], "OK")
        event = next_event()
        elapsed = time.monotonic() - start
        self.assertEqual(event[0], "event: state")
        change = json.loads(event[1][len("data: "):])
        self.assertEqual(change["@type"], "StateChange")
        self.assertGreater(int(change["changed"][self.account]["Email"]), int(before))
        print(f"event source: state pushed {elapsed * 1000:.0f} ms after APPEND was sent",
              file=sys.stderr)
        imap.logout()
        conn.close()

    def test_download_only_own_blobs(self):
        message = b"Subject: blob\r\nFrom: a@example.test\r\n\r\nthe blob body\r\n"
        imap = imaplib.IMAP4(*self.daemon.listeners["imap"], timeout=10)
        imap.login("alice", "alice-pw")
        self.assertEqual(imap.append("INBOX", None, None, message)[0], "OK")
        imap.logout()
        blob = "B" + hashlib.sha256(message).hexdigest()
        status, headers, body = self.fetch(f"/jmap/download/{self.account}/{blob}/m.eml"
                                           "?accept=message/rfc822")
        self.assertEqual((status, body), (200, message))
        self.assertEqual(headers["Content-Type"], "message/rfc822")
        # Bob knows the hash but holds no such message; unknown and malformed ids: 404 too.
        bob = self.session("bob")["primaryAccounts"]["urn:ietf:params:jmap:mail"]
        self.assertEqual(self.fetch(f"/jmap/download/{bob}/{blob}/m.eml", user="bob")[0], 404)
        self.assertEqual(self.fetch(f"/jmap/download/{self.account}/{blob}/m.eml",
                                    user="bob")[0], 404)
        other = "B" + hashlib.sha256(b"nothing").hexdigest()
        self.assertEqual(self.fetch(f"/jmap/download/{self.account}/{other}/x")[0], 404)
        self.assertEqual(self.fetch(f"/jmap/download/{self.account}/Bzz/x")[0], 404)


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
