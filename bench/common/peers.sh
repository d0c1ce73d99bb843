# shellcheck shell=bash disable=SC2034  # sets variables its callers read
# bench/common/peers.sh — sourced by bench/smtp/run and bench/imap/run: starts the systems
# under test on loopback, each in a directory of its own under the caller's $WORK, and stops
# them. Nothing here touches the system's own Postfix or Dovecot (/etc/postfix, /etc/dovecot,
# their queues and sockets): every instance has its own configuration, queue, mail and
# sockets, and runs without chroot.
#
# Users: every instance knows the same accounts, USER@$BENCH_DOMAIN with password
# $BENCH_PASSWORD. Mail for Dovecot is stored as the user `nobody` (one uid for all, so
# Dovecot may serve many users from one process).
#
# The caller sets WORK (a temporary directory it removes) and BUILD_DIR, and calls
# peers_stop_all from its EXIT trap.

BENCH_DOMAIN=${BENCH_DOMAIN:-example.test}
BENCH_PASSWORD=${BENCH_PASSWORD:-bench-password}
PEER_PIDS=()         # processes we started and stop with SIGTERM
PEER_STOPS=()        # commands that stop what we started (postfix -c DIR stop...)

# keep_config NAME FILE...: with BENCH_CONFIG_DIR set (bench/run sets it), copies the
# configuration files a peer runs with there as NAME--FILE, for the report; else nothing.
keep_config() {
  [[ -n "${BENCH_CONFIG_DIR:-}" ]] || return 0
  local name=$1 file
  shift
  mkdir -p "$BENCH_CONFIG_DIR"
  for file in "$@"; do cp "$file" "$BENCH_CONFIG_DIR/$name--$(basename "$file")"; done
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT SECONDS: waits until 127.0.0.1:PORT accepts connections.
wait_port() {
  local port=$1 deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

# dovecot_secret: $BENCH_PASSWORD as Dovecot's passwd-file stores it. By default hashed the
# way ringmail's CLI stores passwords (yescrypt, libxcrypt's default cost: about 16 MiB and
# tens of milliseconds of CPU per LOGIN), so that both servers pay the same for a LOGIN;
# PASSWORD_SCHEME=plain stores it as {PLAIN} (what a benchmark of Dovecot alone would use).
dovecot_secret() {
  if [[ "${PASSWORD_SCHEME:-yescrypt}" == plain ]]; then
    echo "{PLAIN}$BENCH_PASSWORD"
  else
    local hash
    hash=$(mkpasswd -m yescrypt "$BENCH_PASSWORD") || { echo "mkpasswd (whois) missing" >&2; return 1; }
    echo "{CRYPT}$hash"
  fi
}

# dovecot_start NAME PROTOCOL PORT USER...: a Dovecot instance in $WORK/NAME serving
# PROTOCOL (imap or lmtp) on 127.0.0.1:PORT, Maildir under $WORK/NAME/mail/USER. IMAP is set
# up at its fastest (issue 5): login processes shared (service_count = 0, one per core
# kept ready, many clients each), imap processes reused (service_count = 0) with client_limit
# raised, so a few processes serve every connection. Sets DOVECOT_DIR and DOVECOT_PID (its
# master process).
dovecot_start() {
  local name=$1 protocol=$2 port=$3
  shift 3
  local dir="$WORK/$name"
  mkdir -p "$dir/run" "$dir/state" "$dir/mail"
  chmod 755 "$WORK" "$dir" "$dir/run"
  chown nobody:nogroup "$dir/mail"
  : >"$dir/users"
  local secret
  secret=$(dovecot_secret) || return 1
  for user in "$@"; do
    echo "$user:$secret:65534:65534::$dir/mail/$user::" >>"$dir/users"
  done
  local cores
  cores=$(nproc)
  cat >"$dir/dovecot.conf" <<EOF
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = $protocol
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1000
default_internal_user = dovecot
default_login_user = dovenull
# The imap process of each connection would otherwise fsync index files; delivery and
# APPEND still fsync the messages (mail_fsync = optimized, the default).
# At its fastest with hashed passwords: Dovecot's auth process checks hashes itself, one at a
# time; with a cache, cached users' hashes are checked by the auth-worker processes, on every
# core. (The cache keeps the stored hash, not the result: each LOGIN still hashes.)
auth_cache_size = 10M
auth_cache_verify_password_with_worker = yes
passdb {
  driver = passwd-file
  args = username_format=%n $dir/users
}
userdb {
  driver = passwd-file
  args = username_format=%n $dir/users
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $([[ $protocol == lmtp ]] && echo "$port" || echo 0)
  }
  unix_listener lmtp {
    mode = 0600
  }
  process_min_avail = $cores
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $([[ $protocol == imap ]] && echo "$port" || echo 0)
  }
  inet_listener imaps {
    port = 0
  }
  service_count = 0
  process_min_avail = $cores
  client_limit = 12000
  vsz_limit = 2G
}
service imap {
  service_count = 0
  process_min_avail = $cores
  process_limit = ${DOVECOT_IMAP_PROCESS_LIMIT:-1024}
  client_limit = ${DOVECOT_IMAP_CLIENT_LIMIT:-1000}
  vsz_limit = 2G
}
service auth {
  client_limit = 12000
}
service anvil {
  client_limit = 12000
}
default_client_limit = 12000
default_process_limit = ${DOVECOT_IMAP_PROCESS_LIMIT:-1024}
mail_max_userip_connections = 100000
EOF
  keep_config "$name" "$dir/dovecot.conf"
  (($(ulimit -Sn) >= 20000)) || ulimit -n 20000 2>/dev/null || true
  /usr/sbin/dovecot -c "$dir/dovecot.conf" || { cat "$dir/dovecot.log" >&2; return 1; }
  PEER_STOPS+=("/usr/sbin/dovecot -c $dir/dovecot.conf stop")
  DOVECOT_DIR=$dir
  wait_port "$port" 20 || { echo "dovecot did not listen on $port" >&2; cat "$dir/dovecot.log" >&2; return 1; }
  local deadline=$((SECONDS + 20))
  until [[ -s "$dir/run/master.pid" ]]; do
    ((SECONDS < deadline)) || { echo "dovecot wrote no master.pid" >&2; return 1; }
    sleep 0.05
  done
  DOVECOT_PID=$(cat "$dir/run/master.pid")
}

