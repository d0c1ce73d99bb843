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
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import plots  # noqa: E402

SUITE_TITLES = {
    "runtime": "Runtime: line protocol, our io_uring runtime (uring) against an epoll server",
    "imap": "IMAP: the same mix and corpus against Dovecot",
    "smtp": "SMTP: smtp-source against Postfix (→ Dovecot LMTP), ringmail, and smtp-sink",
    "tls": "TLS: full handshakes against openssl s_server; idle TLS memory",
    "http": "HTTP: ringmail's http listener under wrk: autoconfig (the ceiling) and JMAP on a 10k-message INBOX",
    "store": "Store: PostgreSQL pipelining and delivery (no peer: store against store)",
}

# How each system was run, beyond the configuration files the sub-benchmarks wrote out.
SETUPS = {
    "runtime": "`bench_line_server --mode uring|epoll --cores 0` (placement `1+1`: server on "
               "CPU 0, `bench_line_load` with one thread on CPU 1), the same closed-loop "
               "generator for both, one request in flight per connection, modes interleaved, "
               "3 repeats; the first second(s) are warm-up and not measured.",
    "imap": "Dovecot and `ringmail serve` (configurations below), the same users and the same "
            "generated corpus APPENDed to both, `bench_imap_load` (one reactor thread) running "
            "the same 39-command session mix; passwords yescrypt for both (the same LOGIN "
            "cost); peers interleaved; warm-up excluded.",
    "smtp": "`smtp-source -s 20 -m N -l SIZE [-d]` against `smtp-sink -u nobody HOST:PORT 1024` "
            "(the protocol alone), a standalone Postfix relaying over LMTP to a standalone "
            "Dovecot (configurations below), and `ringmail serve` with an smtp listener; "
            "peers rotated per point. No warm-up: each rate counts from the first message.",
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


def cell(s):
    if not s:
        return "-"
    n = len(s["values"]) if s.get("values") else None
    spread = f" [{num(s['min'])}..{num(s['max'])}]" if s["min"] != s["max"] else ""
    return f"{num(s['median'])}{spread}" + (f" ({n}×)" if n and n > 1 else "")


def ratio(r):
    return f"{r:.2f}" if r is not None else "-"


def figures_table(figures):
    lines = ["| figure | unit | system | median [min..max] | peer | peer median [min..max] "
             "| ratio | ceiling | ceiling ratio |", "|---|---|---|---|---|---|---|---|---|"]
    for f in figures:
        x = f" ({', '.join(f'{k} {v}' for k, v in f['x'].items())})" if f["x"] else ""
        others = "".join(f"<br>{name}: {cell(s)}" for name, s in f["others"].items() if s)
        lines.append(
            f"| {f['title']}{x} | {f['unit']}, {f['better']} is better | {f['system']} "
            f"| {cell(f['value'])} | {f['peer']['name'] if f['peer'] else '-'} "
            f"| {cell(f['peer'])}{others} | {ratio(f['ratio'])} "
            f"| {cell(f['ceiling'])}{' (' + f['ceiling']['name'] + ')' if f['ceiling'] else ''} "
            f"| {ratio(f['ceiling_ratio'])} |")
    return "\n".join(lines)


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
        f"**Machine**: {m['cpu_model']}, {m['cores']} CPUs, {m['memory_gib']} GiB, kernel "
        f"{m['kernel']}, Debian {m['debian']}. **Load average** (1/5/15 min) at the start "
        f"{result['load_start']}, at the end {result['load_end']}: this machine is shared "
        "with other builders, so the figures were taken under load; the ratios between "
        "systems measured in the same run are the meaningful part.", "",
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
    lines = header(result) + steps_table(result) + [""]
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
            lines += ["Cells: median [min..max] (repetitions). ratio = system / peer medians, "
                      "ceiling ratio = system / ceiling: above 1 is better when higher is "
                      "better, below 1 when lower is better.", ""]
        lines += [f"![{title}]({plots_rel}/{file})" for s, title, file in drawn if s == suite]
        lines += [""]
    lines += ["## Honesty notes", "", HONESTY] + configurations(result)
    with open(args.out, "w") as f:
        f.write("\n".join(lines).rstrip() + "\n")
    print(f"report: {os.path.relpath(args.out)} with {len(drawn)} plot(s) in "
          f"{os.path.relpath(args.plots)}")


if __name__ == "__main__":
    main()
