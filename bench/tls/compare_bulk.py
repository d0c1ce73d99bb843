"""bench/tls/compare_bulk.py BASE NEW [REPS] — one 10 MiB `FETCH BODY[]` over IMAPS (userspace
TLS) against two ringmail binaries (e.g. main's and a branch's), one one-core daemon each, in
alternating order: medians of the server's CPU ms per MB, its minor page faults per MB (all
threads, /proc/PID/task/*/stat) and MB/s. For a change to the TLS write path; not a pass/fail
test. Uses bulk_fetch.py's client."""
import os, shutil, socket, statistics, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bulk_fetch as bf  # noqa: E402

def minflt(pid):
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as f:
                total += int(f.read().rsplit(")", 1)[1].split()[7])
        except FileNotFoundError:
            pass
    return total

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def start(binary, work, name):
    d = os.path.join(work, name); os.makedirs(d)
    ps, pp = free_port(), free_port()
    cfg = os.path.join(d, "r.toml")
    open(cfg, "w").write(f'''[server]
hostname = "localhost"
cores = [0]
data-dir = "{d}"
[tls]
certificate = "{work}/c.pem"
private-key = "{work}/k.pem"
[listener.imaps]
protocol = "imap"
bind = ["127.0.0.1:{ps}"]
tls = "implicit"
[listener.imap]
protocol = "imap"
bind = ["127.0.0.1:{pp}"]
[authentication]
plain-text-networks = ["127.0.0.1/32"]
''')
    subprocess.run([binary, "--config", cfg, "domain", "add", "example.test"], check=True, capture_output=True)
    subprocess.run([binary, "--config", cfg, "account", "add", "bench", "--email", "bench@example.test", "--password-stdin"], input=b"bench-password\n", check=True, capture_output=True)
    proc = subprocess.Popen([binary, "serve", "--config", cfg], stdout=open(os.path.join(d, "log"), "w"), stderr=subprocess.STDOUT)
    for _ in range(200):
        try: socket.create_connection(("127.0.0.1", pp), timeout=1).close(); break
        except OSError: time.sleep(0.05)
    body = bf.message(10)
    s = socket.create_connection(("127.0.0.1", pp), timeout=60); s.recv(4096)
    s.sendall(b"a LOGIN bench@example.test bench-password\r\n"); bf.read_until(s, b"a")
    s.sendall(b"b APPEND INBOX {%d+}\r\n" % len(body) + body + b"\r\n"); bf.read_until(s, b"b"); s.close()
    return proc, ps

work = tempfile.mkdtemp(prefix="ktls-bulk-")
subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f"{work}/k.pem", "-out", f"{work}/c.pem", "-days", "2", "-subj", "/CN=localhost"], check=True, capture_output=True)
os.chmod(f"{work}/k.pem", 0o600)
servers = {"base": start(os.path.abspath(sys.argv[1]), work, "base"),
           "new": start(os.path.abspath(sys.argv[2]), work, "new")}
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 5
res = {n: [] for n in servers}
try:
    for rep in range(reps):
        for name in (["base", "new"] if rep % 2 == 0 else ["new", "base"]):
            proc, port = servers[name]
            f0 = minflt(proc.pid)
            got, wall, cpu, suite = bf.imap_fetch(port, True, "bench@example.test", "bench-password", proc.pid)
            faults = minflt(proc.pid) - f0
            res[name].append((cpu * 1e3 / (got / 1e6), faults / (got / 1e6), got / 1e6 / wall))
    for name, rs in res.items():
        print(f"{name:7s} cpu ms/MB median {statistics.median(r[0] for r in rs):6.2f} "
              f"[{min(r[0] for r in rs):.2f}..{max(r[0] for r in rs):.2f}]  minor faults/MB "
              f"{statistics.median(r[1] for r in rs):6.1f}  MB/s {statistics.median(r[2] for r in rs):6.1f}  ({suite}, {reps} reps)")
finally:
    for proc, _ in servers.values():
        proc.terminate(); proc.wait()
    shutil.rmtree(work, ignore_errors=True)