# postfix_start NAME PORT LMTP_PORT USER...: a Postfix instance in $WORK/NAME (its own
# config_directory and queue_directory; `postfix -c DIR start`), smtpd on 127.0.0.1:PORT,
# accepting mail for USER@$BENCH_DOMAIN and delivering it over LMTP to 127.0.0.1:LMTP_PORT.
# Queue files are fsynced (Postfix's default). Sets POSTFIX_DIR.
postfix_start() {
  local name=$1 port=$2 lmtp_port=$3
  shift 3
  local dir="$WORK/$name" maps="" user
  mkdir -p "$dir/conf" "$dir/queue" "$dir/data"
  chown postfix "$dir/data"
  for user in "$@"; do maps+="$user@$BENCH_DOMAIN=ok "; done
  cat >"$dir/conf/main.cf" <<EOF
compatibility_level = 3.6
config_directory = $dir/conf
queue_directory = $dir/queue
data_directory = $dir/data
maillog_file = $dir/postfix.log
maillog_file_prefixes = $dir
myhostname = postfix.bench.test
mydomain = bench.test
mydestination =
mynetworks = 127.0.0.0/8
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
smtpd_banner = \$myhostname ESMTP
virtual_mailbox_domains = $BENCH_DOMAIN
virtual_mailbox_maps = inline:{ $maps}
virtual_transport = lmtp:inet:127.0.0.1:$lmtp_port
smtpd_recipient_restrictions = reject_unauth_destination
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
default_process_limit = 100
in_flow_delay = 0
smtp_host_lookup = native
disable_dns_lookups = yes
EOF
  # Every service the queue needs, none chrooted (Debian's default chroots most of them).
  cat >"$dir/conf/master.cf" <<EOF
127.0.0.1:$port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
  keep_config "$name" "$dir/conf/main.cf" "$dir/conf/master.cf"
  /usr/sbin/postfix -c "$dir/conf" check >/dev/null 2>&1 || true  # makes the queue dirs
  /usr/sbin/postfix -c "$dir/conf" start >"$dir/start.log" 2>&1 ||
    { cat "$dir/start.log" "$dir/postfix.log" >&2 2>/dev/null; return 1; }
  PEER_STOPS+=("/usr/sbin/postfix -c $dir/conf stop")
  POSTFIX_DIR=$dir
  wait_port "$port" 20 || { echo "postfix did not listen on $port" >&2; cat "$dir/postfix.log" >&2; return 1; }
}

# postfix_master_pid: the pid of $POSTFIX_DIR's master process, or nothing.
postfix_master_pid() {
  awk '{ print $1 }' "$POSTFIX_DIR/queue/pid/master.pid" 2>/dev/null || true
}

# postfix_queue_count: messages in $POSTFIX_DIR's queue (incoming, active, deferred, maildrop).
postfix_queue_count() {
  { find "$POSTFIX_DIR/queue/incoming" "$POSTFIX_DIR/queue/active" \
    "$POSTFIX_DIR/queue/deferred" "$POSTFIX_DIR/queue/maildrop" -type f 2>/dev/null || true; } |
    wc -l
}

