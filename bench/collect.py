"""Turns the sub-benchmarks' raw result lines (RESULTS_FILE, key=value) and printed tables
into the figures of one bench/run result (bench/README.md, "The suite").

A figure is a dict:
  name          unique within a run, e.g. "smtp.5k.new.msgs_per_s"
  suite, title, unit, better ("higher" or "lower")
  x             {"connections": N} when the figure is one point of a sweep, else {}
  group         figures that differ only in x share a group (one line of a plot)
  system        the measured system's name (ringmail, or uring: our runtime)
  value         stats of the system's values (None when the system did not run)
  peer          {"name", stats...} of the peer in the same run, or None
  ratio         value / peer medians
  ceiling       {"name", stats...} of the ceiling (what no server can beat here), or None
  ceiling_ratio value / ceiling medians
  others        more peers' stats by name (e.g. Postfix's delivered rate), may be empty
  chart         the bar chart a one-point figure is drawn in (default: suite and unit)
Stats: {"values": [per repetition], "median", "min", "max", "stdev"} ("values" None when the
sub-benchmark prints only median and range).
"""
import importlib.util
import os
import re
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))


def stats(values):
    values = [float(v) for v in values if v is not None]
    if not values:
        return None
    return {"values": values, "median": statistics.median(values), "min": min(values),
            "max": max(values), "stdev": statistics.stdev(values) if len(values) > 1 else None}


def printed_stats(median, low, high):
    """Stats of a figure a sub-benchmark printed as a median and a range only."""
    return {"values": None, "median": float(median), "min": float(low), "max": float(high),
            "stdev": None}


def named(name, s):
    return dict(s, name=name) if s else None


def figure(suite, name, title, unit, better, system, value, peer=None, ceiling=None,
           x=None, group=None, others=None, chart=None):
    def ratio(a, b):
        return a["median"] / b["median"] if a and b and b["median"] else None
    return {"suite": suite, "name": name, "title": title, "unit": unit, "better": better,
            "x": x or {}, "group": group or name, "system": system, "value": value,
            "peer": peer, "ratio": ratio(value, peer), "ceiling": ceiling,
            "ceiling_ratio": ratio(value, ceiling), "others": others or {},
            "chart": chart or f"{suite}_{unit.replace('/', '_per_')}"}


def parse_lines(text):
    return [dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
            for line in text.splitlines() if "=" in line]


def load_module(path):
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def runtime(text, connections):
    """bench/line/run: uring (our runtime) against the epoll baseline, per placement."""
    line = load_module(os.path.join(HERE, "line", "summarize.py"))
    runs = parse_lines(text)
    out = []
    metrics = (
        ("requests_per_s", "requests/s", "req/s", "higher", lambda r: float(r["requests_per_s"])),
        ("core_us_per_req", "server core CPU per request", "us", "lower", line.core_us),
        ("syscalls_per_req", "io_uring_enter (uring) or syscalls (epoll) per request",
         "calls", "lower", line.per_request),
        ("p50_us", "p50 latency", "us", "lower", lambda r: float(r["p50_us"])),
        ("p99_us", "p99 latency", "us", "lower", lambda r: float(r["p99_us"])),
    )
    for config in sorted({r["config"] for r in runs}):
        by_mode = {m: [r for r in runs if r["config"] == config and r["mode"] == m]
                   for m in ("uring", "epoll")}
        for key, title, unit, better, get in metrics:
            group = f"runtime.{config}.{key}"
            out.append(figure(
                "runtime", f"{group}.c{connections}", f"line protocol {config}: {title}", unit,
                better, "uring", stats(get(r) for r in by_mode["uring"]),
                peer=named("epoll", stats(get(r) for r in by_mode["epoll"])),
                x={"connections": connections}, group=group))
    return out


