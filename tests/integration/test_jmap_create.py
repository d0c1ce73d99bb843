"""Integration: JMAP Email/set create and SearchSnippet/get against the real binary.

Starts `ringmail serve` with imap and http listeners on ephemeral loopback ports, adds an
account with the CLI, APPENDs a message with an attachment over IMAP, then creates a draft over
JMAP with a text body, an HTML body and that attachment (by its part blobId), fetches the draft
over IMAP (BODYSTRUCTURE, headers, the whole message) and checks Python's `email` package reads
the same subject, addresses, bodies and attachment; finally Email/query with a text filter and
SearchSnippet/get mark the match.

Usage: /usr/bin/python3 test_jmap_create.py PATH/TO/ringmail
"""
import base64
import email
import email.policy
import sys
import unittest

import test_jmap_email as base

CORE, MAIL = base.CORE, base.MAIL

ATTACHMENT = bytes(range(256)) * 4
SOURCE = (b"From: Carol <carol@example.test>\r\nTo: alice@example.test\r\n"
          b"Subject: the file\r\nMIME-Version: 1.0\r\n"
          b"Content-Type: multipart/mixed; boundary=xx\r\n\r\n"
          b"--xx\r\nContent-Type: text/plain\r\n\r\nattached\r\n"
          b"--xx\r\nContent-Type: application/octet-stream; name=data.bin\r\n"
          b"Content-Disposition: attachment; filename=data.bin\r\n"
          b"Content-Transfer-Encoding: base64\r\n\r\n" +
          base64.encodebytes(ATTACHMENT).replace(b"\n", b"\r\n") + b"--xx--\r\n")
TEXT = "Hallo Bob,\nwie geht's? Grüße aus Köln.\n" + "lang " * 300 + "\nEnde"
HTML = "<p>Hallo Bob, <b>Grüße</b> aus Köln.</p>"


class JmapCreateTest(base.JmapEmailTest):
    """The daemon, account and helpers of test_jmap_email.py, without its tests."""

    def calls(self, *calls):
        """Runs method calls [name, arguments] in one request; returns their responses."""
        method_calls = [[name, dict(arguments, accountId=self.account), "c%d" % i]
                        for i, (name, arguments) in enumerate(calls)]
        answer = self.http("POST", self.api, {"using": [CORE, MAIL], "methodCalls": method_calls})
        return answer["methodResponses"]

    def test_create_draft_read_over_imap_then_snippets(self):
        self.assertEqual(self.imap().append("INBOX", None, None, SOURCE)[0], "OK")
        source = self.call("Email/query", {"filter": {"subject": "the file"}})["ids"][0]
        attachment = self.call("Email/get", {"ids": [source], "properties": ["attachments"]})[
            "list"][0]["attachments"][0]
        boxes = self.call("Mailbox/get", {"properties": ["name", "role"]})["list"]
        drafts = [b["id"] for b in boxes if b["role"] == "drafts"][0]

        # Create and read it back in one request, naming the creation "#d".
        responses = self.calls(
            ("Email/set", {"create": {"d": {
                "mailboxIds": {drafts: True}, "keywords": {"$draft": True},
                "from": [{"name": "Älice Ä.", "email": "alice@example.test"}],
                "to": [{"name": "Bob, Jr.", "email": "bob@example.test"}],
                "cc": [{"email": "carol@example.test"}],
                "subject": "Entwurf: Grüße aus Köln",
                "textBody": [{"partId": "t"}],
                "htmlBody": [{"partId": "h", "type": "text/html"}],
                "attachments": [{"blobId": attachment["blobId"], "type": "application/pdf",
                                 "name": "Bericht ü.pdf"}],
                "bodyValues": {"t": {"value": TEXT}, "h": {"value": HTML}}}}}),
            ("Email/get", {"ids": ["#d"], "properties": ["subject", "keywords", "size"]}))
        created = responses[0][1]["created"]["d"]
        self.assertEqual(sorted(created), ["blobId", "id", "size", "threadId"])
        got = responses[1][1]["list"][0]
        self.assertEqual(got["subject"], "Entwurf: Grüße aus Köln")
        self.assertEqual(got["keywords"], {"$draft": True})
        self.assertEqual(got["size"], created["size"])

        imap = self.imap()
        self.assertEqual(imap.select("Drafts")[0], "OK")
        status, data = imap.fetch("1", "(FLAGS BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (SUBJECT)] "
                                       "BODY.PEEK[])")
        self.assertEqual(status, "OK")
        meta = data[0][0].decode()
        self.assertIn("\\Draft", meta)
        structure = meta.upper()
        self.assertIn('"ALTERNATIVE"', structure)
        self.assertIn('"MIXED"', structure)
        self.assertIn('"QUOTED-PRINTABLE"', structure)
        self.assertIn('"BASE64"', structure)
        raw = data[1][1]
        for line in raw.split(b"\r\n"):
            self.assertLessEqual(len(line), 998)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(message["Subject"], "Entwurf: Grüße aus Köln")
        self.assertEqual(message["From"].addresses[0].display_name, "Älice Ä.")
        self.assertEqual(message["From"].addresses[0].addr_spec, "alice@example.test")
        self.assertEqual(message["To"].addresses[0].display_name, "Bob, Jr.")
        self.assertEqual(message["Cc"].addresses[0].addr_spec, "carol@example.test")
        self.assertIsNotNone(message["Date"].datetime)
        self.assertIn("@", message["Message-ID"])
        self.assertEqual(message.get_content_type(), "multipart/mixed")
        text = message.get_body(("plain",)).get_content()
        self.assertEqual(text.replace("\r\n", "\n"), TEXT)
        self.assertEqual(message.get_body(("html",)).get_content(), HTML)
        files = list(message.iter_attachments())
        self.assertEqual(len(files), 1)
        self.assertEqual(files[0].get_filename(), "Bericht ü.pdf")
        self.assertEqual(files[0].get_content_type(), "application/pdf")
        self.assertEqual(files[0].get_content(), ATTACHMENT)

        # Refusals come back per creation.
        refused = self.call("Email/set", {"create": {
            "a": {"mailboxIds": {drafts: True}, "attachments": [{"blobId": "Bnothing"}]},
            "b": {"mailboxIds": {drafts: True}, "header:Content-Type": " text/plain"}}})
        self.assertEqual(refused["notCreated"]["a"]["type"], "blobNotFound")
        self.assertEqual(refused["notCreated"]["b"]["properties"], ["header:Content-Type"])

        # Email/query with a text filter, then SearchSnippet/get marks the match.
        responses = self.calls(
            ("Email/query", {"filter": {"text": "köln"}}),
            ("SearchSnippet/get", {"filter": {"text": "köln"},
                                   "#emailIds": {"resultOf": "c0", "name": "Email/query",
                                                 "path": "/ids"}}))
        self.assertEqual(responses[0][1]["ids"], [created["id"]])
        snippet = responses[1][1]["list"][0]
        self.assertEqual(snippet["emailId"], created["id"])
        self.assertEqual(snippet["subject"], "Entwurf: Grüße aus <mark>Köln</mark>")
        self.assertIn("<mark>Köln</mark>", snippet["preview"])
        self.assertLessEqual(len(snippet["preview"].encode()), 255)


for _name in dir(base.JmapEmailTest):  # they run in their own file
    if _name.startswith("test"):
        setattr(JmapCreateTest, _name, None)

if __name__ == "__main__":
    base.BINARY = sys.argv.pop(1)
    unittest.main()
