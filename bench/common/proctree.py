"""Figures about a process and its descendants, from /proc, for the benchmark scripts.

  proctree.py cpu PID              user+system CPU seconds of PID and every live descendant
                                   (plus what their exited children were charged)
  proctree.py pss PID [COMM...]    summed Pss in KiB of PID and its descendants, only those
                                   whose command name is one of COMM when given
  proctree.py count PID [COMM...]  how many such processes
  proctree.py pids PID [COMM...]   their pids, one per line (bench/common/syscalls.sh)

Run under /usr/bin/python3; stdlib only."""
import os
import sys


def processes():
    """{pid: (ppid, comm, utime+stime+cutime+cstime in ticks)} of every process."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        ticks = sum(int(x) for x in fields[11:15])
        out[int(name)] = (int(fields[1]), comm, ticks)
    return out


def tree(root, procs):
    children = {}
    for pid, (ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in procs:
            found.append(pid)
            todo.extend(children.get(pid, []))
    return found


def pss(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv):
    if len(argv) < 3 or argv[1] not in ("cpu", "pss", "count", "pids"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    procs = processes()
    pids = tree(int(argv[2]), procs)
    comms = set(argv[3:])
    if comms:
        pids = [p for p in pids if procs[p][1] in comms]
    if argv[1] == "cpu":
        print(f"{sum(procs[p][2] for p in pids) / os.sysconf('SC_CLK_TCK'):.2f}")
    elif argv[1] == "pss":
        print(sum(pss(p) for p in pids))
    elif argv[1] == "pids":
        print("\n".join(str(p) for p in pids))
    else:
        print(len(pids))


if __name__ == "__main__":
    main(sys.argv)
