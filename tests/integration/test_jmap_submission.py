"""Integration: JMAP Identity, EmailSubmission and VacationResponse against the real binary.

Starts `ringmail serve` with imap, smtp and http listeners on ephemeral loopback ports and the
queue's smarthost pointed at tests/queue/fake_smarthost.py (which writes each message it
accepts to OUTDIR/N.json), adds an account with an alias, then:
- Identity/set creates an identity (an address the account does not own is forbiddenFrom);
- a draft APPENDed over IMAP with \\Draft ($draft) is sent with EmailSubmission/set: the smarthost gets
  it from the identity's address to To, Cc and Bcc, without the Bcc header; the implicit
  Email/set (onSuccessUpdateEmail) removes $draft and its response follows the submission's;
  one to the account's own alias lands in its INBOX without going through the smarthost; a
  From the account does not own is forbiddenFrom;
- deliveryStatus follows the queue: accepted "yes" with the smarthost's reply, refused "no"
  (and bounced), greylisted "queued" until the retry takes it; EmailSubmission/changes lists
  the submission as updated when the queue's outcome moves it on;
- VacationResponse/set turns the vacation on; two messages from the same sender over SMTP
  (smtplib) bring one auto-reply to the smarthost, with Auto-Submitted and In-Reply-To; a
  message from a mailing list brings none.

Usage: /usr/bin/python3 test_jmap_submission.py PATH/TO/ringmail
"""
import base64
import glob
import imaplib
import json
import os
import smtplib
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from daemon import METRICS_CONFIG, Daemon

BINARY = None
HERE = os.path.dirname(os.path.abspath(__file__))
SMARTHOST = os.path.join(HERE, "..", "queue", "fake_smarthost.py")

CONFIG = METRICS_CONFIG + """
[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]

[listener.smtp]
protocol = "smtp"
bind = ["127.0.0.1:0"]

[listener.http]
protocol = "http"
bind = ["127.0.0.1:0"]

[queue]
smarthost = "127.0.0.1:@PORT@"
poll-interval = 1
retry-schedule = [1]
"""

CORE = "urn:ietf:params:jmap:core"
MAIL = "urn:ietf:params:jmap:mail"
SUBMISSION = "urn:ietf:params:jmap:submission"
VACATION = "urn:ietf:params:jmap:vacationresponse"

DRAFT = (b"From: Alice <alice@example.test>\r\nTo: bob@remote.test\r\n"
         b"Cc: carol@remote.test\r\nBcc: dave@remote.test\r\n"
         b"Subject: Sent over JMAP\r\nMessage-ID: <draft-1@example.test>\r\n"
         b"Date: Tue, 14 Nov 2023 10:00:00 +0000\r\n\r\nHello by JMAP.\r\n")


def address(raw):
    """The address in a MAIL FROM / RCPT TO argument as the smarthost recorded it."""
    return raw[raw.find("<") + 1:raw.find(">")].lower()


class JmapSubmissionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.outdir = tempfile.TemporaryDirectory(prefix="ringmail-smarthost-")
        cls.smarthost = subprocess.Popen(["/usr/bin/python3", SMARTHOST, cls.outdir.name],
                                         stdout=subprocess.PIPE, text=True)
        line = cls.smarthost.stdout.readline()
        assert line.startswith("smarthost port="), line
        port = int(line.split("=")[1])
        cls.daemon = Daemon(BINARY, CONFIG.replace("@PORT@", str(port))).wait_ready()
        cls.imap_host, cls.imap_port = cls.daemon.listeners["imap"]
        cls.smtp_host, cls.smtp_port = cls.daemon.listeners["smtp"]
        host, port = cls.daemon.listeners["http"]
        cls.base = "http://%s:%s" % (host, port)
        for args, stdin in [(("domain", "add", "example.test"), ""),
                            (("account", "add", "alice", "--email", "alice@example.test",
                              "--email", "al@example.test", "--password-stdin"),
                             "alice-secret\n")]:
            done = subprocess.run([BINARY, "--config", cls.daemon.config_path, *args],
                                  input=stdin, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
        cls.auth = "Basic " + base64.b64encode(b"alice:alice-secret").decode()
        session = cls.http("GET", "/jmap/session")
        cls.session = session
        cls.api = session["apiUrl"]
        if cls.api.startswith("/"):
            cls.api = cls.base + cls.api
        cls.account = session["primaryAccounts"][SUBMISSION]

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.daemon.__exit__(None, None, None)
        cls.smarthost.kill()
        cls.smarthost.wait()
        cls.smarthost.stdout.close()
        cls.outdir.cleanup()

    @classmethod
    def http(cls, method, path, body=None):
        url = path if path.startswith("http") else cls.base + path
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": cls.auth, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as e:
            raise AssertionError("HTTP %d: %s" % (e.code, e.read().decode()))

    def calls(self, *method_calls):
        answer = self.http("POST", self.api, {
            "using": [CORE, MAIL, SUBMISSION, VACATION],
            "methodCalls": [[name, dict(args, accountId=self.account), "c%d" % i]
                            for i, (name, args) in enumerate(method_calls)]})
        return answer["methodResponses"]

    def call(self, name, arguments):
        response = self.calls((name, arguments))[0]
        self.assertEqual(response[0], name, response)
        return response[1]

    def mailbox(self, role):
        found = self.call("Mailbox/query", {"filter": {"role": role}})
        return found["ids"][0]

    def relayed(self, count, timeout=20):
        """Waits until the smarthost holds `count` messages; returns them, oldest first."""
        deadline = time.monotonic() + timeout
        while True:
            files = sorted(glob.glob(os.path.join(self.outdir.name, "*.json")),
                           key=lambda p: int(os.path.basename(p).split(".")[0]))
            if len(files) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        out = []
        for path in files:
            with open(path) as f:
                out.append(json.load(f))
        return out

    def delivered(self, submission, timeout=30):
        """EmailSubmission/get of `submission` once no recipient is "queued" any more."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.call("EmailSubmission/get", {"ids": [submission]})["list"][0]
            statuses = [s["delivered"] for s in got["deliveryStatus"].values()]
            if "queued" not in statuses or time.monotonic() > deadline:
                return got
            time.sleep(0.05)

    def test_1_session_capabilities(self):
        self.assertIn(SUBMISSION, self.session["capabilities"])
        self.assertIn(VACATION, self.session["capabilities"])
        caps = self.session["accounts"][self.account]["accountCapabilities"]
        self.assertEqual(caps[SUBMISSION]["maxDelayedSend"], 0)

    def test_2_identity_and_submission(self):
        defaults = self.call("Identity/get", {})
        self.assertEqual(sorted(i["email"] for i in defaults["list"]),
                         ["al@example.test", "alice@example.test"])
        made = self.call("Identity/set", {"create": {
            "i1": {"name": "Alice", "email": "alice@example.test", "textSignature": "-- A",
                   "replyTo": [{"name": "Alice", "email": "alice@example.test"}]},
            "bad": {"email": "mallory@example.test"}}})
        self.assertEqual(made["notCreated"]["bad"]["type"], "forbiddenFrom")
        identity = made["created"]["i1"]["id"]
        got = self.call("Identity/get", {"ids": [identity]})["list"][0]
        self.assertEqual((got["name"], got["textSignature"], got["mayDelete"]),
                         ("Alice", "-- A", True))
        changes = self.call("Identity/changes", {"sinceState": made["newState"]})
        self.assertEqual(changes["created"], [])

        imap = imaplib.IMAP4(self.imap_host, self.imap_port, timeout=10)
        self.addCleanup(imap.logout)
        self.assertEqual(imap.login("alice", "alice-secret")[0], "OK")
        self.assertEqual(imap.append("Drafts", "(\\Draft)", None, DRAFT)[0], "OK")
        found = self.call("Email/query", {"filter": {"subject": "Sent over JMAP"}})
        email_id = found["ids"][0]
        draft = self.call("Email/get", {"ids": [email_id], "properties": ["keywords"]})
        self.assertEqual(draft["list"][0]["keywords"], {"$draft": True})
        before = len(self.relayed(0, timeout=0))
        responses = self.calls(("EmailSubmission/set", {
            "create": {"s1": {"identityId": identity, "emailId": email_id}},
            "onSuccessUpdateEmail": {"#s1": {"keywords/$draft": None}}}))
        self.assertEqual([r[0] for r in responses], ["EmailSubmission/set", "Email/set"])
        created = responses[0][1]["created"]["s1"]
        self.assertEqual(created["undoStatus"], "final")
        self.assertEqual(sorted(created["deliveryStatus"]),
                         ["bob@remote.test", "carol@remote.test", "dave@remote.test"])
        self.assertEqual({s["delivered"] for s in created["deliveryStatus"].values()}, {"queued"})
        self.assertIn(email_id, responses[1][1]["updated"])
        keywords = self.call("Email/get", {"ids": [email_id], "properties": ["keywords"]})
        self.assertNotIn("$draft", keywords["list"][0]["keywords"])

        sent = self.relayed(before + 1)[before:]
        self.assertEqual(len(sent), 1)
        self.assertEqual(address(sent[0]["mail_from"]), "alice@example.test")
        self.assertEqual(sorted(address(r) for r in sent[0]["rcpt_to"]),
                         ["bob@remote.test", "carol@remote.test", "dave@remote.test"])
        self.assertIn("Subject: Sent over JMAP", sent[0]["data"])
        self.assertNotIn("Bcc", sent[0]["data"])
        self.assertNotIn("dave@remote.test", sent[0]["data"])

        listed = self.delivered(created["id"])
        self.assertEqual((listed["emailId"], listed["identityId"]), (email_id, identity))
        self.assertEqual(len(listed["envelope"]["rcptTo"]), 3)
        # Remote recipients went through the outbound queue: the smarthost's reply after the
        # data, as the queue recorded it.
        for status in listed["deliveryStatus"].values():
            self.assertEqual((status["delivered"], status["displayed"]), ("yes", "unknown"))
            self.assertTrue(status["smtpReply"].startswith("250 2.0.0 Ok: queued as"), status)
        query = self.call("EmailSubmission/query", {"filter": {"emailIds": [email_id]}})
        self.assertEqual(query["ids"], [created["id"]])

        # To a local address (Alice's own alias): delivered into the INBOX at once, not relayed.
        self.assertEqual(imap.append("Drafts", None, None, DRAFT.replace(
            b"To: bob@remote.test\r\nCc: carol@remote.test\r\nBcc: dave@remote.test",
            b"To: al@example.test").replace(b"Sent over JMAP", b"Note to self"))[0], "OK")
        note = self.call("Email/query", {"filter": {"subject": "Note to self"}})["ids"]
        local = self.call("EmailSubmission/set", {
            "create": {"s3": {"identityId": identity, "emailId": note[0]}}})
        self.assertIn("s3", local["created"], local)
        self.assertEqual(local["created"]["s3"]["deliveryStatus"], {"al@example.test": {
            "smtpReply": "250 2.1.5 Delivered", "delivered": "yes", "displayed": "unknown"}})
        inbox = self.call("Email/query", {"filter": {"subject": "Note to self",
                                                     "inMailbox": self.mailbox("inbox")}})
        self.assertEqual(len(inbox["ids"]), 1)
        self.assertEqual(len(self.relayed(0, timeout=0)), before + 1)

        # From an address the account does not own: forbiddenFrom, nothing relayed.
        self.assertEqual(imap.append("Drafts", None, None, DRAFT.replace(
            b"From: Alice <alice@example.test>", b"From: mallory@example.test"))[0], "OK")
        forged = [i for i in self.call("Email/query", {"filter": {"from": "mallory"}})["ids"]]
        refused = self.call("EmailSubmission/set", {
            "create": {"s2": {"identityId": identity, "emailId": forged[0]}}})
        self.assertEqual(refused["notCreated"]["s2"]["type"], "forbiddenFrom")

    def test_3_vacation_replies_once(self):
        empty = self.call("VacationResponse/get", {})["list"][0]
        self.assertEqual((empty["id"], empty["isEnabled"]), ("singleton", False))
        done = self.call("VacationResponse/set", {"update": {"singleton": {
            "isEnabled": True, "subject": "Out of office", "textBody": "Back soon."}}})
        self.assertIn("singleton", done["updated"])
        got = self.call("VacationResponse/get", {"ids": ["singleton"]})["list"][0]
        self.assertEqual((got["isEnabled"], got["subject"]), (True, "Out of office"))

        before = len(self.relayed(0, timeout=0))
        for n in (1, 2):
            with smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=10) as s:
                s.sendmail("erin@remote.test", ["alice@example.test"],
                           ("From: erin@remote.test\r\nTo: alice@example.test\r\n"
                            "Subject: question %d\r\nMessage-ID: <q%d@remote.test>\r\n\r\n"
                            "Are you there?\r\n" % (n, n)).encode())
        with smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=10) as s:
            s.sendmail("list-bounces@lists.remote.test", ["alice@example.test"],
                       b"From: list@lists.remote.test\r\nTo: alice@example.test\r\n"
                       b"List-Id: <dev.lists.remote.test>\r\nSubject: digest\r\n\r\nnews\r\n")
        replies = self.relayed(before + 1)[before:]
        self.assertEqual(len(replies), 1)
        reply = replies[0]
        self.assertEqual(address(reply["mail_from"]), "")
        self.assertEqual([address(r) for r in reply["rcpt_to"]], ["erin@remote.test"])
        self.assertIn("Auto-Submitted: auto-replied", reply["data"])
        self.assertIn("In-Reply-To: <q1@remote.test>", reply["data"])
        self.assertIn("Subject: Out of office", reply["data"])
        # Every reply the three deliveries caused was queued before their 250 (the hook runs
        # in the delivery), so once the queue is empty the smarthost has all there will be.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            listed = subprocess.run([BINARY, "--config", self.daemon.config_path, "queue", "list"],
                                    capture_output=True, text=True, timeout=60).stdout
            if listed == "the queue is empty\n":
                break
            time.sleep(0.05)
        self.assertEqual(listed, "the queue is empty\n")
        self.assertEqual(len(self.relayed(0, timeout=0)), before + 1)

    def test_4_delivery_status_follows_the_queue(self):
        identity = self.call("Identity/get", {})["list"][0]["id"]
        imap = imaplib.IMAP4(self.imap_host, self.imap_port, timeout=10)
        self.addCleanup(imap.logout)
        self.assertEqual(imap.login("alice", "alice-secret")[0], "OK")
        self.assertEqual(imap.append("Drafts", None, None, DRAFT.replace(
            b"To: bob@remote.test\r\nCc: carol@remote.test\r\nBcc: dave@remote.test",
            b"To: ok@remote.test, reject-me@remote.test, once-more@remote.test").replace(
            b"Sent over JMAP", b"Followed in the queue"))[0], "OK")
        email_id = self.call("Email/query", {
            "filter": {"subject": "Followed in the queue"}})["ids"][0]
        before = self.call("EmailSubmission/get", {"ids": []})["state"]
        made = self.call("EmailSubmission/set", {
            "create": {"s": {"identityId": identity, "emailId": email_id}}})
        submission = made["created"]["s"]["id"]
        created = self.call("EmailSubmission/changes", {"sinceState": before})
        self.assertEqual((created["created"], created["updated"], created["destroyed"]),
                         ([submission], [], []))
        self.assertEqual(created["newState"],
                         self.call("EmailSubmission/get", {"ids": []})["state"])
        at_creation = made["newState"]

        # once-more is greylisted at the first attempt (451, retried after 1 s) and accepted at
        # the second; reject-me is refused for good (550) and bounced to Alice.
        got = self.delivered(submission)
        status = got["deliveryStatus"]
        self.assertEqual(status["ok@remote.test"]["delivered"], "yes")
        self.assertTrue(status["ok@remote.test"]["smtpReply"].startswith("250 2.0.0 Ok"), status)
        self.assertEqual(status["reject-me@remote.test"]["delivered"], "no")
        self.assertTrue(status["reject-me@remote.test"]["smtpReply"].startswith("550 5.1.1"),
                        status)
        self.assertEqual(status["once-more@remote.test"]["delivered"], "yes")
        bounce = self.call("Email/query", {"filter": {"inMailbox": self.mailbox("inbox"),
                                                      "from": "MAILER-DAEMON"}})
        self.assertGreaterEqual(len(bounce["ids"]), 1)

        # The queue's outcomes moved the submission on: EmailSubmission/changes lists it.
        changed = self.call("EmailSubmission/changes", {"sinceState": at_creation})
        self.assertEqual((changed["created"], changed["updated"], changed["destroyed"]),
                         ([], [submission], []))
        paged = self.call("EmailSubmission/changes", {"sinceState": before, "maxChanges": 1})
        self.assertEqual(paged["created"] + paged["updated"], [submission])
        now = self.call("EmailSubmission/get", {"ids": []})["state"]
        idle = self.call("EmailSubmission/changes", {"sinceState": now})
        self.assertEqual((idle["created"], idle["updated"], idle["newState"]), ([], [], now))
        gone = self.call("EmailSubmission/set", {"destroy": [submission]})
        self.assertEqual(gone["destroyed"], [submission])
        after = self.calls(("EmailSubmission/changes", {"sinceState": now}))[0]
        self.assertEqual((after[0], after[1]["type"]), ("error", "cannotCalculateChanges"))


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
