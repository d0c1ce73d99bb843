"""Integration: mbsync (isync) syncing a real ringmail server with a local Maildir.

Starts `ringmail serve` with an imap listener on an ephemeral loopback port, creates an
account with the CLI, loads a 1,000-message INBOX over one connection (MULTIAPPEND with
LITERAL+, 100 messages per command, each with its own INTERNALDATE), then runs the real
`mbsync` binary (plain text on 127.0.0.1, AUTHENTICATE PLAIN, CopyArrivalDate) and checks:
the full sync is complete and byte-identical (Maildir stores LF line ends; mbsync adds an
X-TUID header, stripped before comparing) with arrival dates kept; a re-sync with no changes
changes nothing on either side; changes travel both ways (up: a local flag, a local message,
a local deletion, a local mailbox; down: a server flag, a server expunge, a server message,
a server mailbox, Patterns *); a last re-sync again changes nothing.

MBSYNC_FLAGS (default -V) and MBSYNC_LOG (a file each run's output is appended to) help
debugging, e.g. MBSYNC_FLAGS=-Dn logs the IMAP conversation.

Usage: /usr/bin/python3 test_mbsync.py PATH/TO/ringmail
"""
import email.message
import email.policy
import email.utils
import imaplib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from daemon import METRICS_CONFIG, Daemon

BINARY = None
MESSAGES = 1000

CONFIG = METRICS_CONFIG + """
[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]
"""

MBSYNCRC = """
IMAPAccount ringmail
Host {host}
Port {port}
User alice
Pass alice-secret
SSLType None
AuthMechs PLAIN

IMAPStore far
Account ringmail

MaildirStore near
Path {root}/mail/
Inbox {root}/mail/INBOX
SubFolders Verbatim

Channel sync
Far :far:
Near :near:
Patterns *
Create Both
Expunge Both
SyncState *
Sync All
CopyArrivalDate yes
"""


def arrival(i):
    """The INTERNALDATE message `i` is loaded with (seconds since the epoch)."""
    return 1_700_000_000 + i * 3600


def make_message(i):
    """Returns message `i` as CRLF bytes; sizes, structures and headers vary with i."""
    msg = email.message.EmailMessage(policy=email.policy.SMTP)
    msg["From"] = f"Sender {i % 17} <sender{i % 17}@example.test>"
    msg["To"] = "alice@example.test"
    msg["Subject"] = ("Grüße " if i % 5 == 0 else "") + f"message {i}"
    msg["Message-ID"] = f"<m{i}@example.test>"
    msg["Date"] = email.utils.formatdate(1_700_000_000 + i * 3600)
    body = "".join(f"line {n} of message {i}\n" for n in range(1 + (i * 7) % 60))
    if i % 3 == 0:
        msg.set_content(body + "é\n", charset="utf-8", cte="quoted-printable")
    else:
        msg.set_content(body)
    if i % 4 == 0:
        msg.add_attachment(bytes(range(256)) * (1 + i % 8), maintype="application",
                           subtype="octet-stream", filename=f"blob{i}.bin")
    return msg.as_bytes()


class Wire:
    """A raw IMAP connection for fast pipelined loading."""

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=20)
        self.file = self.sock.makefile("rb")
        self.file.readline()  # greeting
        self.tag = 0

    def send(self, data):
        self.sock.sendall(data)

    def next_tag(self):
        self.tag += 1
        return b"L%d" % self.tag

    def wait_tagged(self, tag):
        while True:
            line = self.file.readline()
            if not line:
                raise AssertionError("connection closed")
            if line.startswith(tag + b" "):
                return line

    def close(self):
        self.sock.close()


def load_inbox(host, port, messages, mailbox=b"INBOX", batch=100):
    """APPENDs `messages` in order, `batch` per MULTIAPPEND command (LITERAL+)."""
    wire = Wire(host, port)
    tag = wire.next_tag()
    wire.send(tag + b" LOGIN alice alice-secret\r\n")
    assert b" OK " in wire.wait_tagged(tag)
    for start in range(0, len(messages), batch):
        tags, out = [], []
        tag = wire.next_tag()
        tags.append(tag)
        out.append(tag + b" APPEND " + mailbox)
        for i in range(start, min(start + batch, len(messages))):
            date = imaplib.Time2Internaldate(arrival(i)).encode()
            out.append(b" (\\Seen) %s {%d+}\r\n" % (date, len(messages[i])) + messages[i])
        wire.send(b"".join(out) + b"\r\n")
        for tag in tags:
            line = wire.wait_tagged(tag)
            assert b" OK " in line, line
    wire.close()


