"""Integration: streamed JMAP uploads and downloads against the real binary (RFC 8620 §6).

Starts `ringmail serve` with [http] body-size-max and [jmap] max-size-upload raised to
200 MiB, then: uploads a 100 MB blob with http.client (Content-Length, sent in pieces) and
downloads it back, byte for byte, while the daemon's peak resident memory (VmHWM) grows by far
less than the blob; uploads with curl in the chunked coding and with "Expect: 100-continue";
checks that an upload over the limit is refused 413 before curl sends its body; and that a
blob whose file is corrupted on disk gives an aborted download (a short body, curl exit 18),
counted in ringmail_jmap_download_aborted_total; that Range downloads answer 206 / 416 (Python
and curl, including a resumed download) and read only the chunks they need. Prints the upload
and download throughput.

Usage: /usr/bin/python3 test_jmap_stream.py PATH/TO/ringmail
"""
import base64
import glob
import hashlib
import http.client
import json
import mmap
import os
import random
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from daemon import METRICS_CONFIG, Daemon

BINARY = None
LIMIT = 200 << 20
BIG = 100 * 1000 * 1000
PIECE = 1 << 20
# The daemon's peak RSS may grow by at most this during a 100 MB upload and download: the
# streamed paths hold a few 256 KiB pieces per transfer (the buffered ones held the blob).
RSS_GROWTH_MAX = 24 << 20

CONFIG = METRICS_CONFIG + """
[listener.http]
protocol = "http"
bind = ["127.0.0.1:0"]

[http]
body-size-max = %d

[jmap]
max-size-upload = %d
""" % (LIMIT, LIMIT)


