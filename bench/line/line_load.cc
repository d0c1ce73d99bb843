// bench_line_load --port P [--host 127.0.0.1] [--connections 1000] [--seconds 10]
//                 [--warmup 2] [--threads 1] [--source-ips 127.0.0.1[-127.0.0.K]]
//                 [--idle [--idle-ping]]
#include "line/line_load.h"

#include <arpa/inet.h>

#include <cstdio>
#include <string>

#include "common/flags.h"
#include "line/load_socket.h"
#include "runtime/system.h"

namespace ringmail::bench {

int Main(int argc, char** argv) {
  Flags flags(
      argc, argv,
      {"--port", "--host", "--connections", "--seconds", "--warmup", "--threads", "--source-ips"},
      {"--idle", "--idle-ping"});
  LoadOptions options;
  options.destination.sin_family = AF_INET;
  options.destination.sin_port = htons(static_cast<uint16_t>(flags.Int("--port", 0)));
  std::string host = flags.String("--host", "127.0.0.1");
  if (inet_pton(AF_INET, host.c_str(), &options.destination.sin_addr) != 1 ||
      options.destination.sin_port == 0) {
    std::fprintf(stderr, "need --port and an IPv4 --host\n");
    return 2;
  }
  if (!ParseSourceIps(flags.String("--source-ips", "127.0.0.1"), &options.sources)) {
    std::fprintf(stderr, "bad --source-ips (a.b.c.d, a list, or a.b.c.d-a.b.c.e)\n");
    return 2;
  }
  options.connections = static_cast<int>(flags.Int("--connections", 1000));
  options.seconds = flags.Double("--seconds", 10);
  options.warmup = flags.Double("--warmup", 2);
  options.threads = static_cast<int>(flags.Int("--threads", 1));
  if (options.connections < 1 || options.threads < 1 || options.seconds <= 0) {
    std::fprintf(stderr, "--connections, --threads and --seconds must be positive\n");
    return 2;
  }
  RaiseResourceLimits();  // RLIMIT_NOFILE up to the hard limit

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  signal(SIGPIPE, SIG_IGN);
  if (flags.Has("--idle")) {
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return RunIdle(options, flags.Has("--idle-ping"), signals);
  }
  return RunClosedLoop(options);
}

}  // namespace ringmail::bench

int main(int argc, char** argv) { return ringmail::bench::Main(argc, argv); }
