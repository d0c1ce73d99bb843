"""Integration: the daemon opens and runs its stores ([storage] in docs/config.md).

SQLite and a blob directory under the data directory by default; blobs on S3 (s3rver from npm,
through tests/store/s3_server.sh); a missing bucket, an unreachable endpoint with
unavailable-at-start = "retry" and "exit"; metadata on PostgreSQL (a private cluster through
tests/store/pg_cluster.sh), up, missing and down at start; the blob collector while serving.

Usage: /usr/bin/python3 test_storage.py PATH/TO/ringmail
"""
import hashlib
import http.client
import os
import re
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

from daemon import METRICS_CONFIG, Daemon

BINARY = None
SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUCKET = "ringmail-test"

BASE_CONFIG = METRICS_CONFIG


def s3_config(port, bucket=BUCKET, policy="retry"):
    return BASE_CONFIG + f"""
[storage]
blobs = "s3://{bucket}?endpoint=http://127.0.0.1:{port}&region=us-east-1&style=path"
unavailable-at-start = "{policy}"

[storage.s3]
access-key = "S3RVER"
secret-key = "S3RVER"
"""


def collector_config(extra=""):
    return BASE_CONFIG + f"""
[storage]
blob-grace = 0
collect-interval = 1
{extra}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)  # polling a condition, with a deadline
    raise AssertionError(f"timed out waiting for {what}")


def metric(address, name):
    conn = http.client.HTTPConnection(*address, timeout=10)
    conn.request("GET", "/metrics")
    body = conn.getresponse().read().decode()
    conn.close()
    m = re.search(rf"^{re.escape(name)} (\d+)$", body, re.M)
    return int(m.group(1)) if m else None


class S3rver:
    """s3rver on 127.0.0.1 with BUCKET created; skips the test when node/npm are missing."""

    def __init__(self, port=0, timeout=180.0):
        self.dir = tempfile.TemporaryDirectory(prefix="ringmail-it-s3-")
        script = os.path.join(SOURCE_DIR, "tests", "store", "s3_server.sh")
        self.proc = subprocess.Popen(["/bin/bash", script, os.path.join(self.dir.name, "data"),
                                      BUCKET, str(port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        line = self._read_line(timeout)
        m = re.match(r"s3rver port=(\d+)", line)
        if m is None:
            code = self.proc.wait(timeout=30)
            self.stop()
            if code == 77:
                raise unittest.SkipTest(line.strip())
            raise AssertionError(f"s3rver did not start (exit {code}): {line!r}")
        self.port = int(m.group(1))

    def _read_line(self, timeout):
        fd = self.proc.stdout.fileno()
        data = b""
        deadline = time.monotonic() + timeout
        while b"\n" not in data and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                data += chunk
        return data.decode(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc.stdout.close()
        self.dir.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class PostgresCluster:
    """A private PostgreSQL on 127.0.0.1 (tests/store/pg_cluster.sh run), stopped fast."""

    def __init__(self, port=0, timeout=120.0, attempts=3):
        # A start can fail for reasons of the moment (a free port taken before the postmaster
        # binds it while other tests run): tried again, up to `attempts` times.
        for attempt in range(attempts):
            try:
                self._start(port, timeout)
                return
            except AssertionError:
                if attempt == attempts - 1:
                    raise

    def _start(self, port, timeout):
        self.dir = tempfile.mkdtemp(prefix="ringmail-it-pg-")
        script = os.path.join(SOURCE_DIR, "tests", "store", "pg_cluster.sh")
        self.proc = subprocess.Popen(["/bin/bash", script, "run", self.dir, str(port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        line = S3rver._read_line(self, timeout)
        m = re.match(r"postgres port=(\d+)", line)
        if m is None:
            code = self.proc.wait(timeout=30)
            self.stop()
            if code == 77:
                raise unittest.SkipTest(line.strip())
            raise AssertionError(f"PostgreSQL did not start (exit {code}): {line!r}")
        self.port = int(m.group(1))

    def uri(self, user="postgres", database="postgres"):
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def query(self, sql):
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                              "-d", "postgres", "-tAc", sql],
                             capture_output=True, text=True, timeout=30)
        return out.stdout.strip()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # the postmaster itself: fast shutdown
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc.stdout.close()
        subprocess.run(["rm", "-rf", self.dir])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def postgres_config(uri, policy="retry"):
    return BASE_CONFIG + f"""
