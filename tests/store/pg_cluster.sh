#!/usr/bin/env bash
# PostgreSQL for the tests: a throwaway cluster in DIR (under /tmp), on 127.0.0.1 and a port
# of its own, with trust authentication for the user postgres. fsync stays on: the tests
# check durability. The daemon's own cluster (Debian's on port 5432) plays no part.
#
#   tests/store/pg_cluster.sh ensure DIR        the shared cluster of a test run
#       Starts the cluster in DIR unless it already runs, and prints one line:
#       postgresql://postgres@127.0.0.1:PORT/postgres. Safe to call from parallel tests
#       (they serialize on DIR/.lock); a cluster that was not running starts from fresh data.
#   tests/store/pg_cluster.sh run DIR [PORT]    a private cluster in the foreground
#       Execs the postmaster itself (the caller may SIGKILL it as a crash) on PORT (0 or
#       absent: the port of the last run in DIR, else a free one) and prints
#       "postgres port=PORT" on stdout once it accepts connections; the server's output goes
#       to stderr. A restart on the same DIR recovers the data of the killed one.
#   tests/store/pg_cluster.sh stop DIR          stops the cluster of `ensure` (exit 0 if none)
#
# Exits 77 after a "SKIP: ..." line when the PostgreSQL server is not installed. Runs the
# server as the user postgres when called as root (PostgreSQL refuses root), so DIR must be
# somewhere that user can reach. New data directories are copies of a template made once by
# initdb (RINGMAIL_TEST_PG_TEMPLATE, default /tmp/ringmail-test-pg-template-VERSION-HASH-USER);
# RINGMAIL_PG_BIN overrides the directory of the PostgreSQL binaries.
set -euo pipefail
if [[ $# -lt 2 || ! $1 =~ ^(ensure|run|stop)$ ]]; then
  echo "usage: $0 ensure|stop DIR   or   $0 run DIR [PORT]" >&2
  exit 2
fi
command=$1
dir=$(realpath -m "$2")  # absolute: libpq takes a host that starts with / as a socket directory
port_arg=${3:-0}
start_timeout_s=120

pg_bin=${RINGMAIL_PG_BIN:-}
if [[ -z $pg_bin ]]; then
  pg_bin=$(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
if [[ -z $pg_bin || ! -x $pg_bin/postgres ]]; then
  echo "SKIP: PostgreSQL server is not installed (Debian package: postgresql)"
  exit 77
fi
version=$(basename "$(dirname "$pg_bin")")

# The settings of every test cluster (the port and the socket directory come on the command
# line). recovery_init_sync_method: crash recovery starts by syncing the data directory, and
# one syncfs is much faster than an fsync per file on a busy machine.
settings="
# tests/store/pg_cluster.sh
listen_addresses = '127.0.0.1'
max_connections = 300
fsync = on
recovery_init_sync_method = syncfs
log_line_prefix = '%m [%p] %q%a '
"

# as_pg CMD...: runs CMD as the owner of the cluster. setpriv execs (no extra process), so a
# postmaster started through it keeps the caller's pid; --pdeathsig keep restores the parent
# death signal that a change of credentials clears.
as_pg=()
owner=$(id -un)
if [[ $(id -u) -eq 0 ]]; then
  as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --pdeathsig keep)
  owner=postgres
fi

settings_hash=$(cksum <<<"$settings" | cut -d ' ' -f 1)
template=${RINGMAIL_TEST_PG_TEMPLATE:-/tmp/ringmail-test-pg-template-$version-$settings_hash-$owner}

# make_owned_dir PATH: creates PATH (mode 0700) owned by the cluster's user.
make_owned_dir() {
  mkdir -p "$1"
  chmod 700 "$1"
  if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$1"; fi
}

# lock FD PATH: holds an exclusive lock on PATH through fd FD (until FD is closed).
lock() {
  eval "exec $1>>\"\$2\""
  if ! flock -w "$start_timeout_s" "$1"; then
    echo "pg_cluster.sh: $2 stayed locked for $start_timeout_s s" >&2
    exit 1
  fi
}

# ensure_template: the initdb output that new data directories copy, made once per version.
ensure_template() {
  [[ -f $template/data/PG_VERSION ]] && return 0
  make_owned_dir "$template"
  lock 8 "$template/.lock"
  [[ -f $template/data/PG_VERSION ]] && { exec 8>&-; return 0; }
  rm -rf "$template/data.new"
  # --no-sync: initdb's own fsync is not what the tests check, and it is slow.
  if ! "${as_pg[@]}" "$pg_bin/initdb" -D "$template/data.new" -A trust -U postgres \
      --no-sync -E UTF8 --locale=C >"$template/initdb.log" 2>&1; then
    cat "$template/initdb.log" >&2
    echo "pg_cluster.sh: initdb failed" >&2
    exit 1
  fi
  echo "$settings" >>"$template/data.new/postgresql.conf"
  mv "$template/data.new" "$template/data"
  exec 8>&-
}

# fresh_data: DIR/data becomes a copy of the template.
fresh_data() {
  ensure_template
  rm -rf "$dir/data" "$dir/data.new"
  cp -a "$template/data" "$dir/data.new"
  mv "$dir/data.new" "$dir/data"
}

# listening PORT: true when some socket listens on TCP port PORT (IPv4 or IPv6).
listening() {
  awk -v p="$(printf '%04X' "$1")" \
    'FNR > 1 { split($2, a, ":"); if (a[2] == p && $4 == "0A") f = 1 } END { exit !f }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# pick_port: a random port in 20000-60000 on which nothing listens.
pick_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
    listening "$port" || { echo "$port"; return 0; }
  done
  echo "pg_cluster.sh: found no free port" >&2
  exit 1
}

# ready PORT: the server in DIR accepts connections. Asks through its socket in DIR, so that
# another server on the same TCP port cannot answer for it.
ready() {
  "$pg_bin/pg_isready" -q -h "$dir" -p "$1" -U postgres -d postgres -t 5
}

# alive PID: PID runs (a zombie, which no one reaps yet, does not).
alive() {
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

uri() { echo "postgresql://postgres@127.0.0.1:$1/postgres"; }

# postmaster_alive: the postmaster of DIR/data runs. Checked here rather than by pg_ctl
# status, for which a zombie counts as running (a daemonized postmaster that crashed stays
# one where pid 1 does not reap) and so does any process that got the pid after a reboot.
postmaster_alive() {
  local pid="" comm=""
  { read -r pid <"$dir/data/postmaster.pid"; } 2>/dev/null || return 1
  { read -r comm <"/proc/$pid/comm"; } 2>/dev/null || return 1
  [[ $comm == postgres ]] && alive "$pid"
}

# clear_stale: removes the lock files of a dead postmaster of DIR. PostgreSQL clears them
# itself when their pid is gone, but not when it is a zombie (where pid 1 does not reap, a
# crashed daemonized postmaster stays one) or was reused. Its shared memory interlock goes
# with postmaster.pid: PostgresTestServer::Kill() kills the backends too.
clear_stale() {
  postmaster_alive && return 0
  rm -f "$dir"/.s.PGSQL.* "$dir/data/postmaster.pid"
}

cmd_ensure() {
  make_owned_dir "$dir"
  lock 9 "$dir/.lock"
  local port=""
  [[ -f $dir/port ]] && port=$(<"$dir/port")
  if [[ -n $port ]] && postmaster_alive; then
    # Running: it answers, or it is busy (starting, recovering, a loaded machine) and will.
    local deadline=$((SECONDS + start_timeout_s))
    until ready "$port"; do
      if ((SECONDS >= deadline)) || ! postmaster_alive; then
        echo "pg_cluster.sh: the PostgreSQL in $dir runs but does not answer" >&2
        exit 1
      fi
      sleep 0.1
    done
    uri "$port"
    return 0
  fi
  # Not running: start over from fresh data (what crashed leaves no schemas behind).
  clear_stale
  fresh_data
  : >"$dir/server.log"
  [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir/server.log"
  local attempt log_size
  for attempt in $(seq 20); do
    # The port of the last run first: the URI stays the same while it is free.
    if [[ $attempt -gt 1 || -z $port ]] || listening "$port"; then port=$(pick_port); fi
    log_size=$(stat -c %s "$dir/server.log")
    # 9>&-: the postmaster must not inherit the lock.
    if "${as_pg[@]}" "$pg_bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w \
        -t "$start_timeout_s" -s -o "-p $port -k '$dir'" </dev/null >&2 9>&-; then
      echo "$port" >"$dir/port"
      uri "$port"
      return 0
    fi
    # Someone took the port between the check and the bind: try another one.
    if ! tail -c +$((log_size + 1)) "$dir/server.log" |
        grep -q 'could not bind\|could not create any TCP/IP sockets'; then
      break
    fi
  done
  tail -n 30 "$dir/server.log" >&2
  echo "pg_cluster.sh: could not start PostgreSQL in $dir" >&2
  exit 1
}

cmd_run() {
  make_owned_dir "$dir"
  [[ -f $dir/data/PG_VERSION ]] || fresh_data
  clear_stale
  local port=$port_arg
  if [[ $port -eq 0 && -f $dir/port ]]; then port=$(<"$dir/port"); fi
  if [[ $port -eq 0 ]]; then port=$(pick_port); fi
  # The ready line goes to fd 3, the original stdout; the server's output goes to stderr.
  exec 3>&1 1>&2
  # The watcher becomes a child of the postmaster (this process after exec), which reaps it
  # as an unknown child that exited normally.
  local pid=$$
  (
    deadline=$((SECONDS + start_timeout_s))
    while alive "$pid" && ((SECONDS < deadline)); do
      # The postmaster writes "ready" into its pid file when it accepts connections (what
      # pg_ctl -w waits for); polling that spares the log a FATAL per early connection.
      lines=()
      { mapfile -t lines <"$dir/data/postmaster.pid"; } 2>/dev/null || true
      if [[ ${lines[0]:-} == "$pid" && ${lines[7]:-} == ready* ]]; then
        echo "$port" >"$dir/port"
        echo "postgres port=$port" >&3
        exit 0
      fi
      sleep 0.05
    done
    exit 1
  ) &
  exec "${as_pg[@]}" "$pg_bin/postgres" -D "$dir/data" -p "$port" -k "$dir" 3>&-
}

cmd_stop() {
  [[ -d $dir/data ]] || return 0
  lock 9 "$dir/.lock"
  if postmaster_alive; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" stop -D "$dir/data" -m fast -w -t 60 -s 9>&-
  fi
}

"cmd_$command"
