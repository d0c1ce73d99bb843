"""Reads bench/imap/run's result lines on stdin and prints two tables: per server the
median over the repeats (with [min..max] for commands/s) of commands/s, overall
p50/p99/p99.9 latency, the server's CPU milliseconds per 1,000 commands, the generator's
CPU share and the errors, system calls per command, with the ratios ringmail/dovecot and
ringmail/ceiling; then p50/p99 per command kind."""
import statistics
import sys


def med(values):
    return statistics.median(values) if values else None


def fmt(v, spec="{:.0f}"):
    return "-" if v is None else spec.format(v)


def syscalls_per_command(runs):
    """System calls per command over the measured window (bench/common/syscalls.sh)."""
    return [int(r["syscalls"]) / (float(r["commands_per_s"]) * float(r["measured_s"]))
            for r in runs if "syscalls" in r and "measured_s" in r
            and float(r["commands_per_s"]) > 0]


def main():
    totals = {}   # peer -> list of dicts (one per run)
    per_cmd = {}  # (peer, cmd) -> list of dicts
    order = []
    for line in sys.stdin:
        if not line.startswith("peer="):
            continue
        f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
        peer = f["peer"]
        if peer not in order:
            order.append(peer)
        if "cmd" in f:
            per_cmd.setdefault((peer, f["cmd"]), []).append(f)
        else:
            totals.setdefault(peer, []).append(f)

    def series(peer, key):
        return [float(r[key]) for r in totals.get(peer, []) if key in r]

    print("| server | commands/s | p50 ms | p99 ms | p99.9 ms | p99 ms without LOGIN "
          "| server cpu ms/1k cmds | syscalls/cmd | load cpu share | errors | broken sessions "
          "| cpus busy |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for peer in order:
        cps = series(peer, "commands_per_s")
        if not cps:
            continue
        # server_cpu_s spans the whole run, warm-up included: per command over all of it.
        cpu_per_k = [float(r["server_cpu_s"]) * 1e6 /
                     (float(r["commands_per_s"]) * (float(r["wall_s"]) if "wall_s" in r else 1))
                     for r in totals[peer] if float(r["commands_per_s"]) > 0]
        rng = f" [{min(cps):.0f}..{max(cps):.0f}]" if len(cps) > 1 else ""
        ms = lambda key: fmt(med([v / 1e3 for v in series(peer, key)]), "{:.1f}")
        print(f"| {peer} | {med(cps):.0f}{rng} | {ms('p50_us')} | {ms('p99_us')} "
              f"| {ms('p999_us')} | {ms('p99_not_login_us')} | {fmt(med(cpu_per_k))} "
              f"| {fmt(med(syscalls_per_command(totals[peer])), '{:.2f}')} "
              f"| {fmt(med(series(peer, 'load_cpu_share')), '{:.2f}')} "
              f"| {sum(series(peer, 'errors')):.0f} | {sum(series(peer, 'broken')):.0f} "
              f"| {fmt(med(series(peer, 'machine_cpus')), '{:.2f}')} |")
    if "ringmail" in totals and "dovecot" in totals:
        r, d = med(series("ringmail", "commands_per_s")), med(series("dovecot", "commands_per_s"))
        rp, dp = med(series("ringmail", "p99_us")), med(series("dovecot", "p99_us"))
        rn = med(series("ringmail", "p99_not_login_us"))
        dn = med(series("dovecot", "p99_not_login_us"))
        print(f"\nringmail/dovecot commands/s: {r / d:.2f} (target >= 3); "
              f"p99 ringmail/dovecot: {rp / dp:.2f}, without LOGIN "
              f"{fmt(rn / dn if rn and dn else None, '{:.2f}')} (target < 1)")
    if "ringmail" in totals and "ceiling" in totals:
        r, c = med(series("ringmail", "commands_per_s")), med(series("ceiling", "commands_per_s"))
        print(f"ringmail/ceiling commands/s: {r / c:.2f} (the ceiling: IMAP framing alone on "
              "our runtime)")
    print("\n| command | " + " | ".join(f"{p} p50 / p99 ms" for p in order) + " |")
    print("|---|" + "---|" * len(order))
    cmds = []
    for (peer, cmd) in per_cmd:
        if cmd not in cmds:
            cmds.append(cmd)
    for cmd in cmds:
        cells = []
        for peer in order:
            runs = per_cmd.get((peer, cmd), [])
            p50 = med([float(r["p50_us"]) / 1e3 for r in runs])
            p99 = med([float(r["p99_us"]) / 1e3 for r in runs])
            cells.append(f"{fmt(p50, '{:.1f}')} / {fmt(p99, '{:.1f}')}")
        print(f"| {cmd} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
