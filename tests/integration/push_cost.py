"""Measures what idle JMAP event streams cost the daemon, and how fast a change is pushed
(docs/jmap.md, "Push"). Not a test (no pass/fail): run it against two builds to compare.

Starts the daemon (SQLite, loopback), makes ACCOUNTS accounts over the admin API, opens
STREAMS_PER_ACCOUNT event streams for each (`ping=0`: no pings), and once every stream has
its first event, reads the daemon's CPU time (utime + stime of /proc/PID/stat) over
IDLE_SECONDS. Then appends a message over IMAP to one account, ROUNDS times, and times the
StateChange on one of its streams. Prints one JSON line.

Usage: /usr/bin/python3 push_cost.py PATH/TO/ringmail [IDLE_SECONDS]
"""
import base64
import imaplib
import json
import os
import selectors
import socket
import statistics
import sys
import time
import urllib.request

from daemon import METRICS_CONFIG, Daemon

ACCOUNTS = 125
STREAMS_PER_ACCOUNT = 8
ROUNDS = 10
BATCH = 2  # accounts whose streams open at once

CONFIG = METRICS_CONFIG + """
[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:0"]

[listener.web]
protocol = "http"
bind = ["127.0.0.1:0"]
connections-max = 5000

[authentication]
password-scheme = "sha512-crypt"

[authentication.fallback-admin]
user = "admin"
secret = "{PLAIN}admin-secret"
"""


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Stream:
    """One event stream on a raw socket; `events` counts the `event: state` lines seen."""

    def __init__(self, host, port, user):
        self.sock = socket.create_connection((host, port))
        self.sock.sendall((f"GET /jmap/eventsource/?types=*&closeafter=no&ping=0 HTTP/1.1\r\n"
                           f"Host: {host}:{port}\r\nAuthorization: {basic(user, user + '-pw')}"
                           f"\r\n\r\n").encode())
        self.sock.setblocking(False)
        self.data = b""
        self.events = 0

    def read(self):
        try:
            chunk = self.sock.recv(65536)
        except BlockingIOError:
            return
        if not chunk:
            raise RuntimeError("stream closed: " + self.data[-200:].decode(errors="replace"))
        self.data += chunk
        self.events = self.data.count(b"event: state")


class LogDrain:
    """Reads the daemon's output so that it never blocks on a full pipe."""

    def __init__(self, daemon):
        self.fd = daemon.proc.stdout.fileno()

    def read(self):
        os.read(self.fd, 65536)


def pump(selector, until):
    while time.monotonic() < until():
        for key, _ in selector.select(timeout=0.05):
            key.data.read()


def main():
    binary = sys.argv[1]
    idle_s = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
    with Daemon(binary, CONFIG).wait_ready() as d:
        host, port = d.listeners["web"]
        base = f"http://{host}:{port}"

        def api(path, payload):
            r = urllib.request.Request(base + "/api/" + path, json.dumps(payload).encode(),
                                       {"Authorization": basic("admin", "admin-secret"),
                                        "Content-Type": "application/json"})
            urllib.request.urlopen(r, timeout=60).read()

        api("domains", {"name": "example.test"})
        users = [f"u{i}" for i in range(ACCOUNTS)]
        for u in users:
            api("accounts", {"name": u, "emails": [f"{u}@example.test"], "password": u + "-pw"})
        selector = selectors.DefaultSelector()
        selector.register(d.proc.stdout, selectors.EVENT_READ, LogDrain(d))
        streams = []
        # In batches: each login is a password check on the worker pool, whose queue is
        # bounded (a full queue is a 503, as it should be).
        for first in range(0, ACCOUNTS, BATCH):
            batch = []
            for u in users[first:first + BATCH]:
                for _ in range(STREAMS_PER_ACCOUNT):
                    s = Stream(host, port, u)
                    selector.register(s.sock, selectors.EVENT_READ, s)
                    batch.append(s)
            deadline = time.monotonic() + 60
            pump(selector, lambda: deadline if any(s.events == 0 for s in batch) else 0)
            streams += batch
        opened = sum(1 for s in streams if s.events >= 1)
        before = cpu_seconds(d.proc.pid)
        start = time.monotonic()
        pump(selector, lambda: start + idle_s)
        cpu = cpu_seconds(d.proc.pid) - before
        watched = streams[0]  # one of u0's streams
        imap = imaplib.IMAP4(*d.listeners["imap"])
        imap.login("u0", "u0-pw")
        latencies, after_ok = [], []
        for i in range(ROUNDS):
            seen = watched.events
            sent = time.monotonic()
            imap.append("INBOX", None, None, f"Subject: push {i}\r\n\r\nbody\r\n".encode())
            ok = time.monotonic()
            pump(selector, lambda: 0 if watched.events > seen else sent + 60)
            latencies.append((time.monotonic() - sent) * 1000)
            after_ok.append((time.monotonic() - ok) * 1000)
        imap.logout()
        print(json.dumps({
            "binary": binary, "streams_open": opened, "idle_seconds": idle_s,
            "cpu_seconds": round(cpu, 3), "cpu_percent": round(100 * cpu / idle_s, 2),
            "append_to_state_ms_median": round(statistics.median(latencies), 1),
            "append_to_state_ms_max": round(max(latencies), 1),
            "append_ok_to_state_ms_median": round(statistics.median(after_ok), 1)}))
        for s in streams:
            s.sock.close()


if __name__ == "__main__":
    main()
