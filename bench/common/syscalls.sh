# shellcheck shell=bash disable=SC2034  # sets SYSCALLS_RESULT for its callers
# bench/common/syscalls.sh — sourced by the protocol benchmarks: counts the system calls a
# server makes during a load run, the same way for every system (ringmail, its peers, the
# ceilings), so each suite can print system calls and io_uring_enter calls per operation.
#
# How: `perf stat` counting two tracepoints, raw_syscalls:sys_enter (every system call) and
# syscalls:sys_enter_io_uring_enter, attached to every live process of the server's tree
# (proctree.py pids) — counters are inherited, so processes the server forks later (a
# Postfix smtpd, a Dovecot imap) are counted too. Counting is a per-call increment in the
# kernel, no sampling and no trace buffer: it does not slow the server the way strace does.
# bench/line/run reads its server's own io_uring_enter counter instead; both count the
# same calls.
#
# The caller sets WORK (a temporary directory). Without a usable perf (not installed, or
# kernel.perf_event_paranoid forbids it) every function is a no-op and syscalls_stop prints
# nothing: the figures are then missing, not wrong. SYSCALLS=0 turns counting off.

SYSCALLS_PERF=""  # the perf stat process of the count in progress
SYSCALLS_OUT=""
SYSCALLS_PROCTREE="$(realpath "$(dirname "${BASH_SOURCE[0]}")")/proctree.py"  # callers may cd

# syscalls_usable: whether perf can count the tracepoints here (checked once).
syscalls_usable() {
  if [[ -z "${SYSCALLS_OK:-}" ]]; then
    SYSCALLS_OK=0
    if [[ "${SYSCALLS:-1}" != 0 ]] && command -v perf >/dev/null &&
      perf stat -x, -e raw_syscalls:sys_enter,syscalls:sys_enter_io_uring_enter -- true \
        >/dev/null 2>&1; then
      SYSCALLS_OK=1
    fi
  fi
  ((SYSCALLS_OK))
}

# syscalls_start [--delay MS] [--for MS] PID...: starts counting the calls of the process
# trees of PID... (a pid that is empty or gone is skipped). --delay: count only from MS
# milliseconds on (a load generator's warm-up); --for: stop counting MS milliseconds after
# that (its measured window). Returns once perf is attached, so the caller starts its load
# right after.
syscalls_start() {
  SYSCALLS_PERF=""
  syscalls_usable || return 0
  local opts=() pid pids=""
  while [[ "${1:-}" == --* ]]; do
    case "$1" in
      --delay) ((${2%.*} > 0)) && opts+=(-D "${2%.*}") ;;
      --for) opts+=(--timeout "${2%.*}") ;;
    esac
    shift 2
  done
  for pid in "$@"; do
    [[ -n "$pid" ]] || continue
    pids+=$(/usr/bin/python3 "$SYSCALLS_PROCTREE" pids "$pid" | tr '\n' ',')
  done
  [[ -n "$pids" ]] || return 0
  SYSCALLS_OUT=$(mktemp "$WORK/syscalls.XXXXXX")
  local err="$SYSCALLS_OUT.err"
  : >"$err"
  perf stat -x, -e raw_syscalls:sys_enter,syscalls:sys_enter_io_uring_enter "${opts[@]}" \
    -p "${pids%,}" -o "$SYSCALLS_OUT" 2>"$err" &
  SYSCALLS_PERF=$!
  # perf prints "Events disabled" once attached when it delays; otherwise give it the
  # moment it takes to open the counters (it has no other signal).
  if ((${#opts[@]})) && [[ "${opts[0]}" == -D ]]; then
    local deadline=$((SECONDS + 5))
    until grep -q "Events disabled" "$err" || ((SECONDS >= deadline)); do sleep 0.01; done
  else
    sleep 0.2
  fi
}

# syscalls_stop: stops the count (if --for has not already) and sets SYSCALLS_RESULT to
# "syscalls=N uring_enters=M" for the result line, or to nothing when nothing was counted.
# Call it from the shell that called syscalls_start (not in a $(...)): only that shell can
# wait for perf to write its counts.
syscalls_stop() {
  SYSCALLS_RESULT=""
  [[ -n "$SYSCALLS_PERF" ]] || return 0
  kill -INT "$SYSCALLS_PERF" 2>/dev/null || true
  wait "$SYSCALLS_PERF" 2>/dev/null || true
  SYSCALLS_PERF=""
  SYSCALLS_RESULT=$(awk -F, '$3 == "raw_syscalls:sys_enter" && $1 ~ /^[0-9]+$/ { all = $1 }
    $3 == "syscalls:sys_enter_io_uring_enter" && $1 ~ /^[0-9]+$/ { uring = $1 }
    END { if (all != "") printf "syscalls=%d uring_enters=%d\n", all, uring }' "$SYSCALLS_OUT")
  rm -f "$SYSCALLS_OUT" "$SYSCALLS_OUT.err"
}
