"""Summarizes bench/line/run's result lines (stdin) into a table of medians and ranges.

Each input line is `key=value` pairs from one run: the server's final counters, the load
generator's results, and what the script measured around it (config, rep, cpuN_busy,
wall_s, other_cpus). Columns, each a median over the repeats, some with [min..max]:

  requests/s     answers per second counted by the load generator after its warm-up
  enters|sys/req uring: io_uring_enter calls per request; epoll: epoll_wait + read + write
                 calls per request (whole server run, set-up and close included)
  proc us/req    the server process's user+system CPU per request
  core us/req    1+1: the server's CPU time per request including the softirq time on its
                 CPU 0 (this kernel accounts softirq apart from the task that caused it;
                 on loopback it is the TCP receive path run in the sender's context);
                 2sh: server + generator + all softirq time per request (both CPUs);
                 cN (SERVER_CORES): as 1+1 on the server's CPUs, as 2sh when the
                 generator shares them
  cpu-bound/s    1+1 only: 1e6 / core us/req, what the server's core would serve if it were
                 the bottleneck
  busy 0/1       how busy CPU 0 and CPU 1 were (1.00: saturated). In 1+1, a generator CPU
                 (1) at 1.00 with the server's CPU (0) below means the generator was the
                 limit and requests/s cannot separate the servers; compare core us/req.
  p50/p99 us     closed-loop latency seen by the load generator
  other          CPUs that other processes used during the run (machine noise)
"""

import statistics
import sys


def parse(line):
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def requests(run):
    return max(int(run["requests"]), 1)


def per_request(run):
    if run["mode"] == "uring":
        return int(run["ring_enters"]) / requests(run)
    return (int(run["epoll_waits"]) + int(run["reads"]) + int(run["writes"])) / requests(run)


def proc_us(run):
    return (float(run["cpu_user_s"]) + float(run["cpu_sys_s"])) * 1e6 / requests(run)


def core_us(run):
    server = set(run.get("server_cpus", "0" if run["config"] == "1+1" else "0,1").split(","))
    load = set(run.get("load_cpus", "1" if run["config"] == "1+1" else "0,1").split(","))
    cpu = float(run["cpu_user_s"]) + float(run["cpu_sys_s"])
    cpus = server
    if server & load:  # sharing: the generator's CPU time is in the cores' time too
        cpu += float(run["load_cpu_s"])
        cpus = server | load
    cpu += sum(float(run.get(f"cpu{c}_softirq_s", 0)) for c in cpus)
    return cpu * 1e6 / requests(run)


def spread(values, fmt):
    med = statistics.median(values)
    return f"{fmt.format(med)} [{fmt.format(min(values))}..{fmt.format(max(values))}]"


def median(rs, key):
    return statistics.median(float(r[key]) for r in rs)


def print_row(config, mode, rs):
    core = [core_us(r) for r in rs]
    bound = f"{1e6 / statistics.median(core):.0f}" if config in ("1+1", "c1") else "-"
    print(f"{config:6} {mode:5} {spread([float(r['requests_per_s']) for r in rs], '{:.0f}'):>24} "
          f"{spread([per_request(r) for r in rs], '{:.3f}'):>22} "
          f"{statistics.median(proc_us(r) for r in rs):8.2f} {spread(core, '{:.2f}'):>20} "
          f"{bound:>11} {median(rs, 'cpu0_busy'):5.2f}/{median(rs, 'cpu1_busy'):.2f} "
          f"{median(rs, 'p50_us'):8.0f} {median(rs, 'p99_us'):8.0f} {median(rs, 'other_cpus'):6.2f}")


def main():
    runs = [parse(line) for line in sys.stdin if line.strip()]
    print(f"{'config':6} {'mode':5} {'requests/s':>24} {'enters|sys/req':>22} "
          f"{'proc us':>8} {'core us/req':>20} {'cpu-bound/s':>11} {'busy 0/1':>9} "
          f"{'p50 us':>8} {'p99 us':>8} {'other':>6}")
    for config in sorted({r["config"] for r in runs}):
        by_mode = {}
        for mode in ("uring", "epoll"):
            rs = [r for r in runs if r["config"] == config and r["mode"] == mode]
            if rs:
                print_row(config, mode, rs)
                by_mode[mode] = {r["rep"]: r for r in rs}
        if len(by_mode) == 2:
            u, e = by_mode["uring"], by_mode["epoll"]
            rps = lambda rs: statistics.median(float(r["requests_per_s"]) for r in rs.values())
            core = lambda rs: statistics.median(core_us(r) for r in rs.values())
            paired = [float(u[k]["requests_per_s"]) / float(e[k]["requests_per_s"])
                      for k in u if k in e and float(e[k]["requests_per_s"]) > 0]
            print(f"{config:6} uring/epoll: requests/s {rps(u) / max(rps(e), 1):.2f} "
                  f"(per repeat {', '.join(f'{p:.2f}' for p in paired)}); "
                  f"CPU per request {core(u) / core(e):.2f}")
    other = statistics.median(float(r["other_cpus"]) for r in runs)
    if other > 0.25:
        print(f"warning: other processes used {other:.2f} CPUs (median) during the runs: "
              "requests/s then measures contention; compare core us/req instead")
    errors = sum(int(r.get("errors", 0)) for r in runs)
    if errors:
        print(f"warning: the load generator counted {errors} errors")


if __name__ == "__main__":
    main()
