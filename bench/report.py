#!/usr/bin/python3
"""bench/report.py RESULT.json [--baseline OLD.json] [--out bench/REPORT.md]
[--plots bench/plots] — the markdown report of a bench/run result.

Writes the comparison tables (ringmail against its peer and the ceiling, ratios, spread),
PNG plots (bench/plots.py), the regression table against a baseline (bench/compare.py),
the configuration every system ran with, and the honesty notes.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import plots  # noqa: E402

SUITE_TITLES = {
    "runtime": "Runtime: line protocol, our io_uring runtime (uring) against an epoll server",
    "imap": "IMAP: the same mix and corpus against Dovecot and the IMAP ceiling",
    "smtp": "SMTP: smtp-source against Postfix (→ Dovecot LMTP), ringmail, the SMTP ceiling "
            "and smtp-sink",
    "tls": "TLS: full handshakes against openssl s_server; idle TLS memory",
    "http": "HTTP: ringmail's http listener under wrk: autoconfig (the ceiling) and JMAP on a 10k-message INBOX",
    "store": "Store: PostgreSQL pipelining and delivery (no peer: store against store)",
    "scaling": "Scaling with reactor cores: the same load with each core list",
}

# How each system was run, beyond the configuration files the sub-benchmarks wrote out.
SETUPS = {
    "runtime": "`bench_line_server --mode uring|epoll --cores 0` (placement `1+1`: server on "
               "CPU 0, `bench_line_load` with one thread on CPU 1), the same closed-loop "
               "generator for both, one request in flight per connection, modes interleaved, "
               "3 repeats; the first second(s) are warm-up and not measured; io_uring_enter "
               "counted by the runtime itself, epoll's calls by the server. Idle memory: "
               "`bench_line_load --idle --source-ips 127.0.0.1-127.0.0.8` against each server "
               "on CPU 0, RSS before and after.",
    "imap": "Dovecot and `ringmail serve` (configurations below), the same users and the same "
            "generated corpus APPENDed to both, `bench_imap_load` (one reactor thread) running "
            "the same 39-command session mix; passwords yescrypt for both (the same LOGIN "
            "cost); the ceiling `bench_ceiling --protocol imap --corpus DIR` (bench/ceiling/: "
            "the same corpus served from memory with canned, correctly framed answers, no "
            "store, no password check, on ringmail's cores); peers rotated; warm-up excluded. "
            "System calls counted by `perf stat -e raw_syscalls:sys_enter,"
            "syscalls:sys_enter_io_uring_enter -p PIDS` on each server's process tree over the "
            "measured window (bench/common/syscalls.sh). Idle memory: connections LOGIN, "
            "SELECT a 1,000-message INBOX and IDLE, from 127.0.0.1-127.0.0.8; ringmail's idle "
            "accounts hash with sha512-crypt and Dovecot's passwords are {PLAIN} there (the "
            "hash changes nothing a logged-in connection holds); Dovecot up to 10,000.",
    "smtp": "`smtp-source -s 20 -m N -l SIZE [-d]` against `smtp-sink -u nobody HOST:PORT 1024` "
            "(Postfix's sink), the SMTP ceiling on our runtime `bench_ceiling --protocol smtp` "
            "(bench/ceiling/: replies and the DATA terminator, nothing stored; both sinks get 4× "
            "the messages), a standalone Postfix relaying over LMTP to a standalone "
            "Dovecot (configurations below), and `ringmail serve` with an smtp listener; "
            "peers rotated per point. No warm-up: each rate counts from the first message. "
            "System calls per message: the server's process trees (Postfix: its master's and "
            "Dovecot's, until the last message is delivered), as for IMAP.",
    "tls": "`taskset -c 0 openssl s_server -cert C -key K -quiet` and `ringmail serve` with "
           "`cores = [0]` (configuration below), each with an ECDSA P-256 and an RSA-2048 "
           "certificate; one client `openssl s_time -new -ciphersuites TLS_AES_128_GCM_SHA256` "
           "(TLS 1.3, full handshakes, no resumption), order openssl, ringmail, ringmail, "
           "openssl. No warm-up exclusion: the same for both.",
    "http": "`ringmail serve` with `cores = [0]` and an http listener (configuration below); "
            "`taskset -c 1 wrk -t1 -c N` GET `/mail/config-v1.1.xml?emailaddress=...`, one "
            "unmeasured second of warm-up per connection count.",
    "store": "`bench/store/run_pg`: a private PostgreSQL 15 cluster (fsync on, "
             "synchronous_commit on unless stated), SQLite in WAL with synchronous=FULL, "
             "s3rver for S3 blobs.",
    "scaling": "For each core list L: `SERVER_CORES=L bench/line/run` (both line servers on L, "
               "the generator on the other CPUs, or sharing when L is all of them), "
               "`RINGMAIL_CORES=L NO_DOVECOT=1 bench/imap/run` (ringmail and the IMAP ceiling "
               "on L, 50 connections) and `RINGMAIL_CORES=L bench/http/run` (autoconfig and "
               "Core/echo, 100 connections). On a machine with as many CPUs as L, the "
               "generator shares them: read it as what more cores buy under the same load.",
}

HONESTY = """\
- **Durability is the same for every system: fsync on.** ringmail commits SQLite with
  `synchronous = FULL` before it answers (SMTP `250`, IMAP `APPEND`); Postfix fsyncs each
  queue file before its `250`; Dovecot keeps its default `mail_fsync = optimized` (message
  files fsynced on delivery and APPEND); PostgreSQL runs with fsync on. `smtp-sink` stores
  nothing: it is the ceiling, not a peer.