def address_sanitized(binary):
    """Whether `binary` is an AddressSanitizer build: its allocator keeps freed memory in a
    quarantine (256 MiB by default), so its peak memory is not the daemon's own."""
    with open(binary, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        return m.find(b"__asan_init") >= 0


def vm_hwm_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


class JmapStreamTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(BINARY, CONFIG).wait_ready()
        cls.host, cls.port = cls.daemon.listeners["http"]
        cls.metrics = cls.daemon.listeners["metrics"]
        for args, stdin in ((("domain", "add", "example.test"), ""),
                            (("account", "add", "alice", "--email", "alice@example.test",
                              "--password-stdin"), "alice-secret\n")):
            done = subprocess.run([BINARY, "--config", cls.daemon.config_path, *args],
                                  input=stdin, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
        cls.auth = "Basic " + base64.b64encode(b"alice:alice-secret").decode()
        session = cls.get_json("/jmap/session")
        cls.account = session["primaryAccounts"]["urn:ietf:params:jmap:mail"]
        assert session["capabilities"]["urn:ietf:params:jmap:core"]["maxSizeUpload"] == LIMIT
        cls.work = tempfile.TemporaryDirectory(prefix="ringmail-stream-")

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.daemon.__exit__(None, None, None)
        cls.work.cleanup()

    @classmethod
    def get_json(cls, path):
        conn = http.client.HTTPConnection(cls.host, cls.port, timeout=60)
        conn.request("GET", path, headers={"Authorization": cls.auth})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        assert response.status == 200, (response.status, body)
        return json.loads(body)

    def upload(self, data):
        """Uploads with Content-Length, sent in PIECE slices; returns (status, answer)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        conn.putrequest("POST", "/jmap/upload/%s/" % self.account)
        conn.putheader("Authorization", self.auth)
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(len(data)))
        conn.endheaders()
        view = memoryview(data)
        for at in range(0, len(data), PIECE):
            conn.send(view[at:at + PIECE])
        response = conn.getresponse()
        answer = response.read()
        conn.close()
        return response.status, json.loads(answer)

    def download(self, blob_id):
        """Downloads in PIECE reads; returns (status, sha256 hex, size, complete)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        conn.request("GET", "/jmap/download/%s/%s/x.bin?accept=application/octet-stream"
                     % (self.account, blob_id), headers={"Authorization": self.auth})
        response = conn.getresponse()
        digest = hashlib.sha256()
        size = 0
        complete = True
        try:
            while True:
                piece = response.read(PIECE)
                if not piece:
                    break
                digest.update(piece)
                size += len(piece)
        except http.client.IncompleteRead as e:
            digest.update(e.partial)
            size += len(e.partial)
            complete = False
        if size != int(response.getheader("Content-Length", "-1")):
            complete = False
        conn.close()
        return response.status, digest.hexdigest(), size, complete

    def curl(self, *args):
        done = subprocess.run(["curl", "-sS", "-u", "alice:alice-secret", *args],
                              capture_output=True, timeout=120)
        return done.returncode, done.stdout

    def upload_url(self):
        return "http://%s:%d/jmap/upload/%s/" % (self.host, self.port, self.account)

    def test_1_large_round_trip_in_bounded_memory(self):
        small = random.Random(1).randbytes(300000)  # warms the paths (and the spool) up
        status, answer = self.upload(small)
        self.assertEqual(status, 201, answer)
        self.assertEqual(self.download(answer["blobId"])[0], 200)
        before = vm_hwm_kib(self.daemon.proc.pid)

        data = random.Random(2).randbytes(BIG)
        started = time.monotonic()
        status, answer = self.upload(data)
        upload_s = time.monotonic() - started
        self.assertEqual(status, 201, answer)
        self.assertEqual(answer["size"], BIG)
        started = time.monotonic()
        status, sha, size, complete = self.download(answer["blobId"])
        download_s = time.monotonic() - started
        self.assertEqual((status, size, complete), (200, BIG, True))
        self.assertEqual(sha, hashlib.sha256(data).hexdigest())
        after = vm_hwm_kib(self.daemon.proc.pid)
        growth = (after - before) * 1024
        print("\n100 MB upload %.0f MB/s, download %.0f MB/s; daemon VmHWM %d -> %d KiB "
              "(+%.1f MiB)" % (BIG / upload_s / 1e6, BIG / download_s / 1e6, before, after,
                               growth / 2**20), file=sys.stderr)
        if address_sanitized(BINARY):
            print("memory bound not checked: AddressSanitizer's quarantine holds freed memory",
                  file=sys.stderr)
        else:
            self.assertLess(growth, RSS_GROWTH_MAX)

        # curl downloads it too, to a file.
        path = os.path.join(self.work.name, "big.bin")
        code, _ = self.curl("-o", path, "http://%s:%d/jmap/download/%s/%s/b.bin"
                            % (self.host, self.port, self.account, answer["blobId"]))
        self.assertEqual(code, 0)
        with open(path, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), sha)

    def test_2_curl_chunked_and_expect_continue(self):
        data = random.Random(3).randbytes(5 << 20)
        path = os.path.join(self.work.name, "five.bin")
        with open(path, "wb") as f:
            f.write(data)
        # Chunked: no Content-Length; curl reads the file in pieces.
        code, out = self.curl("-H", "Transfer-Encoding: chunked", "--data-binary", "@" + path,
                              self.upload_url())
        self.assertEqual(code, 0, out)
        answer = json.loads(out)
        self.assertEqual(answer["size"], len(data))
        self.assertEqual(self.download(answer["blobId"])[1], hashlib.sha256(data).hexdigest())
        # Content-Length with Expect: 100-continue (curl waits for it before the body).
        code, out = self.curl("-H", "Expect: 100-continue", "--data-binary", "@" + path,
                              self.upload_url())
        self.assertEqual(code, 0, out)
        self.assertEqual(json.loads(out)["blobId"], answer["blobId"])

    def test_3_over_the_limit_is_refused_before_the_body(self):
        # A sparse file over the limit: curl announces it and waits for 100 Continue, gets 413.
        path = os.path.join(self.work.name, "huge.bin")
        with open(path, "wb") as f:
            f.truncate(LIMIT + 1)
        code, out = self.curl("-H", "Expect: 100-continue", "--expect100-timeout", "30",
                              "-w", "\n%{http_code} %{size_upload}", "--data-binary", "@" + path,
                              self.upload_url())
        status, sent = out.rsplit(b"\n", 1)[1].split()
        self.assertEqual(status, b"413", out)
        self.assertEqual(sent, b"0")  # the body was never sent

    def test_4_corrupt_blob_aborts_the_download(self):
        data = random.Random(4).randbytes(3 << 20)
        status, answer = self.upload(data)
        self.assertEqual(status, 201, answer)
        sha = hashlib.sha256(data).hexdigest()
        files = glob.glob(os.path.join(self.daemon.dir.name, "blobs", "*", "*", sha))
        self.assertEqual(len(files), 1)
        with open(files[0], "r+b") as f:  # one byte in the middle of the payload
            f.seek(2 << 20)
            byte = f.read(1)
            f.seek(2 << 20)
            f.write(bytes([byte[0] ^ 0xFF]))
        status, got_sha, size, complete = self.download(answer["blobId"])
        self.assertEqual(status, 200)
        self.assertFalse(complete)
        self.assertLess(size, len(data))
        code, _ = self.curl("-o", os.devnull, "http://%s:%d/jmap/download/%s/%s/c.bin"
                            % (self.host, self.port, self.account, answer["blobId"]))
        self.assertEqual(code, 18)  # "transfer closed with outstanding read data remaining"
        with urllib.request.urlopen("http://%s:%d/metrics" % self.metrics, timeout=10) as r:
            metrics = r.read().decode()
        self.assertIn("ringmail_jmap_download_aborted_total 2", metrics)


    def ranged(self, blob_id, headers):
        """GET with extra headers; returns (status, headers, body, complete)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        conn.request("GET", "/jmap/download/%s/%s/r.bin" % (self.account, blob_id),
                     headers=dict(headers, Authorization=self.auth))
        response = conn.getresponse()
        complete = True
        try:
            body = response.read()
        except http.client.IncompleteRead as e:
            body, complete = e.partial, False
        conn.close()
        return response.status, response, body, complete

    def test_5_ranges(self):
        data = random.Random(5).randbytes(1 << 20)
        status, answer = self.upload(data)
        self.assertEqual(status, 201, answer)
        blob = answer["blobId"]
        n = len(data)
        for field, first, last in (("bytes=100-199", 100, 199), ("bytes=-10", n - 10, n - 1),
                                   ("bytes=700000-", 700000, n - 1),
                                   ("bytes=65530-65545", 65530, 65545),
                                   ("bytes=0-99999999", 0, n - 1)):
            status, response, body, complete = self.ranged(blob, {"Range": field})
            self.assertEqual((status, complete), (206, True), field)
            self.assertEqual(response.getheader("Content-Range"),
                             "bytes %d-%d/%d" % (first, last, n))
            self.assertEqual(int(response.getheader("Content-Length")), last - first + 1)
            self.assertTrue(body == data[first:last + 1], field)
        status, response, body, _ = self.ranged(blob, {"Range": "bytes=%d-" % n})
        self.assertEqual(status, 416)
        self.assertEqual(response.getheader("Content-Range"), "bytes */%d" % n)
        for field in ("bytes=0-1,5-9", "bytes=9-1", "lines=1-2"):  # ignored: the whole blob
            status, response, body, _ = self.ranged(blob, {"Range": field})
            self.assertEqual((status, len(body)), (200, n), field)
            self.assertEqual(response.getheader("Accept-Ranges"), "bytes")
        etag = response.getheader("ETag")
        status, _, body, _ = self.ranged(blob, {"Range": "bytes=0-9", "If-Range": etag})
        self.assertEqual((status, body), (206, data[:10]))
        status, _, body, _ = self.ranged(blob, {"Range": "bytes=0-9", "If-Range": '"other"'})
        self.assertEqual((status, len(body)), (200, n))
        # curl: a range to a file, and a resumed download (-C: Range from the file's size).
        path = os.path.join(self.work.name, "part.bin")
        url = "http://%s:%d/jmap/download/%s/%s/p.bin" % (self.host, self.port, self.account,
                                                          blob)
        code, _ = self.curl("-r", "300000-399999", "-o", path, url)
        self.assertEqual(code, 0)
        with open(path, "rb") as f:
            self.assertTrue(f.read() == data[300000:400000])
        with open(path, "wb") as f:
            f.write(data[:123456])
        code, _ = self.curl("-C", "-", "-o", path, url)
        self.assertEqual(code, 0)
        with open(path, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), hashlib.sha256(data).hexdigest())

        # Each 64 KiB chunk is verified on its own: with the first chunk spoiled on disk, a
        # range past it is served (its chunks alone are read), one over it is cut short.
        files = glob.glob(os.path.join(self.daemon.dir.name, "blobs", "*", "*",
                                       hashlib.sha256(data).hexdigest()))
        self.assertEqual(len(files), 1)
        with open(files[0], "r+b") as f:
            f.seek(40)  # the header is 32 bytes: a byte of chunk 0
            byte = f.read(1)
            f.seek(40)
            f.write(bytes([byte[0] ^ 0xFF]))
        status, _, body, complete = self.ranged(blob, {"Range": "bytes=500000-500999"})
        self.assertEqual((status, complete, body), (206, True, data[500000:501000]))
        status, _, body, complete = self.ranged(blob, {"Range": "bytes=0-999"})
        self.assertEqual((status, complete, len(body)), (206, False, 0))


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main()
