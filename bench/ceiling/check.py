#!/usr/bin/python3
"""bench/ceiling/check.py BUILD_DIR — checks the ceilings' framing with standard clients
(Python's imaplib and smtplib), so a ceiling that answers the benchmark wrongly fails here
instead of skewing a figure. Starts `bench_ceiling --protocol imap` on a generated corpus and
`--protocol smtp`, drives the mix's commands through them, and exits 1 on the first answer
that is not what a correct server would send. Run under /usr/bin/python3; stdlib only."""
import imaplib
import os
import re
import signal
import smtplib
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def start(binary, *args):
    proc = subprocess.Popen([binary, "--port", "0", "--cores", "0", *args],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("ready port="):
        raise SystemExit(f"{args}: no ready line ({line!r})")
    return proc, int(line.split("=")[1])


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    out = proc.stdout.read()
    proc.wait(10)
    return dict(kv.split("=", 1) for kv in out.split() if "=" in kv)


def expect(condition, what):
    if not condition:
        raise SystemExit(f"FAIL: {what}")


def check_imap(binary, corpus):
    proc, port = start(binary, "--protocol", "imap", "--corpus", corpus)
    try:
        imap_session(port, [os.path.getsize(os.path.join(corpus, n))
                            for n in sorted(os.listdir(corpus))])
    finally:
        stats = stop(proc)
    expect(stats.get("mode") == "ceiling-imap" and int(stats["requests"]) >= 12,
           f"counters {stats}")


def imap_session(port, sizes):
    imap = imaplib.IMAP4("127.0.0.1", port)
    expect(imap.login("anyone", "anything")[0] == "OK", "LOGIN")
    typ, data = imap.select("INBOX")
    expect(typ == "OK" and int(data[0]) == len(sizes), f"SELECT EXISTS {data}")
    typ, data = imap.fetch("1:*", "(FLAGS)")
    expect(typ == "OK" and len(data) == len(sizes), "FETCH 1:* (FLAGS): one line a message")
    typ, data = imap.fetch("3:5", "(ENVELOPE)")
    flat = b"".join(b"".join(d) if isinstance(d, tuple) else d for d in data)
    expect(typ == "OK" and flat.count(b"(ENVELOPE (") == 3 and b'"Bench User" NIL "bench"' in flat,
           "FETCH ENVELOPE: three envelopes with their addresses")
    typ, data = imap.fetch("7", "(BODY.PEEK[])")
    expect(typ == "OK" and len(data[0][1]) == sizes[6], "FETCH BODY.PEEK[]: the message's bytes")
    typ, data = imap.store("2", "+FLAGS", "(\\Seen)")
    expect(typ == "OK" and b"FLAGS" in data[0], "STORE")
    typ, data = imap.append("INBOX", "(\\Seen)", None, b"Subject: x\r\n\r\nbody\r\n")
    uid = re.search(rb"APPENDUID 1 (\d+)", data[0])
    expect(typ == "OK" and uid and int(uid[1]) == len(sizes) + 1, f"APPEND {data}")
    typ, _ = imap.uid("STORE", uid[1].decode(), "+FLAGS", "(\\Deleted)")
    expect(typ == "OK", "UID STORE")
    typ, data = imap.expunge()
    expect(typ == "OK" and data == [str(len(sizes) + 1).encode()], f"EXPUNGE {data}")
    expect(imap.status("INBOX", "(MESSAGES UNSEEN UIDNEXT)")[0] == "OK", "STATUS")
    expect(imap.list()[0] == "OK", "LIST")
    expect(imap.logout()[0] == "BYE", "LOGOUT")


def check_smtp(binary):
    proc, port = start(binary, "--protocol", "smtp")
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            expect(smtp.ehlo()[0] == 250 and smtp.has_extn("pipelining"), "EHLO")
            for body in ("short\r\n", ".leading dot\r\nand more\r\n" * 3000, ""):
                refused = smtp.sendmail("a@b.test", ["c@d.test"], "Subject: t\r\n\r\n" + body)
                expect(refused == {}, "sendmail")
            expect(smtp.noop()[0] == 250, "NOOP after DATA: the terminator was found")
    finally:
        stats = stop(proc)
    expect(stats.get("mode") == "ceiling-smtp" and stats["requests"] == "3",
           f"three messages counted {stats}")


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    binary = os.path.join(build, "bench", "bench_ceiling")
    with tempfile.TemporaryDirectory() as corpus:
        subprocess.run([sys.executable, os.path.join(HERE, "..", "imap", "corpus.py"),
                        "generate", corpus, "30"], check=True, stdout=subprocess.DEVNULL)
        check_imap(binary, corpus)
    check_smtp(binary)
    print("ceilings: ok")


if __name__ == "__main__":
    main()