def strip_tuid(data):
    """Drops the X-TUID header mbsync (1.4) writes into every message it copies."""
    return re.sub(rb"^X-TUID: [^\r\n]*\r?\n", b"", data, count=1, flags=re.M)


def maildir_snapshot(root):
    """Maps every file under root (but mbsync's state files) to (bytes, mtime_ns)."""
    snap = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                snap[os.path.relpath(path, root)] = (f.read(), os.stat(path).st_mtime_ns)
    return snap


def maildir_messages(folder):
    """Maps Message-ID to (path, bytes, maildir flags) for a Maildir folder."""
    out = {}
    for sub in ("cur", "new"):
        d = os.path.join(folder, sub)
        for name in os.listdir(d):
            path = os.path.join(d, name)
            with open(path, "rb") as f:
                data = strip_tuid(f.read())
            m = re.search(rb"^Message-ID: (<[^>]+>)", data, re.M | re.I)
            flags = name.split(":2,", 1)[1] if ":2," in name else ""
            out[m.group(1).decode() if m else name] = (path, data, flags)
    return out


class MbsyncTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(BINARY, CONFIG).wait_ready()
        cls.host, cls.port = cls.daemon.listeners["imap"]
        for args, stdin in [(("domain", "add", "example.test"), ""),
                            (("account", "add", "alice", "--email", "alice@example.test",
                              "--password-stdin"), "alice-secret\n")]:
            done = subprocess.run([BINARY, "--config", cls.daemon.config_path, *args],
                                  input=stdin, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
        cls.tmp = tempfile.TemporaryDirectory(prefix="ringmail-mbsync-")
        cls.root = cls.tmp.name
        cls.rc = os.path.join(cls.root, "mbsyncrc")
        with open(cls.rc, "w") as f:
            f.write(MBSYNCRC.format(host=cls.host, port=cls.port, root=cls.root))
        os.makedirs(os.path.join(cls.root, "mail"))

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.daemon.__exit__(None, None, None)
        cls.tmp.cleanup()

    def mbsync(self):
        started = time.monotonic()
        done = subprocess.run(["mbsync", "-c", self.rc, *os.environ.get("MBSYNC_FLAGS", "-V").split(), "-a"], capture_output=True,
                              text=True, timeout=60)
        elapsed = time.monotonic() - started
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        if os.environ.get("MBSYNC_LOG"):
            with open(os.environ["MBSYNC_LOG"], "a") as f:
                f.write(done.stdout + done.stderr)
        return done.stdout + done.stderr, elapsed

    def imap(self):
        imap = imaplib.IMAP4(self.host, self.port, timeout=20)
        imap.login("alice", "alice-secret")
        self.addCleanup(imap.logout)
        return imap

    def server_messages(self, imap, mailbox="INBOX"):
        """Maps Message-ID to (uid, flags, bytes) for every message of `mailbox`."""
        typ, _ = imap.select(mailbox)
        self.assertEqual(typ, "OK")
        typ, data = imap.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")
        self.assertEqual(typ, "OK")
        out = {}
        for item in data:
            if not isinstance(item, tuple):
                continue
            head = item[0].decode()
            uid = int(re.search(r"UID (\d+)", head).group(1))
            flags = re.search(r"FLAGS \(([^)]*)\)", head).group(1).split()
            m = re.search(rb"^Message-ID: (<[^>]+>)", item[1], re.M | re.I)
            out[m.group(1).decode()] = (uid, set(flags), strip_tuid(item[1]))
        return out

    def test_sync(self):
        messages = [make_message(i) for i in range(MESSAGES)]
        started = time.monotonic()
        load_inbox(self.host, self.port, messages)
        load_time = time.monotonic() - started
        inbox = os.path.join(self.root, "mail", "INBOX")

        # (1) Full sync: every message, byte-identical but for CRLF -> LF.
        out, full_time = self.mbsync()
        near = maildir_messages(inbox)
        self.assertEqual(len(near), MESSAGES, out)
        for i, body in enumerate(messages):
            path, data, flags = near[f"<m{i}@example.test>"]
            self.assertEqual(data, body.replace(b"\r\n", b"\n"), path)
            self.assertEqual(flags, "S", path)
            self.assertEqual(os.stat(path).st_mtime, arrival(i), path)  # CopyArrivalDate

        # (2) Re-sync without changes: nothing moves, the Maildir and the server stay as they are.
        imap = self.imap()
        modseq_before = imap.status("INBOX", "(MESSAGES UIDNEXT HIGHESTMODSEQ)")[1]
        before = maildir_snapshot(os.path.join(self.root, "mail"))
        out, resync_time = self.mbsync()
        self.assertEqual(before, maildir_snapshot(os.path.join(self.root, "mail")))
        self.assertEqual(modseq_before, imap.status("INBOX", "(MESSAGES UIDNEXT HIGHESTMODSEQ)")[1])
        self.assertNotRegex(out, r"(?i)error|warning", out)

        # (3) Changes both ways: up a local flag, a local message, a local expunge and a local
        # mailbox; down a server flag, a server expunge, a server message.
        path, _, _ = near["<m10@example.test>"]
        os.rename(path, path[:path.rindex(":2,")] + ":2,FS")  # flag locally
        local = make_message(5000)
        with open(os.path.join(inbox, "new", "1700000000.local.host"), "wb") as f:
            f.write(local.replace(b"\r\n", b"\n"))
        os.utime(f.name, (arrival(5000), arrival(5000)))
        os.unlink(near["<m40@example.test>"][0])  # expunge locally
        local_box = os.path.join(self.root, "mail", "Local")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(local_box, sub))
        with open(os.path.join(local_box, "new", "1700000001.local.host"), "wb") as f:
            f.write(make_message(8000).replace(b"\r\n", b"\n"))
        server = self.server_messages(imap)
        imap.uid("STORE", str(server["<m20@example.test>"][0]), "-FLAGS", "(\\Seen)")
        imap.uid("STORE", str(server["<m30@example.test>"][0]), "+FLAGS", "(\\Deleted)")
        self.assertEqual(imap.expunge()[0], "OK")
        fresh = make_message(6000)
        self.assertEqual(imap.append("INBOX", "", None, fresh)[0], "OK")
        # (4) A mailbox created on the server.
        self.assertEqual(imap.create("Projects")[0], "OK")
        projects = [make_message(7000 + i) for i in range(5)]
        for body in projects:
            self.assertEqual(imap.append("Projects", "", None, body)[0], "OK")

        out, change_time = self.mbsync()
        server = self.server_messages(imap)
        self.assertIn("\\Flagged", server["<m10@example.test>"][1])
        self.assertIn("<m5000@example.test>", server)
        self.assertEqual(server["<m5000@example.test>"][2], local)
        typ, data = imap.uid("FETCH", str(server["<m5000@example.test>"][0]), "INTERNALDATE")
        self.assertEqual(imaplib.Internaldate2tuple(data[0]), time.localtime(arrival(5000)))
        self.assertNotIn("<m40@example.test>", server)
        self.assertEqual(len(server), MESSAGES)
        self.assertEqual(list(self.server_messages(imap, "Local")), ["<m8000@example.test>"])
        near = maildir_messages(inbox)
        self.assertEqual(near["<m20@example.test>"][2], "")
        self.assertNotIn("<m30@example.test>", near)
        self.assertEqual(near["<m6000@example.test>"][1], fresh.replace(b"\r\n", b"\n"))
        self.assertEqual(len(near), MESSAGES)
        near_projects = maildir_messages(os.path.join(self.root, "mail", "Projects"))
        self.assertEqual(sorted(v[1] for v in near_projects.values()),
                         sorted(b.replace(b"\r\n", b"\n") for b in projects))

        # And once more: both sides agree, nothing moves.
        snapshot = maildir_snapshot(os.path.join(self.root, "mail"))
        status = imap.status("INBOX", "(MESSAGES UIDNEXT HIGHESTMODSEQ)")[1]
        out, _ = self.mbsync()
        self.assertEqual(snapshot, maildir_snapshot(os.path.join(self.root, "mail")))
        self.assertEqual(status, imap.status("INBOX", "(MESSAGES UIDNEXT HIGHESTMODSEQ)")[1])
        print(f"\nload {MESSAGES}: {load_time:.2f}s, full sync {full_time:.2f}s, "
              f"no-op re-sync {resync_time:.2f}s, sync of changes {change_time:.2f}s",
              file=sys.stderr)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    if shutil.which("mbsync") is None:
        sys.exit("mbsync missing: scripts/deps test installs isync")
    unittest.main()