[storage]
metadata = "{uri}"
unavailable-at-start = "{policy}"
"""


def exit_code(d, timeout=60):
    """Waits for the daemon to exit by itself; returns its code with the whole log read."""
    code = d.proc.wait(timeout=timeout)
    d.stop()
    return code


def add_unreferenced_blob(db_path, content):
    """Adds a blobs row that nothing references, unreferenced for years; returns its hex key."""
    digest = hashlib.sha256(content).digest()
    with sqlite3.connect(db_path, timeout=10) as db:
        db.execute("INSERT INTO blobs (sha256, size, stored_size, refcount, unreferenced_since) "
                   "VALUES (?, ?, ?, 0, '2000-01-01T00:00:00Z')",
                   (digest, len(content), len(content) + 40))
    db.close()
    return digest.hex()


def blob_state(db_path, hex_key):
    with sqlite3.connect(db_path, timeout=10) as db:
        row = db.execute("SELECT state FROM blobs WHERE sha256 = ?",
                         (bytes.fromhex(hex_key),)).fetchone()
    db.close()
    return row[0] if row else None


class DefaultStorageTest(unittest.TestCase):
    def test_creates_sqlite_file_and_blob_directory_under_data_dir(self):
        with Daemon(BINARY, BASE_CONFIG) as d:
            d.wait_ready()
            data = d.dir.name
            self.assertTrue(os.path.isfile(os.path.join(data, "meta.db")))
            self.assertTrue(os.path.isdir(os.path.join(data, "blobs", "tmp")))
            with sqlite3.connect(os.path.join(data, "meta.db")) as db:
                tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            db.close()
            self.assertIn("blobs", tables)
            self.assertIn("schema_migrations", tables)
            self.assertEqual(d.stop(), 0)

    def test_unusable_blob_directory_exits_2(self):
        with tempfile.NamedTemporaryFile() as not_a_dir:
            config = BASE_CONFIG + f'\n[storage]\nblobs = "file://{not_a_dir.name}/blobs"\n'
            with Daemon(BINARY, config) as d:
                self.assertEqual(exit_code(d), 2)
                text = "\n".join(d.log)
                self.assertIn(d.config_path + ":", text)
                self.assertIn("[storage]: blobs:", text)
                self.assertFalse(any("event=ready" in l for l in d.log))



class PostgresTest(unittest.TestCase):
    def test_metadata_on_postgresql_is_migrated_and_ready(self):
        with PostgresCluster() as pg:
            with Daemon(BINARY, postgres_config(pg.uri())) as d:
                d.wait_for(r"event=ready", timeout=60)
                # Every migration this binary knows was applied (each logs its version),
                # on an empty database from version 1 up.
                applied = [int(m.group(1)) for l in d.log
                           for m in [re.search(r"event=schema_migrated .*version=(\d+)", l)] if m]
                self.assertEqual(applied, list(range(1, len(applied) + 1)))
                self.assertGreaterEqual(len(applied), 6)
                self.assertEqual(pg.query("SELECT max(version) FROM schema_migrations"),
                                 str(applied[-1]))
                self.assertEqual(d.stop(), 0)

    def test_missing_database_exits_2_without_the_password(self):
        with PostgresCluster() as pg:
            uri = f"postgresql://postgres:secret@127.0.0.1:{pg.port}/nosuchdb"
            with Daemon(BINARY, postgres_config(uri)) as d:
                self.assertEqual(exit_code(d), 2)
                text = "\n".join(d.log)
                self.assertIn("[storage]: metadata:", text)
                self.assertIn("nosuchdb", text)
                self.assertNotIn("secret", text)

    def test_database_down_at_start_is_retried_until_it_answers(self):
        port = free_port()
        with Daemon(BINARY, postgres_config(f"postgresql://postgres@127.0.0.1:{port}/postgres")) as d:
            line = d.wait_for(r"event=storage_unavailable", timeout=30)
            self.assertIn("store=metadata", line)
            self.assertFalse(any("event=ready" in l for l in d.log))
            with PostgresCluster(port):
                d.wait_for(r"event=ready", timeout=60)
                self.assertEqual(d.stop(), 0)


class CollectorTest(unittest.TestCase):
    def test_collects_an_unreferenced_blob(self):
        with Daemon(BINARY, collector_config()) as d:
            d.wait_ready()
            data = d.dir.name
            content = b"Subject: collected\r\n\r\nbye\r\n"
            hex_key = add_unreferenced_blob(os.path.join(data, "meta.db"), content)
            obj = os.path.join(data, "blobs", hex_key[:2], hex_key[2:4], hex_key)
            os.makedirs(os.path.dirname(obj))
            with open(obj, "wb") as f:
                f.write(b"RMB1 not checked by a delete")
            # Marked within a collect-interval, forgotten after the 35 s forget delay.
            d.wait_for(r"event=blob_collection marked=1 deleted=1 failed=0 stopped=false",
                       timeout=90)
            self.assertFalse(os.path.exists(obj))
            self.assertIsNone(blob_state(os.path.join(data, "meta.db"), hex_key))
            address = d.listeners["metrics"]
            self.assertEqual(metric(address, "ringmail_blob_collector_deleted_total"), 1)
            self.assertGreaterEqual(metric(address, "ringmail_blob_collector_passes_total"), 1)
            self.assertEqual(d.stop(), 0)

    def test_sigterm_during_forget_delay_exits_promptly(self):
        with Daemon(BINARY, collector_config()) as d:
            d.wait_ready()
            db_path = os.path.join(d.dir.name, "meta.db")
            hex_key = add_unreferenced_blob(db_path, b"Subject: stopped\r\n\r\n")
            wait_until(lambda: blob_state(db_path, hex_key) == "deleting", 30, "the mark")
            start = time.monotonic()
            self.assertEqual(d.stop(), 0)
            self.assertLess(time.monotonic() - start, 20)  # not the 35 s forget delay
            self.assertTrue(any("event=blob_collection marked=1 deleted=0 failed=0 stopped=true"
                                in l for l in d.log), "\n".join(d.log))
            # The row stays marked: the next pass, after a restart, takes it again.
            self.assertEqual(blob_state(db_path, hex_key), "deleting")


    def test_sweeps_an_orphan_object_into_the_collector(self):
        with Daemon(BINARY, collector_config("orphan-sweep-interval = 1")) as d:
            d.wait_ready()
            blobs = os.path.join(d.dir.name, "blobs")
            # What a crash mid-delivery leaves: a temporary of an unfinished write (an hour
            # old: stale) and an object whose transaction never committed.
            stale = os.path.join(blobs, "tmp", "0" * 64 + ".9")
            with open(stale, "wb") as f:
                f.write(b"RMB1 half written")
            two_hours_ago = time.time() - 7200
            os.utime(stale, (two_hours_ago, two_hours_ago))
            content = b"Subject: orphan\r\n\r\nno row\r\n"
            hex_key = hashlib.sha256(content).hexdigest()
            obj = os.path.join(blobs, hex_key[:2], hex_key[2:4], hex_key)
            os.makedirs(os.path.dirname(obj), exist_ok=True)
            with open(obj, "wb") as f:
                f.write(b"RMB1 an object no row references")
            # Adopted by a sweep, deleted by the next collector pass (its row is forgotten
            # 35 s later).
            d.wait_for(r"event=orphan_sweep listed=\d+ adopted=1 ", timeout=60)
            wait_until(lambda: not os.path.exists(obj), 60, "the orphan's deletion")
            wait_until(lambda: not os.path.exists(stale), 60, "the stale temporary's removal")
            address = d.listeners["metrics"]
            self.assertEqual(metric(address, "ringmail_blob_orphans_adopted_total"), 1)
            self.assertEqual(d.stop(), 0)


class CollectorClusterTest(unittest.TestCase):
    """Two nodes over one PostgreSQL and one blob store: one collector pass at a time."""

    def test_two_nodes_collect_an_unreferenced_blob_once(self):
        with PostgresCluster() as pg, tempfile.TemporaryDirectory(prefix="ringmail-it-") as blobs:
            config = postgres_config(pg.uri()) + f"""blobs = "file://{blobs}"
