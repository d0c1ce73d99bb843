#!/usr/bin/python3
"""bench/compare.py NEW.json OLD.json [--min-noise 0.05] — the regression check.

For every figure both runs measured, compares the medians. A figure got worse when it
moved the wrong way (lower for "higher is better", higher for "lower is better") by more
than the noise the suite measured for it: the spread (max - min over the repetitions) of
the new run plus that of the old run, and never less than --min-noise of the old median (a
figure measured once has no spread of its own; 5 % by default). When the figure has a peer
measured in the same runs, it regressed only if its ratio to the peer also got worse by
more than the four relative spreads added (at least --min-noise): a slowdown the peer shows
as much is the shared machine's, and is reported as `worse, peer too`. Prints a markdown
table of every figure and exits 1 when one regressed, 0 otherwise.
"""
import argparse
import json
import sys


def spread(s):
    return s["max"] - s["min"] if s else 0.0


def relative_spread(s):
    return spread(s) / abs(s["median"]) if s and s["median"] else 0.0


def ratio_worse(f, o, min_noise):
    """Whether F's ratio to its peer got worse than O's beyond both runs' relative noise."""
    if not (f["peer"] and o["peer"] and f["peer"]["median"] and o["peer"]["median"]):
        return True  # no peer to tell the machine's noise apart: the value decides
    noise = sum(relative_spread(s) for s in (f["value"], f["peer"], o["value"], o["peer"]))
    new_ratio = f["value"]["median"] / f["peer"]["median"]
    old_ratio = o["value"]["median"] / o["peer"]["median"]
    if not old_ratio:
        return True
    change = (new_ratio - old_ratio) / old_ratio
    worse = -change if f["better"] == "higher" else change
    return worse > max(noise, min_noise)


def compare(new, old, min_noise=0.05):
    """Rows (dicts) for the figures of NEW and OLD (result dicts), matched by name."""
    old_by_name = {f["name"]: f for f in old["figures"]}
    rows = []
    for f in new["figures"]:
        o = old_by_name.get(f["name"])
        row = {"name": f["name"], "title": f["title"], "unit": f["unit"], "better": f["better"],
               "new": f["value"], "old": o["value"] if o else None}
        if not row["new"] or not row["old"]:
            row.update(status="not comparable", change=None, allowed=None)
            rows.append(row)
            continue
        n, b = row["new"]["median"], row["old"]["median"]
        worse = (b - n) if f["better"] == "higher" else (n - b)
        allowed = max(spread(row["new"]) + spread(row["old"]), min_noise * abs(b))
        status = "better" if -worse > allowed else "same"
        if worse > allowed:
            status = "REGRESSED" if ratio_worse(f, o, min_noise) else "worse, peer too"
        row.update(status=status, change=(n - b) / b if b else None, allowed=allowed)
        rows.append(row)
    return rows


def number(v):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def table(rows):
    lines = ["| figure | unit | better | old median [min..max] | new median [min..max] "
             "| change | noise allowed | verdict |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        cell = lambda s: (f"{number(s['median'])} [{number(s['min'])}..{number(s['max'])}]"
                          if s else "-")
        change = f"{r['change'] * 100:+.1f} %" if r.get("change") is not None else "-"
        verdict = f"**{r['status']}**" if r["status"] == "REGRESSED" else r["status"]
        lines.append(f"| {r['name']} | {r['unit']} | {r['better']} | {cell(r['old'])} "
                     f"| {cell(r['new'])} | {change} | {number(r['allowed'])} | {verdict} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("new")
    parser.add_argument("old")
    parser.add_argument("--min-noise", type=float, default=0.05)
    args = parser.parse_args()
    with open(args.new) as f:
        new = json.load(f)
    with open(args.old) as f:
        old = json.load(f)
    rows = compare(new, old, args.min_noise)
    print(f"# {args.new} against {args.old}")
    print(f"load average: old {old.get('load_start')} -> {old.get('load_end')}, "
          f"new {new.get('load_start')} -> {new.get('load_end')}"
          + ("; quick and full runs differ in their points" if new.get("quick") != old.get("quick")
             else ""))
    print(table(rows))
    regressed = [r["name"] for r in rows if r["status"] == "REGRESSED"]
    print(f"\n{len(regressed)} regressed of {sum(r['status'] != 'not comparable' for r in rows)}"
          f" comparable figures" + (f": {', '.join(regressed)}" if regressed else ""))
    return 1 if regressed else 0


if __name__ == "__main__":
    sys.exit(main())
