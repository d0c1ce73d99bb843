// The line-protocol load generator (bench/README.md): a closed loop over many connections,
// or a holder of idle connections for the memory measurement.
#pragma once

#include <netinet/in.h>
#include <signal.h>

#include <vector>

namespace ringmail::bench {

struct LoadOptions {
  sockaddr_in destination{};
  std::vector<in_addr> sources;  // connections are spread over these round-robin
  int connections = 1000;
  double seconds = 10;  // measured, after the warm-up
  double warmup = 2;
  int threads = 1;
};

// Each connection sends "PING <n>\n", waits for its "PONG <n>\n", and sends the next: one
// request in flight per connection. Counts the answers that arrive after the warm-up and
// prints `requests_per_s=... p50_us=... p99_us=...` and more. Returns the exit code.
int RunClosedLoop(const LoadOptions& options);

// Opens options.connections connections and holds them; with `ping`, each first makes one
// request (so the server has seen traffic on it). Prints `connected=N` once all are open,
// then waits for one of `signals` (blocked by the caller). Returns the exit code.
int RunIdle(const LoadOptions& options, bool ping, const sigset_t& signals);

}  // namespace ringmail::bench