# ringmail_start NAME PROTOCOL USER...: `ringmail serve` in $WORK/NAME with one listener of
# PROTOCOL (smtp or imap) on an ephemeral loopback port, the domain and USER accounts made
# with the CLI first. Sets RINGMAIL_PORT and RINGMAIL_PID, or returns 3 (with the daemon's
# reason in RINGMAIL_SKIP) when this build does not have the protocol, 1 on other failures.
# RINGMAIL_CORES (e.g. "0,1") sets [server] cores; RINGMAIL_CONFIG_EXTRA is appended to the
# config (TOML after the listener's table: its keys, then other tables), for limits such as
# connections per account that a benchmark must raise.
ringmail_start() {
  local name=$1 protocol=$2
  shift 2
  local dir="$WORK/$name" bin user
  bin=$(realpath -m "${RINGMAIL_BIN:-$BUILD_DIR/ringmail}")
  mkdir -p "$dir"
  RINGMAIL_SKIP=""
  if [[ ! -x "$bin" ]]; then RINGMAIL_SKIP="$bin not built"; return 3; fi
  cat >"$dir/ringmail.toml" <<EOF
[server]
hostname = "mail.$BENCH_DOMAIN"
data-dir = "$dir/data"
log-level = "info"
${RINGMAIL_CORES:+cores = [$RINGMAIL_CORES]}

[runtime]
shutdown-timeout-ms = 2000

[listener.bench]
protocol = "$protocol"
bind = ["127.0.0.1:0"]
${RINGMAIL_CONFIG_EXTRA:-}
EOF
  keep_config "$name-$protocol" "$dir/ringmail.toml"
  "$bin" --config "$dir/ringmail.toml" domain add "$BENCH_DOMAIN" >/dev/null || return 1
  for user in "$@"; do
    "$bin" --config "$dir/ringmail.toml" account add "$user" --email "$user@$BENCH_DOMAIN" \
      --password-stdin <<<"$BENCH_PASSWORD" >/dev/null || return 1
  done
  : >"$dir/serve.log"
  (cd "$dir" && exec "$bin" serve --config "$dir/ringmail.toml") \
    >"$dir/serve.log" 2>&1 &
  RINGMAIL_PID=$!
  local deadline=$((SECONDS + 20)) address=""
  while [[ -z "$address" ]]; do
    address=$(sed -n 's/.*event=listening listener=bench address=\([^ ]*\).*/\1/p' "$dir/serve.log" | head -1)
    if ! kill -0 "$RINGMAIL_PID" 2>/dev/null; then
      wait "$RINGMAIL_PID" 2>/dev/null || true
      if grep -q "not available in this build" "$dir/serve.log"; then
        RINGMAIL_SKIP=$(grep -o "protocol '[a-z]*' is not available in this build[a-z ]*" "$dir/serve.log" | head -1)
        return 3
      fi
      echo "ringmail did not start:" >&2; cat "$dir/serve.log" >&2; return 1
    fi
    ((SECONDS < deadline)) || { echo "ringmail did not listen" >&2; cat "$dir/serve.log" >&2; return 1; }
    [[ -n "$address" ]] || sleep 0.05
  done
  RINGMAIL_PORT=${address##*:}
  RINGMAIL_DIR=$dir
  PEER_PIDS+=("$RINGMAIL_PID")
}

# ceiling_start PROTOCOL [ARG...]: the protocol's ceiling on our runtime
# ($BUILD_DIR/bench/bench_ceiling, bench/ceiling/: IMAP or SMTP framing only) on an ephemeral
# loopback port, on the same cores as ringmail (RINGMAIL_CORES, else every CPU); ARG... are
# passed on (--corpus DIR for imap). Sets CEILING_PORT and CEILING_PID, or returns 3 (reason in
# CEILING_SKIP) when the binary is not built, 1 when it does not start.
ceiling_start() {
  local protocol=$1
  shift
  local bin="$BUILD_DIR/bench/bench_ceiling" out="$WORK/ceiling-$protocol.out"
  local cores=${RINGMAIL_CORES:-$(seq -s, 0 $(($(nproc) - 1)))}
  CEILING_SKIP=""
  if [[ ! -x "$bin" ]]; then CEILING_SKIP="$bin not built"; return 3; fi
  local argv=("$bin" --protocol "$protocol" --port 0 --cores "${cores// /}" "$@")
  if [[ -n "${BENCH_CONFIG_DIR:-}" ]]; then
    mkdir -p "$BENCH_CONFIG_DIR"
    echo "${argv[*]}" >"$BENCH_CONFIG_DIR/ceiling-$protocol--command"
  fi
  : >"$out"
  "${argv[@]}" >"$out" 2>"$out.err" &
  CEILING_PID=$!
  PEER_PIDS+=("$CEILING_PID")
  local deadline=$((SECONDS + 20))
  CEILING_PORT=""
  until [[ -n "$CEILING_PORT" ]]; do
    CEILING_PORT=$(sed -n 's/^ready port=//p' "$out")
    if ((SECONDS > deadline)) || ! kill -0 "$CEILING_PID" 2>/dev/null; then
      echo "the $protocol ceiling did not start:" >&2; cat "$out.err" >&2; return 1
    fi
    [[ -n "$CEILING_PORT" ]] || sleep 0.05
  done
}

# peers_stop_all: stops everything started above (for the EXIT trap).
peers_stop_all() {
  local cmd pid
  for cmd in "${PEER_STOPS[@]}"; do $cmd >/dev/null 2>&1 || true; done
  for pid in "${PEER_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PEER_STOPS=(); PEER_PIDS=()
}

# pss_kib PID...: the sum of the processes' Pss from /proc/PID/smaps_rollup, in KiB.
pss_kib() {
  local pid sum=0 v
  for pid in "$@"; do
    v=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}
