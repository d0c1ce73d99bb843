// The line-protocol benchmark server (bench/README.md), in two implementations over the
// same protocol (line_protocol.h): on our runtime (uring_line_server.cc) and on epoll
// (epoll_line_server.cc). Both run one thread per listed core, each with its own
// SO_REUSEPORT listening socket, and both report their counters in one line:
//
//   ready port=P                                  once listening
//   stats mode=... requests=N ...                 on SIGUSR1
//   mode=... requests=N ...                       on SIGTERM/SIGINT, then exit 0
#pragma once

#include <signal.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/engine_server.h"

namespace ringmail::bench {

struct LineServerOptions {
  std::string bind = "127.0.0.1";
  uint16_t port = 0;  // 0: ephemeral, printed in the ready line
  std::vector<int> cores{0};
};

// Both return the process exit code. `signals` (SIGTERM, SIGINT, SIGUSR1) are blocked in
// every thread; the calling thread waits for them.
int RunUringLineServer(const LineServerOptions& options, const sigset_t& signals);
int RunEpollLineServer(const LineServerOptions& options, const sigset_t& signals);

}  // namespace ringmail::bench
