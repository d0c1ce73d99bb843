"""Integration: the daemon's life cycle and its metrics listener, as an operator sees them.

Usage: /usr/bin/python3 test_serve.py PATH/TO/ringmail
"""
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from daemon import METRICS_CONFIG, Daemon

BINARY = None



def http_get(address, path):
    conn = http.client.HTTPConnection(*address, timeout=10)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read().decode()
    conn.close()
    return resp, body


def recv_until_closed(sock, timeout=10.0):
    sock.settimeout(timeout)
    chunks = []
    while True:
        data = sock.recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


class ServeTest(unittest.TestCase):
    def test_version(self):
        out = subprocess.run([BINARY, "--version"], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0)
        self.assertRegex(out.stdout, r"^ringmail \d+\.\d+\.\d+")

    def test_metrics_scrape_and_clean_exit(self):
        with Daemon(BINARY, METRICS_CONFIG) as d:
            d.wait_ready()
            address = d.listeners["metrics"]
            resp, body = http_get(address, "/metrics")
            self.assertEqual(resp.status, 200)
            self.assertIn("text/plain", resp.getheader("Content-Type"))
            self.assertIn('ringmail_connections_accepted_total{listener="metrics"}', body)
            self.assertIn("# TYPE ringmail_io_uring_enter_total counter", body)
            self.assertIn("ringmail_build_info{", body)
            self.assertIn("process_resident_memory_bytes", body)
            # Every metric name has exactly one TYPE line.
            types = [l.split()[2] for l in body.splitlines() if l.startswith("# TYPE")]
            self.assertEqual(len(types), len(set(types)))
            resp, _ = http_get(address, "/nope")
            self.assertEqual(resp.status, 404)
            self.assertEqual(d.stop(), 0)
            self.assertTrue(any("event=stopped" in l for l in d.log))

    def test_pipelined_requests_answered_in_order(self):
        with Daemon(BINARY, METRICS_CONFIG) as d:
            d.wait_ready()
            with socket.create_connection(d.listeners["metrics"], timeout=10) as s:
                s.sendall(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                          b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                          b"GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                data = recv_until_closed(s)
            statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", data)
            self.assertEqual(statuses, [b"404", b"200", b"404"])
            self.assertEqual(d.stop(), 0)

    def test_malformed_request_gets_400_and_close(self):
        with Daemon(BINARY, METRICS_CONFIG) as d:
            d.wait_ready()
            with socket.create_connection(d.listeners["metrics"], timeout=10) as s:
                s.sendall(b"\x16\x03\x01\x02\x00garbage\r\n\r\n")
                data = recv_until_closed(s)
            self.assertTrue(data.startswith(b"HTTP/1.1 400 "), data[:80])
            self.assertEqual(d.stop(), 0)

    def test_sigterm_drains_idle_connection(self):
        with Daemon(BINARY, METRICS_CONFIG) as d:
            d.wait_ready()
            with socket.create_connection(d.listeners["metrics"], timeout=10) as s:
                s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                s.settimeout(10)
                self.assertTrue(s.recv(100).startswith(b"HTTP/1.1 200"))
                start = time.monotonic()
                self.assertEqual(d.stop(), 0)
                self.assertLess(time.monotonic() - start, 25)
                # The server closed our idle keep-alive connection while draining.
                self.assertEqual(recv_until_closed(s, timeout=5)[-1:], b"\n")

    def test_sd_notify_ready_and_stopping(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "notify")
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sink:
                sink.bind(path)
                sink.settimeout(20)
                with Daemon(BINARY, METRICS_CONFIG, env={"NOTIFY_SOCKET": path}) as d:
                    self.assertEqual(sink.recv(100), b"READY=1")
                    d.wait_ready()
                    self.assertEqual(d.stop(), 0)
                    self.assertEqual(sink.recv(100), b"STOPPING=1")

    def test_config_error_exits_2_with_file_and_line(self):
        bad = METRICS_CONFIG + "\n[listener.imap]\nprotocol = \"imapx\"\nbind = \"127.0.0.1:0\"\n"
        with Daemon(BINARY, bad) as d:
            code = d.proc.wait(timeout=20)
            d.stop()
            self.assertEqual(code, 2)
            text = "\n".join(d.log)
            self.assertIn(d.config_path + ":", text)
            self.assertIn("imapx", text)
            self.assertFalse(any("event=ready" in l for l in d.log))

    def test_unreadable_certificate_exits_2_naming_the_file(self):
        missing = "/nonexistent/ringmail-test/cert.pem"
        bad = METRICS_CONFIG + (f'\n[tls]\ncertificate = "{missing}"\n'
                                f'private-key = "{missing}.key"\n'
                                '\n[listener.imaps]\nprotocol = "imap"\n'
                                'bind = ["127.0.0.1:0"]\ntls = "implicit"\n')
        with Daemon(BINARY, bad) as d:
            code = d.proc.wait(timeout=20)
            d.stop()
            self.assertEqual(code, 2)
            text = "\n".join(d.log)
            self.assertIn(d.config_path + ":", text)
            self.assertIn(missing, text)
            self.assertFalse(any("event=ready" in l for l in d.log))

    def test_port_in_use_exits_2(self):
        with socket.socket() as holder:
            holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            port = holder.getsockname()[1]
            config = METRICS_CONFIG.replace("127.0.0.1:0", f"127.0.0.1:{port}")
            with Daemon(BINARY, config) as d:
                code = d.proc.wait(timeout=20)
                d.stop()
                self.assertEqual(code, 2)
                self.assertIn("listener 'metrics'", "\n".join(d.log))
                self.assertIn("in use", "\n".join(d.log))

    def test_embedded_default(self):
        ports = {"imap": 10143, "smtp": 10025, "submission": 10587, "metrics": 10090}
        for port in ports.values():
            probe = socket.socket()
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT: no obstacle
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                self.skipTest(f"127.0.0.1:{port} is taken on this machine")
            finally:
                probe.close()
        with Daemon(BINARY) as d:
            d.wait_ready()
            for name, port in ports.items():
                self.assertEqual(d.listeners[name], ("127.0.0.1", port))
            with socket.create_connection(d.listeners["imap"], timeout=10) as imap:
                self.assertTrue(imap.recv(512).startswith(b"* OK"))
            with socket.create_connection(d.listeners["smtp"], timeout=10) as smtp:
                self.assertTrue(smtp.recv(512).startswith(b"220 "))
            resp, _ = http_get(d.listeners["metrics"], "/metrics")
            self.assertEqual(resp.status, 200)
            # The embedded [storage]: SQLite and a blob directory under ./var.
            self.assertTrue(os.path.isfile(os.path.join(d.dir.name, "var", "meta.db")))
            self.assertTrue(os.path.isdir(os.path.join(d.dir.name, "var", "blobs")))
            self.assertEqual(d.stop(signal.SIGINT), 0)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
