"""bench/tls/bulk_fetch.py — bulk throughput of one large FETCH over TLS (issue 7,
"Performance"), run by bench/tls/run.

One ringmail daemon with an implicit-TLS and a plain IMAP listener holds one message of MB
MiB (APPENDed here). Each repetition, in alternating order, measures the time and the
server's CPU (its threads' run time, /proc/PID/task/*/schedstat) from sending the command to the
last byte, after login and SELECT (the handshake is not counted):
  imaps    `FETCH 1 BODY[]` over ringmail's implicit TLS (userspace wolfSSL here)
  imap     the same FETCH over plain IMAP: ringmail's data path without TLS
  openssl  `openssl s_server -WWW` (one core, the same TLS 1.3 suite ringmail negotiated)
           sending the same bytes as a file: the same record work in OpenSSL
The client is Python's ssl (OpenSSL) for all three, on the same machine.
Prints MB/s and server CPU ms per MB, medians of REPS; with RESULTS, appends key=value lines.
"""
import argparse
import os
import socket
import ssl
import statistics
import subprocess
import time

def cpu_s(pid):
    """CPU seconds the process's threads have run (schedstat: nanoseconds, not 10 ms ticks)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except FileNotFoundError:  # a thread that ended
            pass
    return total / 1e9


def message(mib):
    line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/\r\n"
    head = (b"From: a@example.test\r\nTo: b@example.test\r\nSubject: bulk\r\n"
            b"Message-ID: <bulk@example.test>\r\n\r\n")
    return head + line * ((mib << 20) // len(line))


def client_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def read_until(sock, tag):
    """Reads until a line starting with TAG ends the response; returns the bytes read."""
    buf = bytearray(b"\r\n")  # so that a tagged line first in the response matches too
    end = b"\r\n" + tag + b" "
    while True:
        chunk = sock.recv(1 << 20)
        if not chunk:
            raise RuntimeError(f"connection closed before {tag!r}: {bytes(buf[-200:])!r}")
        buf += chunk
        at = buf.rfind(end, max(0, len(buf) - len(chunk) - len(end)))
        if at >= 0 and buf.endswith(b"\r\n"):
            if not buf[at + len(end):].startswith(b"OK"):
                raise RuntimeError(bytes(buf[at:]).decode(errors="replace"))
            return buf[2:]


def imap_fetch(port, tls, user, password, pid):
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    if tls:
        sock = client_context().wrap_socket(sock, server_hostname="localhost")
    sock.recv(4096)
    sock.sendall(f"a LOGIN {user} {password}\r\n".encode())
    read_until(sock, b"a")
    sock.sendall(b"b SELECT INBOX\r\n")
    read_until(sock, b"b")
    cipher = sock.cipher()[0] if tls else ""
    c0, t0 = cpu_s(pid), time.perf_counter()
    sock.sendall(b"c FETCH 1 BODY[]\r\n")
    got = len(read_until(sock, b"c"))
    t1, c1 = time.perf_counter(), cpu_s(pid)
    sock.close()
    return got, t1 - t0, c1 - c0, cipher


def openssl_fetch(port, pid):
    sock = client_context().wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=60),
                                        server_hostname="localhost")
    cipher = sock.cipher()[0]
    c0, t0 = cpu_s(pid), time.perf_counter()
    sock.sendall(b"GET /bulk.eml HTTP/1.0\r\n\r\n")
    got = 0
    while chunk := sock.recv(1 << 20):
        got += len(chunk)
    t1, c1 = time.perf_counter(), cpu_s(pid)
    sock.close()
    return got, t1 - t0, c1 - c0, cipher


def start_openssl(args, suite, www):
    port = socket.socket()
    port.bind(("127.0.0.1", 0))
    number = port.getsockname()[1]
    port.close()
    proc = subprocess.Popen(
        ["taskset", "-c", "0", "openssl", "s_server", "-accept", str(number), "-WWW", "-quiet",
         "-cert", os.path.abspath(args.cert), "-key", os.path.abspath(args.key),
         "-ciphersuites", suite, "-naccept", "1000000"],
        cwd=www, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", number), timeout=1).close()
            return proc, number
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("openssl s_server did not listen")


def main():
    p = argparse.ArgumentParser()
    for name in ("pid", "imaps", "imap", "reps", "mb"):
        p.add_argument(f"--{name}", type=int, required=True)
    for name in ("user", "password", "cert", "key", "www"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--results")
    args = p.parse_args()

    body = message(args.mb)
    with open(os.path.join(args.www, "bulk.eml"), "wb") as f:
        f.write(body)
    sock = socket.create_connection(("127.0.0.1", args.imap), timeout=60)
    sock.recv(4096)
    sock.sendall(f"a LOGIN {args.user} {args.password}\r\n".encode())
    read_until(sock, b"a")
    sock.sendall(b"b APPEND INBOX {%d+}\r\n" % len(body) + body + b"\r\n")
    read_until(sock, b"b")
    sock.close()

    suite = imap_fetch(args.imaps, True, args.user, args.password, args.pid)[3]
    proc, port = start_openssl(args, suite, args.www)
    runs = {"imaps": [], "imap": [], "openssl": []}
    try:
        for rep in range(args.reps):
            order = ["imaps", "imap", "openssl"]
            for name in order if rep % 2 == 0 else order[::-1]:
                if name == "openssl":
                    got, wall, cpu, _ = openssl_fetch(port, proc.pid)
                else:
                    got, wall, cpu, _ = imap_fetch(args.imaps if name == "imaps" else args.imap,
                                                   name == "imaps", args.user, args.password,
                                                   args.pid)
                if got < len(body):
                    raise RuntimeError(f"{name}: {got} bytes, expected {len(body)}")
                runs[name].append((got / 1e6 / wall, cpu * 1e3 / (got / 1e6)))
    finally:
        proc.kill()
        proc.wait()

    med = {n: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs))
           for n, rs in runs.items()}
    print(f"{'server':10s} {'MB/s':>9s} {'cpu ms/MB':>10s}   ({args.mb} MiB FETCH BODY[], "
          f"{args.reps} reps, suite {suite})")
    for name, (rate, cpu) in med.items():
        spread = f"[{min(r[0] for r in runs[name]):.0f}..{max(r[0] for r in runs[name]):.0f}]"
        print(f"{name:10s} {rate:9.1f} {cpu:10.2f}   {spread}")
    print(f"imaps/openssl: MB/s {med['imaps'][0] / med['openssl'][0]:.3f}, "
          f"cpu/MB {med['imaps'][1] / med['openssl'][1]:.1f}x;  "
          f"imaps/imap: MB/s {med['imaps'][0] / med['imap'][0]:.3f}")
    if args.results:
        with open(args.results, "a") as f:
            for name, rs in runs.items():
                for rep, (rate, cpu) in enumerate(rs, 1):
                    f.write(f"kind=bulk peer={name} mib={args.mb} suite={suite} rep={rep} "
                            f"mb_per_s={rate:.2f} cpu_ms_per_mb={cpu:.3f}\n")


if __name__ == "__main__":
    main()