- **The same TLS suite for both TLS servers**: TLS 1.3 `TLS_AES_128_GCM_SHA256`, the same
  certificates, the same `openssl s_time` client.
- **The same load generator and data for every peer of a suite**, in the same run, in
  alternating or rotating order so that drift in the machine favours none.
- **Warm-up excluded** where the generator has one (runtime, IMAP, HTTP); SMTP and TLS
  rates count from the first message or handshake, equally for every peer.
- **Noise shown**: every cell is the median over the repetitions with [min..max]; the load
  average of the machine at the start and end of every sub-benchmark is in the table above.
  The machine is shared: compare systems within one run (the ratios), not runs across days.
"""


num = compare.number

# The figures the summary at the top shows (patterns of figure names).
HEADLINES = (
    r"runtime\.1\+1\.(requests_per_s|core_us_per_req)\.",
    r"runtime\.idle\.connect\.rss_b_per_conn",
    r"imap\.(commands_per_s|p99_not_login_ms|cpu_ms_per_1k|syscalls_per_cmd)\.",
    r"imap\.idle\.pss_kib_per_conn",
    r"smtp\.[^.]+\.[^.]+\.msgs_per_s\.",
    r"smtp\.5k\.reuse\.syscalls_per_msg\.",
    r"tls\.[^.]+\.handshakes_per_s$",
    r"http\.(autoconfig|jmap_echo)\.(requests_per_s|syscalls_per_req)\.",
    r"scaling\.(runtime\.c\d+\.requests_per_s|imap\.commands_per_s|http\.autoconfig\.requests_per_s)",
)


def cell(s):
    if not s:
        return "-"
    n = len(s["values"]) if s.get("values") else None
    spread = f" [{num(s['min'])}..{num(s['max'])}]" if s["min"] != s["max"] else ""
    return f"{num(s['median'])}{spread}" + (f" ({n}×)" if n and n > 1 else "")


def ratio(r):
    return f"{r:.2f}" if r is not None else "-"


def of_ceiling(f):
    """The system's figure as a fraction of the ceiling's: a share of what the runtime can do
    for throughput (higher is better), a multiple of the ceiling's cost otherwise."""
    r = f["ceiling_ratio"]
    if r is None:
        return "-"
    return f"{r:.0%}" if f["better"] == "higher" else f"{r:.2f}×"


