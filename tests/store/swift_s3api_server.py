#!/usr/bin/python3
"""OpenStack Swift with its s3api middleware, all on 127.0.0.1, for the S3 signing test.

s3rver does not check SigV4 signatures; Swift's s3api does, byte for byte, so a client whose
canonical request differs in any way gets 403 SignatureDoesNotMatch. This starts, from
Debian's python3-swift, a proxy (s3api + tempauth, user test:tester / key testing) and one
account, container and object server over a single-replica ring, each on an ephemeral port
and under DIR; creates BUCKET; and prints "swift port=PORT" (the proxy's port) once S3
requests can be served. It then runs until killed (kill its process group: the servers are
its children). Stdlib and python3-swift only; run it with Debian's /usr/bin/python3.

    tests/store/swift_s3api_server.py DIR BUCKET

Prints "SKIP: ..." and exits 77 when python3-swift is not installed.
"""
import ctypes
import getpass
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

MODULE_DIR = os.path.dirname(os.path.abspath(__file__))
KINDS = ("account", "container", "object")


class DictCache:
    """An in-process stand-in for memcached (tempauth refuses to run without a cache)."""

    def __init__(self):
        self.data = {}

    def get(self, key, *args, **kwargs):
        entry = self.data.get(key)
        if entry is None:
            return None
        value, expires = entry
        if expires and expires < time.time():
            del self.data[key]
            return None
        return value

    def set(self, key, value, serialize=True, time=0, **kwargs):  # noqa: A002 (memcache API)
        self.data[key] = (value, (time + _now()) if time else 0)

    def delete(self, key, *args, **kwargs):
        self.data.pop(key, None)

    def incr(self, key, delta=1, time=0, **kwargs):  # noqa: A002
        value = int(self.get(key) or 0) + delta
        self.set(key, value, time=time)
        return value

    def decr(self, key, delta=1, time=0, **kwargs):  # noqa: A002
        return self.incr(key, -delta, time=time)

    def get_multi(self, keys, server_key, **kwargs):
        return [self.get(k) for k in keys]

    def set_multi(self, mapping, server_key, serialize=True, time=0, **kwargs):  # noqa: A002
        for k, v in mapping.items():
            self.set(k, v, time=time)


def _now():
    return time.time()


def cache_filter_factory(global_conf, **local_conf):
    cache = DictCache()

    def make_filter(app):
        def middleware(env, start_response):
            env["swift.cache"] = cache
            return app(env, start_response)

        return middleware

    return make_filter


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def configure(root, ports):
    etc = os.path.join(root, "etc")
    os.makedirs(os.path.join(root, "node", "d1"), exist_ok=True)
    os.makedirs(etc, exist_ok=True)
    write(os.path.join(etc, "swift.conf"),
          "[swift-hash]\nswift_hash_path_suffix = ringmail\nswift_hash_path_prefix = test\n"
          "[storage-policy:0]\nname = single\ndefault = yes\n")
    common = ("[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = %d\nworkers = 0\nuser = %s\n"
              "swift_dir = %s\nlog_level = WARNING\nlog_name = %s\n")
    user = getpass.getuser()
    for kind in KINDS:
        write(os.path.join(etc, kind + ".conf"),
              common % (ports[kind], user, etc, kind) +
              "devices = %s\nmount_check = false\ndisable_fallocate = true\n"
              "[pipeline:main]\npipeline = %s-server\n[app:%s-server]\nuse = egg:swift#%s\n"
              % (os.path.join(root, "node"), kind, kind, kind))
    write(os.path.join(etc, "proxy.conf"),
          common % (ports["proxy"], user, etc, "proxy") +
          "[pipeline:main]\npipeline = catch_errors cache s3api tempauth slo proxy-server\n"
          "[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\n"
          # One node per ring: never put it on the bench for errors seen while it starts.
          "error_suppression_interval = 0\n"
          "[filter:catch_errors]\nuse = egg:swift#catch_errors\n"
          "[filter:cache]\npaste.filter_factory = swift_s3api_server:cache_filter_factory\n"
          "[filter:s3api]\nuse = egg:swift#s3api\nlocation = us-east-1\n"
          "[filter:tempauth]\nuse = egg:swift#tempauth\nuser_test_tester = testing .admin\n"
          # s3api's multipart uploads are SLO manifests (S3BlobStore::PutFile sends them).
          "[filter:slo]\nuse = egg:swift#slo\n")
    from swift.common.ring import RingBuilder
    for kind in KINDS:
        builder = RingBuilder(2, 1, 1)  # 4 partitions, 1 replica
        builder.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1",
                         "port": ports[kind], "device": "d1", "weight": 1})
        builder.rebalance()
        builder.get_ring().save(os.path.join(etc, kind + ".ring.gz"))
    return etc


