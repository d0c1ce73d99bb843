// bench_imap_load: the IMAP load generator (imap_load.h, bench/README.md).
//
//   bench_imap_load --server 127.0.0.1:143 --users bench0,bench1 --password P
//                   [--connections 50] [--seconds 10] [--warmup 2] [--rounds 10]
//                   [--envelope-range 20] [--append-size 4096] [--mailbox INBOX] [--verbose]
//   bench_imap_load --idle --server ... --users ... --password P --connections 1000
//                   [--source-ips 127.0.0.1-127.0.0.8]
//
// --users takes a comma-separated list, or PREFIX%N for PREFIX0..PREFIX{N-1}.
#include <cstdio>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/metrics.h"
#include "common/flags.h"
#include "imap/imap_load.h"
#include "line/load_socket.h"
#include "runtime/runtime_metrics.h"
#include "runtime/system.h"

namespace {

std::vector<std::string> ParseUsers(const std::string& text) {
  std::vector<std::string> users;
  if (size_t pct = text.find('%'); pct != std::string::npos) {
    const int n = std::atoi(text.c_str() + pct + 1);
    for (int i = 0; i < n; ++i) users.push_back(text.substr(0, pct) + std::to_string(i));
    return users;
  }
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    if (comma > pos) users.push_back(text.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return users;
}

}  // namespace

int main(int argc, char** argv) {
  using ringmail::bench::Flags;
  using ringmail::bench::ParseSourceIps;
  Flags flags(argc, argv,
              {"--server", "--users", "--password", "--mailbox", "--connections", "--seconds",
               "--warmup", "--rounds", "--envelope-range", "--append-size", "--source-ips"},
              {"--idle", "--verbose"});
  ringmail::bench::ImapLoadOptions o;
  ringmail::Result<ringmail::SocketAddress> server =
      ringmail::SocketAddress::Parse(flags.String("--server", "127.0.0.1:143"));
  if (!server) {
    std::fprintf(stderr, "--server: %s\n", server.error().ToString().c_str());
    return 2;
  }
  o.server = *server;
  o.users = ParseUsers(flags.String("--users", "bench0"));
  o.password = flags.String("--password", "bench-password");
  o.mailbox = flags.String("--mailbox", "INBOX");
  o.connections = static_cast<int>(flags.Int("--connections", 50));
  o.seconds = flags.Double("--seconds", 10);
  o.warmup = flags.Double("--warmup", 2);
  o.rounds = static_cast<int>(flags.Int("--rounds", 10));
  o.envelope_range = static_cast<int>(flags.Int("--envelope-range", 20));
  o.append_size = static_cast<size_t>(flags.Int("--append-size", 4096));
  o.verbose = flags.Has("--verbose");
  if (const std::string ips = flags.String("--source-ips", "");
      !ips.empty() && !ParseSourceIps(ips, &o.source_ips)) {
    std::fprintf(stderr, "--source-ips: expected A, A,B or A-B (IPv4)\n");
    return 2;
  }
  if (o.users.empty() || o.connections < 1 || o.seconds <= 0) {
    std::fprintf(stderr, "need --users, --connections >= 1 and --seconds > 0\n");
    return 2;
  }
  ringmail::RaiseResourceLimits();  // descriptors: up to fs.nr_open as root, else the hard limit
  ringmail::SetLogLevel(ringmail::LogLevel::kWarn);
  ringmail::MetricsRegistry::Global().ResetForTesting();
  ringmail::RegisterRuntimeMetrics();
  ringmail::MetricsRegistry::Global().Freeze(1);
  return flags.Has("--idle") ? ringmail::bench::RunImapIdle(o) : ringmail::bench::RunImapMix(o);
}
