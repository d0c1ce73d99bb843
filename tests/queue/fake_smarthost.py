#!/usr/bin/python3
"""A scripted SMTP server standing in for the smarthost in the queue's tests.

Usage: fake_smarthost.py OUTDIR [--user U --password P] [--hang] [--no-dsn]

With --no-dsn its EHLO reply does not offer DSN.

With --hang it accepts connections, creates OUTDIR/connected, and never answers.

Prints "smarthost port=N" once it accepts connections on 127.0.0.1 (an ephemeral port).
Recipients decide their own fate by their local part:
  reject*   RCPT answered 550 5.1.1
  temp*     RCPT answered 451 4.2.0 (every time)
  once*     RCPT answered 451 4.2.0 the first time that address is seen, 250 after
  anything else 250
Each accepted message is written to OUTDIR/N.json: {"mail_from", "rcpt_to", "ehlo", "auth",
"data"} (data un-dot-stuffed, as text with CRLF line ends). Standard library only.
"""
import asyncio
import base64
import json
import os
import sys

seen_once = set()
NO_DSN = "--no-dsn" in sys.argv
counter = [0]


async def hang(reader, writer, outdir):
    open(os.path.join(outdir, "connected"), "w").close()
    await reader.read()  # until the client goes away
    writer.close()


async def handle(reader, writer, outdir, user, password):
    def send(line):
        writer.write((line + "\r\n").encode())

    send("220 fake.smarthost ESMTP")
    state = {"mail_from": None, "rcpt_to": [], "ehlo": None, "auth": None}
    try:
        while True:
            raw = await reader.readline()
            if not raw:
                break
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                state["ehlo"] = line
                send("250-fake.smarthost")
                send("250-SIZE 10000000")
                send("250-8BITMIME")
                send("250-SMTPUTF8")
                if not NO_DSN:
                    send("250-DSN")
                if user:
                    send("250-AUTH PLAIN")
                send("250 ENHANCEDSTATUSCODES")
            elif verb == "AUTH":
                parts = line.split(" ")
                decoded = base64.b64decode(parts[2]).split(b"\0") if len(parts) == 3 else []
                if user and decoded[1:] == [user.encode(), password.encode()]:
                    state["auth"] = user
                    send("235 2.7.0 Authentication successful")
                else:
                    send("535 5.7.8 Authentication credentials invalid")
            elif verb == "MAIL":
                if user and not state["auth"]:
                    send("530 5.7.0 Authentication required")
                    continue
                state["mail_from"] = line[len("MAIL FROM:"):]
                state["rcpt_to"] = []
                send("250 2.1.0 Ok")
            elif verb == "RCPT":
                arg = line[len("RCPT TO:"):]
                address = arg[arg.find("<") + 1:arg.find(">")]
                local = address.split("@")[0]
                if local.startswith("reject"):
                    send("550 5.1.1 <%s>: Recipient address rejected" % address)
                elif local.startswith("temp"):
                    send("451 4.2.0 <%s>: try again later" % address)
                elif local.startswith("once") and address not in seen_once:
                    seen_once.add(address)
                    send("451 4.2.0 <%s>: greylisted" % address)
                else:
                    state["rcpt_to"].append(arg)
                    send("250 2.1.5 Ok")
            elif verb == "DATA":
                send("354 End data with <CR><LF>.<CR><LF>")
                await writer.drain()
                lines = []
                while True:
                    d = await reader.readline()
                    if not d or d == b".\r\n":
                        break
                    lines.append(d[1:] if d.startswith(b".") else d)
                counter[0] += 1
                record = dict(state)
                record["data"] = b"".join(lines).decode("utf-8", "replace")
                path = os.path.join(outdir, "%d.json" % counter[0])
                with open(path + ".tmp", "w") as f:
                    json.dump(record, f)
                os.rename(path + ".tmp", path)
                send("250 2.0.0 Ok: queued as %d" % counter[0])
            elif verb == "RSET":
                state["mail_from"], state["rcpt_to"] = None, []
                send("250 2.0.0 Ok")
            elif verb == "QUIT":
                send("221 2.0.0 Bye")
                await writer.drain()
                break
            else:
                send("502 5.5.2 Error: command not recognized")
            await writer.drain()
    finally:
        writer.close()


async def main():
    outdir = sys.argv[1]
    user = password = None
    if "--user" in sys.argv:
        user = sys.argv[sys.argv.index("--user") + 1]
        password = sys.argv[sys.argv.index("--password") + 1]
    if "--hang" in sys.argv:
        server = await asyncio.start_server(lambda r, w: hang(r, w, outdir), "127.0.0.1", 0)
    else:
        server = await asyncio.start_server(
            lambda r, w: handle(r, w, outdir, user, password), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print("smarthost port=%d" % port, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
