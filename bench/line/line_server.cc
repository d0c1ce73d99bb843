// bench_line_server --mode uring|epoll [--port P] [--cores 0[,1]] [--bind 127.0.0.1]
//
// See line_server.h for what it prints and bench/README.md for how the scripts use it.
#include "line/line_server.h"

#include <cstdio>

#include "common/flags.h"

namespace ringmail::bench {

int Main(int argc, char** argv) {
  Flags flags(argc, argv, {"--mode", "--port", "--cores", "--bind"});
  LineServerOptions options;
  options.bind = flags.String("--bind", "127.0.0.1");
  options.port = static_cast<uint16_t>(flags.Int("--port", 0));
  options.cores = flags.IntList("--cores", "0");
  std::string mode = flags.String("--mode", "uring");

  // Blocked before any thread starts, so only the main thread receives them.
  const sigset_t signals = BlockServerSignals();

  if (mode == "uring") return RunUringLineServer(options, signals);
  if (mode == "epoll") return RunEpollLineServer(options, signals);
  std::fprintf(stderr, "--mode must be uring or epoll\n");
  return 2;
}

}  // namespace ringmail::bench

int main(int argc, char** argv) { return ringmail::bench::Main(argc, argv); }
