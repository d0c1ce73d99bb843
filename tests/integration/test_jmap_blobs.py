"""Integration: JMAP blobs against the real binary (RFC 8620 §6, RFC 8621 §4.8-4.9).

Starts `ringmail serve` with imap and http listeners on ephemeral loopback ports and two
accounts, then: uploads an RFC 5322 message with urllib (POST /jmap/upload/{accountId}/),
Email/imports it, FETCHes it over IMAP (imaplib) and reads it with Email/get, downloads it back
byte for byte, checks that the other account gets 404 / blobNotFound for the same blob id,
that an upload over maxSizeUpload is refused, and Email/parses the uploaded blob.

Usage: /usr/bin/python3 test_jmap_blobs.py PATH/TO/ringmail
"""
import base64
import imaplib
import json
import subprocess
import sys
import unittest
import urllib.error
import urllib.request

from daemon import METRICS_CONFIG, Daemon

BINARY = None
UPLOAD_MAX = 65536

CONFIG = METRICS_CONFIG + """
[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]

[listener.http]
protocol = "http"
bind = ["127.0.0.1:0"]

[http]
body-size-max = %d
""" % UPLOAD_MAX

MESSAGE = (b"From: Bob <bob@example.test>\r\nTo: alice@example.test\r\n"
           b"Subject: Uploaded then imported\r\nMessage-ID: <blob-it@example.test>\r\n"
           b"Date: Tue, 14 Nov 2023 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\nHello from an upload.\r\n")
MAIL = "urn:ietf:params:jmap:mail"
CORE = "urn:ietf:params:jmap:core"