def imap(text, connections):
    """bench/imap/run: ringmail against Dovecot, the same mix and corpus."""
    totals, per_cmd = {}, {}
    for r in parse_lines(text):
        if "peer" not in r:
            continue
        if "cmd" in r:
            per_cmd.setdefault(r["cmd"], {}).setdefault(r["peer"], []).append(r)
        else:
            totals.setdefault(r["peer"], []).append(r)

    def cpu_per_k(r):
        cps = float(r["commands_per_s"])
        return float(r["server_cpu_s"]) * 1e6 / (cps * float(r["wall_s"])) if cps > 0 else None

    metrics = (
        ("commands_per_s", "commands/s of the mix", "cmd/s", "higher",
         lambda r: float(r["commands_per_s"])),
        ("p50_ms", "p50 latency", "ms", "lower", lambda r: float(r["p50_us"]) / 1e3),
        ("p99_ms", "p99 latency", "ms", "lower", lambda r: float(r["p99_us"]) / 1e3),
        ("p999_ms", "p99.9 latency", "ms", "lower", lambda r: float(r["p999_us"]) / 1e3),
        ("p99_not_login_ms", "p99 latency without LOGIN", "ms", "lower",
         lambda r: float(r["p99_not_login_us"]) / 1e3 if "p99_not_login_us" in r else None),
        ("cpu_ms_per_1k", "server CPU per 1,000 commands", "ms", "lower", cpu_per_k),
    )
    charts = {"commands_per_s": "imap_throughput", "cpu_ms_per_1k": "imap_cpu"}
    x = {"connections": connections}
    out = [figure("imap", f"imap.{key}.c{connections}", f"IMAP mix: {title}", unit, better,
                  "ringmail", stats(get(r) for r in totals.get("ringmail", [])),
                  peer=named("dovecot", stats(get(r) for r in totals.get("dovecot", []))), x=x,
                  group=f"imap.{key}", chart=charts.get(key, "imap_latency"))
           for key, title, unit, better, get in metrics]
    for cmd, peers in per_cmd.items():
        get = lambda r: float(r["p99_us"]) / 1e3
        out.append(figure("imap", f"imap.cmd.{cmd}.p99_ms.c{connections}",
                          f"IMAP {cmd}: p99 latency", "ms", "lower", "ringmail",
                          stats(get(r) for r in peers.get("ringmail", [])),
                          peer=named("dovecot", stats(get(r) for r in peers.get("dovecot", []))),
                          x=x, group=f"imap.cmd.{cmd}.p99_ms", chart="imap_commands_p99"))
    return out


def smtp(text, sessions):
    """bench/smtp/run: ringmail (accepted = stored) against Postfix, smtp-sink the ceiling."""
    points = {}
    for r in parse_lines(text):
        if "peer" in r:
            points.setdefault((r["size"], r["conn"]), []).append(r)
    out = []
    for (size, conn), rs in points.items():
        def rate(peer, key="accepted_per_s"):
            return stats(float(r[key]) for r in rs if r["peer"] == peer and key in r)
        mode = "one connection per message" if conn == "new" else "reused connections"
        group = f"smtp.{size}.{conn}.msgs_per_s"
        out.append(figure(
            "smtp", f"{group}.s{sessions}", f"SMTP {size}B messages, {mode}", "msg/s", "higher",
            "ringmail", rate("ringmail"), peer=named("postfix", rate("postfix")),
            ceiling=named("smtp-sink", rate("sink")), x={"connections": sessions}, group=group,
            others={"postfix delivered into Dovecot": rate("postfix", "delivered_per_s")}))
    return out


def tls(text):
    """bench/tls/run: handshakes/s and server CPU per handshake against openssl s_server; raw
    wolfCrypt against openssl speed; a large FETCH over TLS; idle TLS memory."""
    rs = parse_lines(text)
    out = []
    for cert in sorted({r["cert"] for r in rs if r.get("kind") == "handshakes"}):
        def rate(peer):
            return stats(float(r["per_s"]) for r in rs if r.get("kind") == "handshakes"
                         and r["cert"] == cert and r["peer"] == peer)
        out.append(figure("tls", f"tls.{cert}.handshakes_per_s",
                          f"TLS 1.3 full handshakes/s, one core, {cert.upper()}", "hs/s",
                          "higher", "ringmail", rate("ringmail"),
                          peer=named("openssl s_server", rate("openssl"))))
        cpu = [r for r in rs if r.get("kind") == "handshakes" and r["cert"] == cert
               and "cpu_ms" in r]
        if cpu:
            def ms(peer):
                return stats(float(r["cpu_ms"]) for r in cpu if r["peer"] == peer)
            out.append(figure("tls", f"tls.{cert}.server_cpu_ms_per_handshake",
                              f"server CPU per TLS 1.3 full handshake, {cert.upper()}", "ms",
                              "lower", "ringmail", ms("ringmail"),
                              peer=named("openssl s_server", ms("openssl"))))
    for r in (r for r in rs if r.get("kind") == "raw"):
        unit = "MB/s" if r["op"].endswith("_16k") else "op/s"
        out.append(figure("tls", f"tls.raw.{r['op']}", f"raw {r['op']} (one core)", unit,
                          "higher", "wolfcrypt", stats([r["wolfcrypt"]]),
                          peer=named("openssl speed", stats([r["openssl"]]))))
    bulk = [r for r in rs if r.get("kind") == "bulk"]
    for key, title, unit, better in (("mb_per_s", "throughput", "MB/s", "higher"),
                                     ("cpu_ms_per_mb", "server CPU per MB", "ms", "lower")):
        def by(peer):
            return stats(float(r[key]) for r in bulk if r["peer"] == peer)
        if bulk:
            out.append(figure(
                "tls", f"tls.bulk.{key}", f"{bulk[0]['mib']} MiB FETCH over TLS: {title}",
                unit, better, "ringmail", by("imaps"), peer=named("openssl s_server", by("openssl")),
                others={"ringmail plain IMAP": by("imap")}, chart=f"tls_bulk_{key}"))
    idle = {r["conn"]: r for r in rs if r.get("kind") == "idle"}
    if "tls" in idle:
        plain = idle.get("plain")
        out.append(figure(
            "tls", "tls.idle.rss_b_per_conn", "user-space memory per idle TLS IMAP connection",
            "B", "lower", "ringmail", stats([idle["tls"]["rss_b_per_conn"]]),
            others={"plain IMAP": stats([plain["rss_b_per_conn"]])} if plain else {}))
    return out


