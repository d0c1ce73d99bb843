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
    def per_cmd_over_window(key):
        # Counted over the generator's measured window (bench/common/syscalls.sh).
        def get(r):
            if key not in r or "measured_s" not in r or float(r["commands_per_s"]) <= 0:
                return None
            return int(r[key]) / (float(r["commands_per_s"]) * float(r["measured_s"]))
        return get

    metrics += (
        ("syscalls_per_cmd", "system calls per command", "calls", "lower",
         per_cmd_over_window("syscalls")),
        ("uring_enters_per_cmd", "io_uring_enter calls per command", "calls", "lower",
         per_cmd_over_window("uring_enters")),
    )
    charts = {"commands_per_s": "imap_throughput", "cpu_ms_per_1k": "imap_cpu",
              "syscalls_per_cmd": "imap_syscalls", "uring_enters_per_cmd": "imap_syscalls"}
    x = {"connections": connections}

    def three(rows, get):
        return (stats(get(r) for r in rows.get("ringmail", [])),
                named("dovecot", stats(get(r) for r in rows.get("dovecot", []))),
                named("ceiling", stats(get(r) for r in rows.get("ceiling", []))))

    out = []
    for key, title, unit, better, get in metrics:
        value, peer, ceiling = three(totals, get)
        out.append(figure("imap", f"imap.{key}.c{connections}", f"IMAP mix: {title}", unit,
                          better, "ringmail", value, peer=peer, ceiling=ceiling, x=x,
                          group=f"imap.{key}", chart=charts.get(key, "imap_latency")))
    for cmd, peers in per_cmd.items():
        value, peer, ceiling = three(peers, lambda r: float(r["p99_us"]) / 1e3)
        out.append(figure("imap", f"imap.cmd.{cmd}.p99_ms.c{connections}",
                          f"IMAP {cmd}: p99 latency", "ms", "lower", "ringmail", value, peer=peer,
                          ceiling=ceiling, x=x, group=f"imap.cmd.{cmd}.p99_ms",
                          chart="imap_commands_p99"))
    return [f for f in out if f["value"] or f["peer"] or f["ceiling"]]


def smtp(text, sessions):
    """bench/smtp/run: ringmail (accepted = stored) against Postfix; the ceiling is our
    runtime's SMTP sink (bench/ceiling/), or smtp-sink in results from before it existed."""
    points = {}
    for r in parse_lines(text):
        if "peer" in r:
            points.setdefault((r["size"], r["conn"]), []).append(r)
    out = []
    for (size, conn), rs in points.items():
        def rate(peer, key="accepted_per_s"):
            return stats(float(r[key]) for r in rs if r["peer"] == peer and key in r)

        def per_message(peer, key="syscalls"):
            return stats(int(r[key]) / int(r["messages"]) for r in rs
                         if r["peer"] == peer and key in r and int(r["messages"]) > 0)
        has_ceiling = any(r["peer"] == "ceiling" for r in rs)
        ceiling_peer, ceiling_name = ("ceiling", "ceiling") if has_ceiling else ("sink", "smtp-sink")
        mode = "one connection per message" if conn == "new" else "reused connections"
        x = {"connections": sessions}
        group = f"smtp.{size}.{conn}.msgs_per_s"
        others = {"postfix delivered into Dovecot": rate("postfix", "delivered_per_s")}
        if has_ceiling:
            others["smtp-sink"] = rate("sink")
        out.append(figure(
            "smtp", f"{group}.s{sessions}", f"SMTP {size}B messages, {mode}", "msg/s", "higher",
            "ringmail", rate("ringmail"), peer=named("postfix", rate("postfix")),
            ceiling=named(ceiling_name, rate(ceiling_peer)), x=x, group=group, others=others))
        group = f"smtp.{size}.{conn}.syscalls_per_msg"
        out.append(figure(
            "smtp", f"{group}.s{sessions}",
            f"SMTP {size}B messages, {mode}: system calls per message (Postfix: until "
            "delivered, LMTP and Dovecot included)", "calls", "lower", "ringmail",
            per_message("ringmail"), peer=named("postfix", per_message("postfix")),
            ceiling=named(ceiling_name, per_message(ceiling_peer)), x=x, group=group,
            others={"smtp-sink": per_message("sink")} if has_ceiling else {},
            chart="smtp_syscalls"))
    return [f for f in out if f["value"] or f["peer"] or f["ceiling"]]


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
        calls = [r for r in rs if r.get("kind") == "handshakes" and r["cert"] == cert
                 and float(r.get("syscalls_per_hs", -1)) >= 0]
        if calls:
            def per_hs(peer):
                return stats(float(r["syscalls_per_hs"]) for r in calls if r["peer"] == peer)
            out.append(figure("tls", f"tls.{cert}.syscalls_per_handshake",
                              f"server system calls per TLS 1.3 full handshake, {cert.upper()}",
                              "calls", "lower", "ringmail", per_hs("ringmail"),
                              peer=named("openssl s_server", per_hs("openssl"))))
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
    def field(key):
        return lambda r: float(r[key])

    def per_request(key):
        return lambda r: int(r[key]) / int(r["requests"]) if key in r and int(r["requests"]) else None

    metrics = (("requests_per_s", "requests/s", "req/s", "higher", field("requests_per_s")),
               ("p50_us", "p50 latency", "us", "lower", field("p50_us")),
               ("p99_us", "p99 latency", "us", "lower", field("p99_us")),
               ("syscalls_per_req", "system calls per request", "calls", "lower",
                per_request("syscalls")),
               ("uring_enters_per_req", "io_uring_enter calls per request", "calls", "lower",
                per_request("uring_enters")))
    for scenario in sorted({r["scenario"] for r in rs}):
        runs = [r for r in rs if r["scenario"] == scenario]
        name = scenario.replace("-", "_")
        for c in sorted({int(r["connections"]) for r in runs}):
            for key, title, unit, better, get in metrics:
                value = stats(get(r) for r in runs if int(r["connections"]) == c)
                if value is None:
                    continue  # counts a run without perf did not make
                # The autoconfig GET (no login, no store) is the listener's own ceiling.
                ceiling = None
                if scenario != "autoconfig" and key == "requests_per_s":
                    ceiling = named("autoconfig GET", stats(
                        get(r) for r in rs if r["scenario"] == "autoconfig"
                        and int(r["connections"]) == c))
                group = f"http.{name}.{key}"
                out.append(figure("http", f"{group}.c{c}",
                                  f"{titles.get(scenario, scenario)}: {title}", unit, better,
                                  "ringmail", value, ceiling=ceiling, x={"connections": c},
                                  group=group))
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