class Client:
    def __init__(self, base, user, password):
        self.base = base
        self.auth = "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        self.session = self.request("GET", "/jmap/session")[1]
        self.account = self.session["primaryAccounts"][MAIL]

    def url(self, path):
        return path if path.startswith("http") else self.base + path

    def request(self, method, path, data=None, content_type="application/json", raw=False):
        request = urllib.request.Request(self.url(path), data=data, method=method, headers={
            "Authorization": self.auth, "Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                body = response.read()
                return response.status, body if raw else json.loads(body)
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def upload(self, data, content_type="message/rfc822"):
        url = self.session["uploadUrl"].replace("{accountId}", self.account)
        return self.request("POST", url, data, content_type)

    def call(self, name, arguments):
        arguments = dict(arguments, accountId=self.account)
        body = json.dumps({"using": [CORE, MAIL], "methodCalls": [[name, arguments, "c1"]]})
        status, answer = self.request("POST", self.session["apiUrl"], body.encode())
        assert status == 200, (status, answer)
        name, arguments, _ = answer["methodResponses"][0]
        return name, arguments


class JmapBlobsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(BINARY, CONFIG).wait_ready()
        cls.imap_host, cls.imap_port = cls.daemon.listeners["imap"]
        host, port = cls.daemon.listeners["http"]
        base = "http://%s:%s" % (host, port)
        commands = [(("domain", "add", "example.test"), "")]
        for user in ("alice", "bob"):
            commands.append((("account", "add", user, "--email", user + "@example.test",
                              "--password-stdin"), user + "-secret\n"))
        for args, stdin in commands:
            done = subprocess.run([BINARY, "--config", cls.daemon.config_path, *args],
                                  input=stdin, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
        cls.alice = Client(base, "alice", "alice-secret")
        cls.bob = Client(base, "bob", "bob-secret")

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.daemon.__exit__(None, None, None)

    def inbox(self, client):
        name, got = client.call("Mailbox/get", {"properties": ["role"]})
        self.assertEqual(name, "Mailbox/get", got)
        return [m["id"] for m in got["list"] if m["role"] == "inbox"][0]

    def test_upload_import_imap_download_parse(self):
        status, uploaded = self.alice.upload(MESSAGE)
        self.assertEqual(status, 201, uploaded)
        self.assertEqual(uploaded["accountId"], self.alice.account)
        self.assertEqual(uploaded["size"], len(MESSAGE))
        self.assertEqual(uploaded["type"], "message/rfc822")
        blob = uploaded["blobId"]

        # Email/parse reads the upload before anything is stored.
        name, parsed = self.alice.call("Email/parse", {"blobIds": [blob]})
        self.assertEqual(name, "Email/parse", parsed)
        self.assertEqual(parsed["parsed"][blob]["subject"], "Uploaded then imported")
        self.assertEqual(parsed["parsed"][blob]["from"],
                         [{"name": "Bob", "email": "bob@example.test"}])

        name, imported = self.alice.call("Email/import", {"emails": {"i1": {
            "blobId": blob, "mailboxIds": {self.inbox(self.alice): True},
            "keywords": {"$flagged": True}, "receivedAt": "2024-05-06T07:08:09Z"}}})
        self.assertEqual(name, "Email/import", imported)
        created = imported["created"]["i1"]
        self.assertEqual(created["blobId"], blob)
        self.assertEqual(created["size"], len(MESSAGE))
        self.assertNotEqual(imported["oldState"], imported["newState"])

        # Email/get and IMAP both see the stored message.
        name, got = self.alice.call("Email/get", {"ids": [created["id"]], "properties": [
            "subject", "keywords", "receivedAt", "threadId"]})
        self.assertEqual(got["list"][0]["subject"], "Uploaded then imported")
        self.assertEqual(got["list"][0]["keywords"], {"$flagged": True})
        self.assertEqual(got["list"][0]["receivedAt"], "2024-05-06T07:08:09Z")
        self.assertEqual(got["list"][0]["threadId"], created["threadId"])
        imap = imaplib.IMAP4(self.imap_host, self.imap_port, timeout=10)
        self.addCleanup(imap.logout)
        self.assertEqual(imap.login("alice", "alice-secret")[0], "OK")
        imap.select("INBOX")
        typ, data = imap.uid("SEARCH", None, "HEADER", "Message-ID", "blob-it@example.test")
        self.assertEqual(typ, "OK")
        uid = data[0].split()[-1]
        typ, data = imap.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
        self.assertEqual(typ, "OK", data)
        self.assertIn(b"\\Flagged", data[0][0])
        self.assertEqual(data[0][1], MESSAGE)

        # Download gives the bytes back; another account gets 404 and blobNotFound.
        download = self.alice.session["downloadUrl"]
        url = (download.replace("{accountId}", self.alice.account).replace("{blobId}", blob)
               .replace("{name}", "m.eml").replace("{type}", "message/rfc822"))
        status, body = self.alice.request("GET", url, raw=True)
        self.assertEqual(status, 200)
        self.assertEqual(body, MESSAGE)
        bob_url = (download.replace("{accountId}", self.bob.account).replace("{blobId}", blob)
                   .replace("{name}", "m.eml").replace("{type}", "message/rfc822"))
        status, _ = self.bob.request("GET", bob_url, raw=True)
        self.assertEqual(status, 404)
        name, answer = self.bob.call("Email/import", {"emails": {"i1": {
            "blobId": blob, "mailboxIds": {self.inbox(self.bob): True}}}})
        self.assertEqual(answer["notCreated"]["i1"]["type"], "blobNotFound", answer)
        name, answer = self.bob.call("Email/parse", {"blobIds": [blob]})
        self.assertEqual(answer["notFound"], [blob], answer)
        # Nor may Bob upload into Alice's account.
        url = self.bob.session["uploadUrl"].replace("{accountId}", self.alice.account)
        status, _ = self.bob.request("POST", url, MESSAGE, "message/rfc822")
        self.assertEqual(status, 404)

    def test_upload_limits(self):
        core = self.alice.session["capabilities"][CORE]
        self.assertEqual(core["maxSizeUpload"], UPLOAD_MAX)
        status, _ = self.alice.upload(b"x" * (UPLOAD_MAX + 1), "application/octet-stream")
        self.assertEqual(status, 413)
        status, uploaded = self.alice.upload(b"y" * UPLOAD_MAX, "application/octet-stream")
        self.assertEqual(status, 201, uploaded)
        self.assertEqual(uploaded["size"], UPLOAD_MAX)
        self.assertEqual(uploaded["type"], "application/octet-stream")


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