def http(text):
    """bench/http/run: ringmail's http listener under wrk, per scenario and connection count
    (runs from before scenarios existed are autoconfig's)."""
    rs = parse_lines(text)
    for r in rs:
        r.setdefault("scenario", "autoconfig")
    titles = {"autoconfig": "HTTP GET autoconfig", "jmap-echo": "JMAP Core/echo",
              "jmap-email-query": "JMAP Email/query (50 of 10k)",
              "jmap-email-get": "JMAP Email/get (50 emails)",
              "jmap-email-get-one": "JMAP Email/get (1 email)"}
    out = []
    metrics = (("requests_per_s", "requests/s", "req/s", "higher"),
               ("p50_us", "p50 latency", "us", "lower"), ("p99_us", "p99 latency", "us", "lower"))
    for scenario in sorted({r["scenario"] for r in rs}):
        runs = [r for r in rs if r["scenario"] == scenario]
        name = scenario.replace("-", "_")
        for c in sorted({int(r["connections"]) for r in runs}):
            for key, title, unit, better in metrics:
                group = f"http.{name}.{key}"
                out.append(figure("http", f"{group}.c{c}",
                                  f"{titles.get(scenario, scenario)}: {title}", unit, better,
                                  "ringmail",
                                  stats(float(r[key]) for r in runs if int(r["connections"]) == c),
                                  x={"connections": c}, group=group))
    return out


DELIVER_ROW = re.compile(r"^(\S+\+\S+)\s+(\d+) KiB\s+(\d+)\s+(\S+)\s+\d+\s+(\d+)\s+(\d+)-(\d+)")
PIPELINE_ROW = re.compile(r"^(\w+)\s+\d+\s+(\d+)\s+(\d+)-(\d+)\s+[\d.]+\s+(\d+)\s+(\d+)-(\d+)")


def store(output):
    """bench/store/run_pg's printed tables (medians and ranges; no per-run values)."""
    out = []
    settings = ""
    for line in output.splitlines():
        if line.startswith("PostgreSQL, one core"):
            settings = "" if "as configured" in line else ".sync_off"
        m = DELIVER_ROW.match(line)
        if m:
            stores, kib, writers, mode, med, lo, hi = m.groups()
            out.append(figure("store", f"store.deliver.{stores}.{kib}k.w{writers}.{mode}",
                              f"deliver {kib} KiB, {writers} writer(s), {stores}", "msg/s",
                              "higher", "ringmail", printed_stats(med, lo, hi)))
            continue
        m = PIPELINE_ROW.match(line)
        if m:
            op, med, lo, hi, umed, ulo, uhi = m.groups()
            out.append(figure("store", f"store.pipeline.{op}{settings}.ops_per_s",
                              f"PostgreSQL {op}{settings}, pipelined (peer: unpipelined)",
                              "ops/s", "higher", "ringmail", printed_stats(med, lo, hi),
                              peer=named("unpipelined", printed_stats(umed, ulo, uhi))))
    return out


LINE_IDLE_ROW = re.compile(r"^(uring|epoll)\s+(connect|one request)\s+(-?\d+)\s+(-?\d+)")
IMAP_IDLE_ROW = re.compile(r"^(ringmail|dovecot): (\d+) connections in IDLE.*?MiB, "
                           r"(-?[\d.]+) KiB per connection")


def idle_memory(output, kind):
    """bench/line/idle_memory or bench/imap/idle_memory's printed results."""
    out = []
    if kind == "runtime":
        rows = {(m[1], m[2]): float(m[3]) for m in map(LINE_IDLE_ROW.match, output.splitlines())
                if m}
        for when in ("connect", "one request"):
            if ("uring", when) in rows:
                key = when.replace(" ", "_")
                out.append(figure("runtime", f"runtime.idle.{key}.rss_b_per_conn",
                                  f"line server: RSS per idle connection ({when})", "B", "lower",
                                  "uring", stats([rows[("uring", when)]]),
                                  peer=named("epoll", stats([rows.get(("epoll", when))]))))
        return out
    rows = {m[1]: float(m[3]) for m in map(IMAP_IDLE_ROW.match, output.splitlines()) if m}
    if rows:
        out.append(figure("imap", "imap.idle.pss_kib_per_conn",
                          "PSS per idle IMAP connection (SELECTed, in IDLE)", "KiB", "lower",
                          "ringmail", stats([rows.get("ringmail")]),
                          peer=named("dovecot", stats([rows.get("dovecot")]))))
    return out
