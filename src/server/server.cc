#include "server/server.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/log.h"
#include "base/metrics.h"
#include "runtime/listener.h"
#include "runtime/message.h"
#include "runtime/reactor.h"
#include "runtime/runtime_metrics.h"
#include "runtime/system.h"
#include "server/metrics_handler.h"

namespace ringmail {
namespace {

constexpr int kListenBacklog = 4096;
constexpr uint64_t kDirectFilesMax = 1 << 18;  // per core: 256k connections

// The listening sockets of one configured address: one per core.
struct SocketGroup {
  std::unique_ptr<ListenerShared> shared;
  std::vector<int> fds;  // index = reactor index
};

struct ReactorSlot {
  std::thread thread;
  Reactor* reactor = nullptr;  // published before the start latch counts down
  std::string error;
};

// Stop request posted from the main thread into a reactor's ring.
struct StopMessage : Completion {
  Reactor* reactor = nullptr;
};
void OnStopMessage(Completion* c, int32_t, uint32_t) {
  static_cast<StopMessage*>(c)->reactor->RequestStop();
}

Result<void> CheckSupported(const Config& config) {
  for (const ListenerConfig& l : config.listeners) {
    if (l.protocol != Protocol::kMetrics) {
      return MakeError(ErrorCode::kConfig,
                       config.path + ":" + std::to_string(l.line) + ": listener '" + l.name +
                           "': protocol '" + ProtocolName(l.protocol) +
                           "' is not available in this build yet");
    }
    if (l.tls != TlsMode::kNone) {
      return MakeError(ErrorCode::kConfig, config.path + ":" + std::to_string(l.line) +
                                               ": listener '" + l.name +
                                               "': TLS is not available in this build yet");
    }
  }
  return {};
}

// Binds `count` SO_REUSEPORT sockets to `address`. A port asked as 0 is fixed by the first
// bind and reused by the rest. A probe bind without SO_REUSEPORT comes first, so another
// process holding the port is reported even if it also uses SO_REUSEPORT.
Result<std::vector<int>> OpenSockets(SocketAddress* address, size_t count) {
  Result<int> probe = OpenListeningSocket(*address, 1);
  if (!probe) return std::unexpected(probe.error());
  int one = 0;
  setsockopt(*probe, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  sockaddr_in6 bound{};
  socklen_t len = sizeof bound;
  getsockname(*probe, reinterpret_cast<sockaddr*>(&bound), &len);
  address->set_port(SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&bound), len).port());
  std::vector<int> fds;
  fds.push_back(*probe);
  for (size_t i = 1; i < count; ++i) {
    Result<int> fd = OpenListeningSocket(*address, kListenBacklog);
    if (!fd) {
      for (int f : fds) close(f);
      return std::unexpected(fd.error());
    }
    fds.push_back(*fd);
  }
  listen(fds[0], kListenBacklog);
  return fds;
}

Result<std::vector<SocketGroup>> OpenListeners(const Config& config, size_t cores,
                                               ProtocolHandler* metrics_handler) {
  std::vector<SocketGroup> groups;
  for (const ListenerConfig& l : config.listeners) {
    ListenerMetrics metrics = RegisterListenerMetrics(l.name);
    for (const SocketAddress& configured : l.bind) {
      SocketGroup g;
      g.shared = std::make_unique<ListenerShared>();
      g.shared->name = l.name;
      g.shared->address = configured;
      g.shared->handler = metrics_handler;
      g.shared->metrics = metrics;
      g.shared->connections_max = l.connections_max;
      g.shared->connection_options.input_max = l.input_max;
      g.shared->connection_options.read_timeout_ms = l.idle_timeout_ms;
      if (config.runtime.send_zerocopy_threshold != 0) {
        g.shared->connection_options.send_zerocopy_threshold =
            config.runtime.send_zerocopy_threshold;
      }
      Result<std::vector<int>> fds = OpenSockets(&g.shared->address, cores);
      if (!fds) {
        for (SocketGroup& done : groups) {
          for (int f : done.fds) close(f);
        }
        return MakeError(ErrorCode::kConfig, "listener '" + l.name + "': " +
                                                 fds.error().ToString());
      }
      g.fds = std::move(*fds);
      groups.push_back(std::move(g));
    }
  }
  return groups;
}

void ReactorMain(const Config& config, int index, int cpu, uint32_t direct_files_max,
                 std::vector<SocketGroup>* groups, ReactorSlot* slot, std::latch* started) {
  SetLogCore(index);
  if (Result<void> pinned = PinToCore(cpu); !pinned) {
    Log(LogLevel::kWarn, "pin_failed", "cpu", cpu, "error", pinned.error().ToString());
  }
  ReactorOptions options;
  options.core = index;
  options.ring_entries = config.runtime.ring_entries;
  options.recv_buffer_size = config.runtime.recv_buffer_size;
  options.recv_buffer_count = config.runtime.recv_buffer_count;
  options.shutdown_timeout_ms = config.runtime.shutdown_timeout_ms;
  options.direct_files_max = direct_files_max;
  Result<std::unique_ptr<Reactor>> reactor = Reactor::Create(options);
  if (!reactor) {
    slot->error = reactor.error().ToString();
    started->count_down();
    return;
  }
  for (SocketGroup& g : *groups) {
    (*reactor)->AddListener(std::make_unique<Listener>(**reactor, *g.shared, g.fds[index]));
  }
  slot->reactor = reactor->get();
  started->count_down();
  (*reactor)->Run();
  Log(LogLevel::kInfo, "reactor_stopped");
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
  uint64_t watchdog_usec = SdWatchdogUsec();
  for (;;) {
    siginfo_t info{};
    int sig;
    if (watchdog_usec > 0) {
      timespec half{static_cast<time_t>(watchdog_usec / 2000000),
                    static_cast<long>((watchdog_usec / 2) % 1000000 * 1000)};
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
  uint64_t nofile = RaiseResourceLimits();
  // The kernel caps a direct descriptor table at RLIMIT_NOFILE; leave room for the regular
  // descriptors each accepted socket has until it moves into the table.
  const uint32_t direct_files_max =
      static_cast<uint32_t>(std::min<uint64_t>(kDirectFilesMax, nofile - nofile / 8));
  std::vector<int> cpus = config.runtime.cores.empty() ? AllowedCores() : config.runtime.cores;
  RegisterRuntimeMetrics();
  MetricsHandler metrics_handler;
  Result<std::vector<SocketGroup>> groups = OpenListeners(config, cpus.size(), &metrics_handler);
  if (!groups) {
    std::fprintf(stderr, "%s\n", groups.error().message.c_str());
    return kExitConfig;
  }
  MetricsRegistry::Global().Freeze(static_cast<int>(cpus.size()));
  sigset_t signals = BlockServerSignals();

  std::vector<ReactorSlot> slots(cpus.size());
  std::latch started(static_cast<std::ptrdiff_t>(cpus.size()));
  for (size_t i = 0; i < cpus.size(); ++i) {
    slots[i].thread = std::thread(ReactorMain, std::cref(config), static_cast<int>(i), cpus[i],
                                  direct_files_max, &*groups, &slots[i], &started);
  }
  started.wait();

  MessagePoster poster;
  if (Result<void> ok = poster.Init(); !ok) {
    // Without it the reactors cannot be told to stop: there is nothing to drain yet.
    Log(LogLevel::kError, "startup_failed", "error", ok.error().ToString());
    std::_Exit(kExitFailure);
  }
  bool failed = false;
  for (ReactorSlot& s : slots) {
    if (!s.error.empty()) {
      Log(LogLevel::kError, "reactor_failed", "error", s.error);
      failed = true;
    }
  }
  if (!failed) {
    for (SocketGroup& g : *groups) {
      Log(LogLevel::kInfo, "listening", "listener", g.shared->name, "address",
          g.shared->address.ToString());
    }
    Log(LogLevel::kInfo, "ready", "cores", cpus.size(), "nofile", nofile);
    SdNotify("READY=1");
    WaitForStopSignal(signals);
    SdNotify("STOPPING=1");
  }
  std::vector<StopMessage> stops(slots.size());
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].reactor == nullptr) continue;
    stops[i].callback = &OnStopMessage;
    stops[i].reactor = slots[i].reactor;
    CHECK(poster.Post(slots[i].reactor->ring_fd(), &stops[i]).has_value());
  }
  for (ReactorSlot& s : slots) s.thread.join();
  Log(LogLevel::kInfo, "stopped");
  return failed ? kExitFailure : kExitOk;
}

}  // namespace ringmail