blob-grace = 0
collect-interval = 1
"""
            with Daemon(BINARY, config) as a, Daemon(BINARY, config) as b:
                a.wait_ready()
                b.wait_ready()
                content = b"Subject: collected once\r\n\r\nbye\r\n"
                digest = hashlib.sha256(content)
                pg.query("INSERT INTO blobs (sha256, size, stored_size, refcount, "
                         f"unreferenced_since) VALUES ('\\x{digest.hexdigest()}', "
                         f"{len(content)}, {len(content) + 40}, 0, '2000-01-01')")
                hex_key = digest.hexdigest()
                obj = os.path.join(blobs, hex_key[:2], hex_key[2:4], hex_key)
                os.makedirs(os.path.dirname(obj))
                with open(obj, "wb") as f:
                    f.write(b"RMB1 not checked by a delete")
                # One pass marks it, holds the lease through the 35 s forget delay and
                # deletes it; the other node's passes in that time find the lease taken.
                wait_until(lambda: pg.query("SELECT count(*) FROM blobs") == "0", 90,
                           "the row's removal")
                self.assertFalse(os.path.exists(obj))
                deleted = [metric(d.listeners["metrics"], "ringmail_blob_collector_deleted_total")
                           for d in (a, b)]
                skipped = [metric(d.listeners["metrics"], "ringmail_blob_collector_skipped_total")
                           for d in (a, b)]
                self.assertEqual(sorted(deleted), [0, 1], f"deleted={deleted}")
                collector = deleted.index(1)
                self.assertGreater(skipped[1 - collector], 0, f"skipped={skipped}")
                self.assertEqual(a.stop(), 0)
                self.assertEqual(b.stop(), 0)


class S3StorageTest(unittest.TestCase):
    def test_blobs_on_s3_ready_and_clean_exit(self):
        with S3rver() as s3, Daemon(BINARY, s3_config(s3.port)) as d:
            d.wait_ready()
            address = d.listeners["metrics"]
            wait_until(lambda: (metric(address, "ringmail_blob_collector_passes_total") or 0) >= 1,
                       30, "a collector pass")
            self.assertEqual(d.stop(), 0)
            self.assertTrue(any("event=stopped" in l for l in d.log))

    def test_missing_bucket_exits_2_naming_it(self):
        with S3rver() as s3, Daemon(BINARY, s3_config(s3.port, bucket="no-such-bucket")) as d:
            self.assertEqual(exit_code(d), 2)
            text = "\n".join(d.log)
            self.assertIn("no-such-bucket", text)
            self.assertIn(f"127.0.0.1:{s3.port}", text)
            self.assertIn(d.config_path + ":", text)
            self.assertFalse(any("event=ready" in l for l in d.log))

    def test_unreachable_endpoint_is_retried_until_it_answers(self):
        port = free_port()
        with Daemon(BINARY, s3_config(port)) as d:
            line = d.wait_for(r"event=storage_unavailable", timeout=30)
            self.assertIn("store=blobs", line)
            self.assertRegex(line, r"retry_in_ms=\d+")
            self.assertFalse(any("event=ready" in l for l in d.log))
            with S3rver(port):
                d.wait_for(r"event=ready", timeout=60)
                self.assertEqual(d.stop(), 0)

    def test_sigterm_while_retrying_exits_0(self):
        with Daemon(BINARY, s3_config(free_port())) as d:
            d.wait_for(r"event=storage_unavailable", timeout=30)
            self.assertEqual(d.stop(timeout=30), 0)
            self.assertFalse(any("event=ready" in l for l in d.log))
            self.assertTrue(any("event=stopped" in l for l in d.log))

    def test_unreachable_endpoint_with_exit_policy_exits_1(self):
        with Daemon(BINARY, s3_config(free_port(), policy="exit")) as d:
            self.assertEqual(exit_code(d), 1)
            text = "\n".join(d.log)
            self.assertIn("[storage]: blobs:", text)
            self.assertIn('unavailable-at-start = "exit"', text)
            self.assertFalse(any("event=storage_unavailable" in l for l in d.log))


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