LINE_IDLE_ROW = re.compile(r"^(uring|epoll)\s+(connect|one request)\s+(-?\d+)\s+(-?\d+)\s+"
                           r"(-?\d+)\s+(\d+)->(\d+)")
LINE_IDLE_COUNT = re.compile(r"^# .* (\d+) idle connections")
IMAP_IDLE_ROW = re.compile(r"^(ringmail|dovecot): (\d+) connections in IDLE.*?PSS ([\d.]+) -> "
                           r"([\d.]+) MiB, (-?[\d.]+) KiB per connection")


def idle_memory(output, kind):
    """bench/line/idle_memory or bench/imap/idle_memory's printed results: memory per idle
    connection and the server's whole resident memory, at each connection count measured."""
    return line_idle(output) if kind == "runtime" else imap_idle(output)


def line_idle(output):
    count = next((int(m[1]) for m in map(LINE_IDLE_COUNT.match, output.splitlines()) if m), None)
    rows = {(m[1], m[2]): m for m in map(LINE_IDLE_ROW.match, output.splitlines()) if m}
    x = {"connections": count} if count else {}
    suffix = f".c{count}" if count else ""
    out = []
    for when in ("connect", "one request"):
        if ("uring", when) not in rows:
            continue
        key = when.replace(" ", "_")
        get = lambda mode, i: stats([float(rows[(mode, when)][i])]) if (mode, when) in rows else None
        mib = lambda mode: (stats([float(rows[(mode, when)][7]) / 1024])
                            if (mode, when) in rows else None)
        group = f"runtime.idle.{key}.rss_b_per_conn"
        out.append(figure("runtime", group + suffix,
                          f"line server: RSS per idle connection ({when})", "B", "lower",
                          "uring", get("uring", 3), peer=named("epoll", get("epoll", 3)), x=x,
                          group=group, chart="runtime_idle_b"))
        group = f"runtime.idle.{key}.rss_mib"
        out.append(figure("runtime", group + suffix,
                          f"line server: resident memory with the idle connections ({when})",
                          "MiB", "lower", "uring", mib("uring"), peer=named("epoll", mib("epoll")),
                          x=x, group=group, chart="runtime_idle_mib"))
    return out


def imap_idle(output):
    rows = {}
    for m in map(IMAP_IDLE_ROW.match, output.splitlines()):
        if m:
            rows.setdefault(int(m[2]), {})[m[1]] = m
    out = []
    for n, by in sorted(rows.items()):
        def get(server, i, scale=1.0):
            return stats([float(by[server][i]) * scale]) if server in by else None
        x = {"connections": n}
        out.append(figure("imap", f"imap.idle.pss_kib_per_conn.c{n}",
                          "PSS per idle IMAP connection (SELECTed, in IDLE)", "KiB", "lower",
                          "ringmail", get("ringmail", 5), peer=named("dovecot", get("dovecot", 5)),
                          x=x, group="imap.idle.pss_kib_per_conn", chart="imap_idle_kib"))
        out.append(figure("imap", f"imap.idle.pss_mib.c{n}",
                          "server memory (PSS) with the idle IMAP connections", "MiB", "lower",
                          "ringmail", get("ringmail", 4), peer=named("dovecot", get("dovecot", 4)),
                          x=x, group="imap.idle.pss_mib", chart="imap_idle_mib"))
    return out


def scaled(figures, cores):
    """Figures of one core list of bench/run's scaling suite: the same figures renamed into
    the `scaling` suite and measured at x = {"cores": N}, so that each draws a line against
    the number of reactor cores."""
    out = []
    for f in figures:
        f = dict(f)
        where = ", ".join(f"{k} {v}" for k, v in f["x"].items())
        # The line run's config is named after its core count ("c2"): not part of the line.
        title = re.sub(r"^line protocol c\d+:", "line protocol:", f["title"])
        f["title"] = f"{title}{' (' + where + ')' if where else ''}"
        f["name"] = f"scaling.{f['name']}.cores{cores}"
        f["group"] = "scaling." + re.sub(r"^runtime\.c\d+\.", "runtime.", f["group"])
        f["suite"] = "scaling"
        f["x"] = {"cores": cores}
        f["chart"] = f"scaling_{f['chart']}"
        out.append(f)
    return out
