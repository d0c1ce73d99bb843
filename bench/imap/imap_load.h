// The IMAP load generator (bench/README.md, "IMAP against Dovecot"): a closed loop of
// realistic sessions over many connections, or a holder of idle connections in IDLE for the
// memory probe. One reactor thread of our runtime; any IMAP4rev1 server.
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "base/socket_address.h"
#include "line/latency_histogram.h"

namespace ringmail::bench {

struct ImapLoadOptions {
  SocketAddress server;
  std::vector<std::string> users;  // connection i logs in as users[i % size]
  std::string password;
  std::string mailbox = "INBOX";
  int connections = 50;
  double seconds = 10;  // measured, after the warm-up
  double warmup = 2;
  int rounds = 10;          // FETCH ENVELOPE + FETCH BODY[] + STORE rounds per login
  int envelope_range = 20;  // messages per FETCH ENVELOPE
  size_t append_size = 4096;
  bool verbose = false;  // print the first failures
  // --idle: connect from these addresses in turn (each has its own ephemeral ports: more than
  // about 28,000 connections to one server need several); empty: the kernel's choice.
  std::vector<in_addr> source_ips;
};

// The commands of the mix, each measured apart.
enum class Cmd : uint8_t {
  kLogin,
  kList,
  kStatus,
  kSelect,
  kFetchFlags,
  kFetchEnvelope,
  kFetchBody,
  kStore,
  kAppend,
  kExpunge,
  kLogout,
  kCount
};
inline constexpr std::array<const char*, static_cast<size_t>(Cmd::kCount)> kCmdNames = {
    "LOGIN",      "LIST",  "STATUS", "SELECT",  "FETCH_FLAGS", "FETCH_ENVELOPE",
    "FETCH_BODY", "STORE", "APPEND", "EXPUNGE", "LOGOUT"};

struct CmdStats {
  LatencyHistogram latency;
  uint64_t no = 0;   // tagged NO
  uint64_t bad = 0;  // tagged BAD (or BYE)
};

// Per connection, the session is: connect, greeting, LOGIN, LIST "" "*", STATUS INBOX
// (MESSAGES UNSEEN UIDNEXT), SELECT INBOX, FETCH 1:* (FLAGS), then `rounds` times {FETCH of
// `envelope_range` messages (ENVELOPE), FETCH of one random message BODY.PEEK[], STORE of a
// random message +FLAGS (\Seen)}, APPEND of a new message, UID STORE of it +FLAGS
// (\Deleted) and EXPUNGE (so the mailbox keeps its size), LOGOUT; then again on a new
// connection. Prints `commands_per_s=... sessions_per_s=... errors=...` and a line per
// command kind with p50/p99/p99.9 latency. Returns the exit code.
int RunImapMix(const ImapLoadOptions& options);

// Opens `connections` connections, each LOGIN, SELECT and IDLE; prints `idle=N` when all
// are in IDLE (and `failed=N` for those that could not), then holds them until SIGTERM or
// SIGINT. Returns the exit code.
int RunImapIdle(const ImapLoadOptions& options);

}  // namespace ringmail::bench
