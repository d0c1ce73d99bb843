// What every benchmark server on our runtime shares (bench/README.md): the line server's
// `uring` mode and the protocol ceilings (bench/ceiling/). One Engine with one listener on
// the listed cores, a `ready port=P` line once listening, a `stats ...` line on SIGUSR1, and
// on SIGTERM/SIGINT the engine stopped and the final stats line printed.
#pragma once

#include <signal.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runtime/listener.h"
#include "runtime/runtime_metrics.h"

namespace ringmail::bench {

struct EngineServerOptions {
  std::string name;  // the listener's name (its metrics are labelled with it)
  std::string bind = "127.0.0.1";
  uint16_t port = 0;  // 0: ephemeral, printed in the ready line
  std::vector<int> cores{0};
};

// Serves `handler` until a stop signal; `stats` makes the stats line's text. REQUIRES:
// RegisterRuntimeMetrics() and every metric of the handler registered; `signals` (SIGTERM,
// SIGINT, SIGUSR1) blocked in every thread. Returns the process exit code.
int ServeUntilStopped(const EngineServerOptions& options, ProtocolHandler* handler,
                      const sigset_t& signals, const std::function<std::string()>& stats);

// " ring_enters=... sqes=... completions=... connections=N" (connections opened on the
// listener whose metrics `listener` are, registered before the engine started) followed by
// ProcessUsageFields().
std::string RuntimeStatsFields(const ListenerMetrics& listener);

// Blocks SIGTERM, SIGINT and SIGUSR1 in the calling thread (call before any thread starts, so
// only the thread that waits receives them) and ignores SIGPIPE; returns the set.
sigset_t BlockServerSignals();

// Waits for one of `signals`; true for SIGUSR1 (print stats), false for a stop signal.
bool WaitForStatsSignal(const sigset_t& signals);

// " cpu_user_s=... cpu_sys_s=... rss_kib=..." for this process so far.
std::string ProcessUsageFields();

// Prints `line` and a newline to stdout and flushes (the scripts read it through a pipe).
void PrintLine(const std::string& line);

}  // namespace ringmail::bench
