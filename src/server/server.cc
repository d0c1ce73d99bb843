#include "server/server.h"

#include <signal.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "base/log.h"
#include "runtime/engine.h"
#include "runtime/runtime_metrics.h"
#include "runtime/system.h"
#include "server/metrics_handler.h"

namespace ringmail {
namespace {

Result<void> CheckSupported(const Config& config) {
  for (const ListenerConfig& l : config.listeners) {
    std::string where =
        config.path + ":" + std::to_string(l.line) + ": listener '" + l.name + "': ";
    if (l.protocol != Protocol::kMetrics) {
      return MakeError(ErrorCode::kConfig, where + "protocol '" + ProtocolName(l.protocol) +
                                               "' is not available in this build yet");
    }
    if (l.tls != TlsMode::kNone) {
      return MakeError(ErrorCode::kConfig, where + "TLS is not available in this build yet");
    }
  }
  return {};
}

std::vector<EngineListener> MakeListeners(const Config& config, ProtocolHandler* metrics) {
  std::vector<EngineListener> out;
  for (const ListenerConfig& l : config.listeners) {
    for (const SocketAddress& address : l.bind) {
      EngineListener e;
      e.name = l.name;
      e.address = address;
      e.handler = metrics;
      e.connections_max = l.connections_max;
      e.connection_options.input_max = l.input_max;
      e.connection_options.read_timeout_ms = l.idle_timeout_ms;
      if (config.runtime.send_zerocopy_threshold != 0) {
        e.connection_options.send_zerocopy_threshold = config.runtime.send_zerocopy_threshold;
      }
      out.push_back(std::move(e));
    }
  }
  return out;
}

EngineOptions MakeEngineOptions(const Config& config) {
  EngineOptions o;
  o.cpus = config.runtime.cores;
  o.reactor.ring_entries = config.runtime.ring_entries;
  o.reactor.recv_buffer_size = config.runtime.recv_buffer_size;
  o.reactor.recv_buffer_count = config.runtime.recv_buffer_count;
  o.reactor.shutdown_timeout_ms = config.runtime.shutdown_timeout_ms;
  return o;
}

// Blocks the signals the main thread waits for, so no reactor thread receives them.
sigset_t BlockServerSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return set;
}

// Waits for SIGTERM/SIGINT, feeding the systemd watchdog meanwhile.
void WaitForStopSignal(const sigset_t& set) {
  const uint64_t watchdog_usec = SdWatchdogUsec();
  for (;;) {
    siginfo_t info{};
    int sig;
    if (watchdog_usec > 0) {
      const uint64_t half_usec = watchdog_usec / 2;
      timespec half{static_cast<time_t>(half_usec / 1000000),
                    static_cast<long>(half_usec % 1000000 * 1000)};
      sig = sigtimedwait(&set, &info, &half);
      if (sig < 0) {
        SdNotify("WATCHDOG=1");
        continue;
      }
    } else {
      sig = sigwaitinfo(&set, &info);
      if (sig < 0) continue;
    }
    if (sig == SIGHUP) {
      Log(LogLevel::kInfo, "sighup_ignored", "reason", "nothing reloadable in this build");
      continue;
    }
    Log(LogLevel::kInfo, "stopping", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    return;
  }
}

}  // namespace

int Serve(const Config& config) {
  SetLogLevel(config.log_level);
  if (Result<void> ok = CheckSupported(config); !ok) {
    std::fprintf(stderr, "%s\n", ok.error().message.c_str());
    return kExitConfig;
  }
  sigset_t signals = BlockServerSignals();  // before any thread starts: they inherit it
  RegisterRuntimeMetrics();
  MetricsHandler metrics_handler;
  std::vector<EngineListener> listeners = MakeListeners(config, &metrics_handler);
  Engine engine;
  if (Result<void> started = engine.Start(MakeEngineOptions(config), listeners); !started) {
    std::fprintf(stderr, "%s\n", started.error().message.c_str());
    return started.error().code == ErrorCode::kConfig ? kExitConfig : kExitFailure;
  }
  for (size_t i = 0; i < listeners.size(); ++i) {
    Log(LogLevel::kInfo, "listening", "listener", listeners[i].name, "address",
        engine.addresses()[i].ToString());
  }
  Log(LogLevel::kInfo, "ready", "cores", engine.reactor_count());
  SdNotify("READY=1");
  WaitForStopSignal(signals);
  SdNotify("STOPPING=1");
  engine.Stop();
  Log(LogLevel::kInfo, "stopped");
  return kExitOk;
}

}  // namespace ringmail
