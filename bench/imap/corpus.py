"""The IMAP benchmark's mailbox contents (bench/README.md), generated the same for every
server, and their upload by APPEND.

  corpus.py generate DIR COUNT [--seed S] [--small]
      COUNT messages as DIR/NNNNNN.eml, deterministic for a seed. The size mix: 85 % text
      mail of 2-20 KB (a third of them multipart/alternative with an HTML part), 12 % of
      100-500 KB with a base64 attachment, 3 % of 1-5 MB with one. --small: only the first
      kind (the memory probe's mailbox, where bodies do not matter).
  corpus.py append HOST:PORT PASSWORD DIR USER... [--connections K]
      APPENDs every message of DIR to each USER's INBOX (imaplib, K connections per user
      (default 1), each with its share of the messages, all in parallel), two thirds of them
      with \\Seen; prints messages and MB per second.

Run under /usr/bin/python3 (Debian's); stdlib only."""
import base64
import imaplib
import os
import random
import sys
import threading
import time

WORDS = ("mail server meeting report budget quarter review schedule please attached "
         "thanks regards project update question answer tomorrow monday invoice draft "
         "release build test deploy customer support ticket résumé naïve café").split()


def text_block(rng, size):
    lines = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 13)))
        lines.append(line)
        total += len(line) + 2
    return "\r\n".join(lines) + "\r\n"


def headers(rng, n, subject, content_type):
    who = rng.randint(0, 999)
    return (f"From: Sender {who} <sender{who}@corpus.bench.test>\r\n"
            f"To: Bench User <bench@example.test>\r\n"
            f"Cc: team{rng.randint(0, 9)}@corpus.bench.test\r\n"
            f"Subject: {subject} {n}\r\n"
            f"Date: Sun, {1 + n % 28:02d} Nov 2026 {n % 24:02d}:{n % 60:02d}:00 +0000\r\n"
            f"Message-ID: <{n}.{rng.randint(0, 1 << 30)}@corpus.bench.test>\r\n"
            f"MIME-Version: 1.0\r\n{content_type}\r\n")


def message(rng, n, small):
    kind = rng.random()
    subject = " ".join(rng.choice(WORDS) for _ in range(4))
    if small or kind < 0.85:
        size = rng.randint(2000, 20000)
        if rng.random() < 1 / 3:
            text = text_block(rng, size // 2)
            html = "<html><body><p>" + text_block(rng, size // 2) + "</p></body></html>\r\n"
            body = ("--alt\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    "Content-Transfer-Encoding: 8bit\r\n\r\n" + text +
                    "--alt\r\nContent-Type: text/html; charset=utf-8\r\n"
                    "Content-Transfer-Encoding: 8bit\r\n\r\n" + html + "--alt--\r\n")
            ctype = 'Content-Type: multipart/alternative; boundary="alt"'
        else:
            body = text_block(rng, size - 400)
            ctype = ("Content-Type: text/plain; charset=utf-8\r\n"
                     "Content-Transfer-Encoding: 8bit")
        return (headers(rng, n, subject, ctype) + "\r\n" + body).encode()
    size = rng.randint(100_000, 500_000) if kind < 0.97 else rng.randint(1_000_000, 5_000_000)
    blob = rng.randbytes(size * 3 // 4)
    encoded = base64.encodebytes(blob).decode().replace("\n", "\r\n")
    body = ("--mix\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
            text_block(rng, 1500) +
            f"--mix\r\nContent-Type: application/pdf; name=\"report-{n}.pdf\"\r\n"
            f"Content-Disposition: attachment; filename=\"report-{n}.pdf\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" + encoded + "--mix--\r\n")
    ctype = 'Content-Type: multipart/mixed; boundary="mix"'
    return (headers(rng, n, subject, ctype) + "\r\n" + body).encode()


def generate(directory, count, seed, small):
    os.makedirs(directory, exist_ok=True)
    rng = random.Random(seed)
    total = 0
    for n in range(count):
        data = message(rng, n, small)
        total += len(data)
        with open(os.path.join(directory, f"{n:06d}.eml"), "wb") as f:
            f.write(data)
    print(f"generated {count} messages, {total / 1e6:.1f} MB, in {directory}")


def append_all(address, password, directory, users, connections=1):
    host, port = address.rsplit(":", 1)
    files = sorted(os.listdir(directory))
    messages = []
    for name in files:
        with open(os.path.join(directory, name), "rb") as f:
            messages.append(f.read())
    errors = []

    def one_user(user, share):
        try:
            imap = imaplib.IMAP4(host, int(port))
            imap.login(user, password)
            for i, data in enumerate(messages):
                if i % connections != share:
                    continue
                flags = "(\\Seen)" if i % 3 else None
                typ, resp = imap.append("INBOX", flags, None, data)
                if typ != "OK":
                    raise RuntimeError(f"APPEND: {typ} {resp}")
            imap.logout()
        except Exception as e:  # reported below; the run stops
            errors.append(f"{user}: {e}")

    start = time.monotonic()
    threads = [threading.Thread(target=one_user, args=(u, k))
               for u in users for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - start
    if errors:
        print("append failed: " + "; ".join(errors[:3]), file=sys.stderr)
        sys.exit(1)
    count = len(messages) * len(users)
    size = sum(len(m) for m in messages) * len(users)
    print(f"appended {count} messages ({size / 1e6:.1f} MB) to {len(users)} users in "
          f"{wall:.1f} s: {count / wall:.0f} msg/s, {size / 1e6 / wall:.1f} MB/s")


def main(argv):
    if len(argv) >= 4 and argv[1] == "generate":
        seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 1
        generate(argv[2], int(argv[3]), seed, "--small" in argv)
    elif len(argv) >= 6 and argv[1] == "append":
        connections = 1
        if "--connections" in argv:
            k = argv.index("--connections")
            connections = int(argv[k + 1])
            argv = argv[:k] + argv[k + 2:]
        append_all(argv[2], argv[3], argv[4], argv[5:], connections)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
