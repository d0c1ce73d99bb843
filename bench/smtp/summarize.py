"""Reads bench/smtp/run's result lines (key=value) on stdin and prints one table row per
message size and connection mode: each peer's median messages/s with [min..max] over the
repeats, Postfix's delivered rate into Dovecot, and the ratios of the medians
ringmail/postfix (accepted), ringmail/ceiling (our runtime's SMTP sink) and postfix/sink
(smtp-sink). `cpus busy` is the median share of the machine's CPUs that were busy during the
runs (everything: the generator, the peers, other people's work)."""
import statistics
import sys


def cell(values, fmt="{:.0f}"):
    if not values:
        return "-"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med)
    return f"{fmt.format(med)} [{fmt.format(min(values))}..{fmt.format(max(values))}]"


def ratio(a, b):
    if not a or not b:
        return "-"
    return f"{statistics.median(a) / statistics.median(b):.2f}"


def main():
    rows = {}
    order = []
    missing = []
    for line in sys.stdin:
        if not line.startswith("peer="):
            continue
        f = dict(kv.split("=", 1) for kv in line.split())
        key = (f["size"], f["conn"])
        if key not in rows:
            rows[key] = {}
            order.append(key)
        point = rows[key]
        point.setdefault(f["peer"], []).append(float(f["accepted_per_s"]))
        if "delivered_per_s" in f:
            point.setdefault("delivered", []).append(float(f["delivered_per_s"]))
        point.setdefault("busy", []).append(float(f["machine_cpus"]))
        if "stored" in f and int(f["stored"]) != int(f["messages"]):
            missing.append(f"{f['peer']} {f['size']} {f['conn']} rep {f['rep']}: "
                           f"{f['stored']} stored of {f['messages']} accepted")
    print("| size | connections | smtp-sink msg/s | ceiling msg/s | postfix accepted "
          "| postfix delivered (Dovecot) | ringmail stored | ringmail/postfix | ringmail/ceiling "
          "| postfix/sink | cpus busy |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for key in order:
        p = rows[key]
        print(f"| {key[0]} | {'one per message' if key[1] == 'new' else 'reused'} "
              f"| {cell(p.get('sink'))} | {cell(p.get('ceiling'))} | {cell(p.get('postfix'))} "
              f"| {cell(p.get('delivered'))} "
              f"| {cell(p.get('ringmail'))} | {ratio(p.get('ringmail'), p.get('postfix'))} "
              f"| {ratio(p.get('ringmail'), p.get('ceiling'))} "
              f"| {ratio(p.get('postfix'), p.get('sink'))} "
              f"| {cell(p.get('busy'), '{:.2f}')} |")
    for m in missing:
        print(f"warning: {m}")


if __name__ == "__main__":
    main()