def spread(s):
    """The relative spread (max - min) / median of a cell: the noise the run measured."""
    if not s or not s.get("values") or len(s["values"]) < 2 or not s["median"]:
        return "-"
    return f"{(s['max'] - s['min']) / abs(s['median']):.0%}"


def figures_table(figures):
    lines = ["| figure | unit | system | median [min..max] | spread | peer "
             "| peer median [min..max] | × peer | ceiling | of ceiling |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for f in figures:
        x = f" ({', '.join(f'{k} {v}' for k, v in f['x'].items())})" if f["x"] else ""
        others = "".join(f"<br>{name}: {cell(s)}" for name, s in f["others"].items() if s)
        lines.append(
            f"| {f['title']}{x} | {f['unit']}, {f['better']} is better | {f['system']} "
            f"| {cell(f['value'])} | {spread(f['value'])} "
            f"| {f['peer']['name'] if f['peer'] else '-'} "
            f"| {cell(f['peer'])}{others} | {ratio(f['ratio'])} "
            f"| {cell(f['ceiling'])}{' (' + f['ceiling']['name'] + ')' if f['ceiling'] else ''} "
            f"| {of_ceiling(f)} |")
    return "\n".join(lines)


def load_warning(result):
    """The machine's load during the run, said first: figures taken on a loaded machine are
    not a quiet machine's, whatever their ratios."""
    cores = result["machine"].get("cores") or 1
    peak = max(result["load_start"][0], result["load_end"][0],
               *(r["load_end"][0] for rs in result["suites"].values() for r in rs))
    text = (f"**Load average** (1/5/15 min) at the start {result['load_start']}, at the end "
            f"{result['load_end']}, highest 1-minute value at a sub-benchmark's end "
            f"{peak:.2f}, on {cores} CPUs.")
    if peak > cores / 2:
        text = ("> ⚠ **Taken on a loaded machine** — other work ran beside the benchmark, so "
                "absolute figures are low and noisy; compare systems within this run (ratios to "
                "the peer and fractions of the ceiling), not with another run. " + text)
    return text


def summary(result):
    """One line per suite: its headline figures' ratios to the peer and to the ceiling."""
    lines = ["## Summary", "", "| suite | figure | ringmail | × peer | of ceiling |",
             "|---|---|---|---|---|"]
    for f in result["figures"]:
        if not f["value"] or not any(re.match(h, f["name"]) for h in HEADLINES):
            continue
        x = f" ({', '.join(f'{k} {v}' for k, v in f['x'].items())})" if f["x"] else ""
        peer = f" ({f['peer']['name']})" if f["peer"] else ""
        lines.append(f"| {f['suite']} | {f['title']}{x} | {num(f['value']['median'])} "
                     f"{f['unit']} | {ratio(f['ratio'])}{peer} | {of_ceiling(f)} |")
    return lines + [""] if len(lines) > 4 else []


def header(result):
    m, v = result["machine"], result["versions"]
    kind = ("**Quick run (`bench/run --quick`)**: fewer points and repetitions than the full "
            "suite" if result["quick"] else "Full run (`bench/run`)")
    dirty = " (with uncommitted changes)" if v.get("ringmail_dirty") else ""
    return [
        "# ringmail benchmark report", "",
        f"{kind}, started {result['started']}, {result['duration_s']:.0f} s, ringmail commit "
        f"`{(v['ringmail_commit'] or '?')[:12]}`{dirty}"
        f"{' (' + result['note'] + ')' if result.get('note') else ''}. "
        "Generated by `bench/report.py` from "
        f"`bench/results/` (the machine-readable result); rerun with `bench/run"
        f"{' --quick' if result['quick'] else ''}`.", "",
        load_warning(result), "",
        f"**Machine**: {m['cpu_model']}, {m['cores']} CPUs, {m['memory_gib']} GiB, kernel "
        f"{m['kernel']}, Debian {m['debian']}.", "",
        f"**Versions**: Dovecot {v['dovecot']}, Postfix {v['postfix']}, {v['openssl']}, "
        f"wolfSSL {v['wolfssl']}, {v.get('postgresql') or 'PostgreSQL -'}, wrk {v.get('wrk')}.",
        "",
    ]


def steps_table(result):
    lines = ["| sub-benchmark | command | exit | seconds | load average start → end | figures |",
             "|---|---|---|---|---|---|"]
    for suite, records in result["suites"].items():
        for r in records:
            env = " ".join(f"{k}={v}" for k, v in r["env"].items())
            lines.append(f"| {r['label']} | `{env + ' ' if env else ''}{r['command']}` "
                         f"| {r['exit_code']} | {r['duration_s']:.0f} | {r['load_start']} → "
                         f"{r['load_end']} | {r.get('figures', 0)}"
                         f"{' (' + r['parse_error'] + ')' if r.get('parse_error') else ''} |")
    return lines


def configurations(result):
    lines = ["## Configurations", ""]
    for suite in result["suites"]:
        lines += [f"- **{suite}**: {SETUPS[suite]}"]
    lines += ["", "The configuration files as the sub-benchmarks generated them (temporary "
              "paths are the run's own directories):", ""]
    for name, text in result.get("configs", {}).items():
        lines += [f"<details><summary><code>{name}</code></summary>", "", "```", text.rstrip(),
                  "```", "", "</details>", ""]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("result")
    parser.add_argument("--baseline")
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "REPORT.md"))
    parser.add_argument("--plots", default=os.path.join(here, "plots"))
    args = parser.parse_args()
    with open(args.result) as f:
        result = json.load(f)
    drawn = plots.draw(result, args.plots)
    plots_rel = os.path.relpath(args.plots, os.path.dirname(os.path.abspath(args.out)))
    lines = header(result) + summary(result) + steps_table(result) + [""]
    if result.get("skipped"):
        lines += ["Not measured on this machine:", ""] + [f"- {r}" for r in result["skipped"]]
        lines += [""]
    if args.baseline:
        with open(args.baseline) as f:
            old = json.load(f)
        rows = compare.compare(result, old)
        bad = sum(r["status"] == "REGRESSED" for r in rows)
        lines += ["## Against the baseline", "",
                  f"Baseline `{os.path.basename(args.baseline)}` (load {old['load_start']} → "
                  f"{old['load_end']}): {bad} figure(s) regressed (worse by more than both "
                  "runs' spread, at least 5 %, and worse against the peer too when there is "
                  f"one); {sum(r['status'] == 'same' for r in rows)} within the noise and not "
                  "listed (`bench/compare.py NEW OLD` lists every figure).", "",
                  compare.table([r for r in rows if r["status"] != "same"]), ""]
    for suite in result["suites"]:
        figures = [f for f in result["figures"] if f["suite"] == suite]
        lines += [f"## {SUITE_TITLES[suite]}", ""]
        lines += [figures_table(figures) if figures else "No figures (see the exit code).", ""]
        if figures:
            lines += ["Cells: median [min..max] (repetitions); spread = (max − min) / median, "
                      "the run's own noise. × peer = system / peer medians: above 1 is better "
                      "when higher is better, below 1 when lower is better. of ceiling = system "
                      "/ ceiling: the share of what the protocol's framing alone reaches on "
                      "this runtime (throughput), or the multiple of its cost (latency, calls).",
                      ""]
        lines += [f"![{title}]({plots_rel}/{file})" for s, title, file in drawn if s == suite]
        lines += [""]
    lines += ["## Honesty notes", "", HONESTY] + configurations(result)
    with open(args.out, "w") as f:
        f.write("\n".join(lines).rstrip() + "\n")
    print(f"report: {os.path.relpath(args.out)} with {len(drawn)} plot(s) in "
          f"{os.path.relpath(args.plots)}")
    print(f"load average: start {result['load_start']}, end {result['load_end']} "
          f"({result['machine'].get('cores')} CPUs)")


if __name__ == "__main__":
    main()