def serve(conf, section):
    """Runs one server in this process (workers = 0)."""
    # Swift's servers start their own sessions (setsid), so killing the launcher's process
    # group misses them: have the kernel kill each one when the launcher dies.
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:
        sys.exit(1)
    from swift.common import utils
    utils.set_swift_dir(os.path.dirname(conf))
    from swift.common.storage_policy import reload_storage_policies
    reload_storage_policies()
    from swift.common.wsgi import run_wsgi
    sys.exit(run_wsgi(conf, section))


def wait_listening(ports, deadline, children):
    """Waits until every server accepts connections; None, or why not."""
    pending = set(ports)
    while pending and time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return "a server exited (see its errors above)"
        for port in list(pending):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                pending.discard(port)
            except OSError:
                pass
        time.sleep(0.05)  # polling a condition with a deadline
    return "servers not listening on ports %s" % sorted(pending) if pending else None


def create_bucket(port, bucket, deadline, children):
    """Creates the container through the Swift API, retrying until the servers answer."""
    last = None
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return "a server exited (see its errors above)"
        try:
            auth = urllib.request.Request("http://127.0.0.1:%d/auth/v1.0" % port, headers={
                "X-Auth-User": "test:tester", "X-Auth-Key": "testing"})
            with urllib.request.urlopen(auth, timeout=5) as r:
                url, token = r.headers["X-Storage-Url"], r.headers["X-Auth-Token"]
            put = urllib.request.Request(url + "/" + bucket, method="PUT",
                                         headers={"X-Auth-Token": token})
            with urllib.request.urlopen(put, timeout=5) as r:
                if r.status in (201, 202):
                    return None
                last = "PUT container: HTTP %d" % r.status
        except (OSError, urllib.error.URLError) as e:
            last = str(e)
        time.sleep(0.05)  # polling a condition with a deadline
    return last


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) != 3:
        sys.exit("usage: %s DIR BUCKET" % sys.argv[0])
    try:
        import swift.common.middleware.s3api  # noqa: F401
    except ImportError:
        print("SKIP: python3-swift is not installed (Debian package python3-swift)", flush=True)
        sys.exit(77)
    root, bucket = sys.argv[1], sys.argv[2]
    ports = {kind: free_port() for kind in KINDS + ("proxy",)}
    etc = configure(root, ports)
    env = dict(os.environ, PYTHONPATH=MODULE_DIR)
    children = []
    for kind in KINDS + ("proxy",):
        conf = os.path.join(etc, kind + ".conf")
        children.append(subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "serve", conf, kind + "-server"],
            env=env, stdout=sys.stderr))
    deadline = time.monotonic() + 60
    error = wait_listening(ports.values(), deadline, children)
    if error is None:
        error = create_bucket(ports["proxy"], bucket, deadline, children)
    if error is not None:
        for child in children:
            child.kill()
        sys.exit("swift did not come up: %s" % error)
    print("swift port=%d" % ports["proxy"], flush=True)
    os.wait()  # one server ended: the set is broken
    for child in children:
        child.kill()
    sys.exit(1)


if __name__ == "__main__":
    main()
