#include "server/server.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "base/log.h"
#include "runtime/engine.h"
#include "runtime/runtime_metrics.h"
#include "runtime/system.h"
#include "runtime/worker_pool.h"
#include "server/change_feed_service.h"
#include "server/directory_setup.h"
#include "server/main_thread.h"
#include "server/protocol_setup.h"
#include "server/queue_service.h"
#include "server/storage_service.h"
#include "server/storage_setup.h"
#include "server/tls_setup.h"
#include "tls/ktls.h"
#include "tls/tls_metrics.h"

namespace ringmail {
namespace {

constexpr int kWorkerQueueMax = 1024;  // blocking jobs waiting for a worker; more: kBusy
constexpr int kTlsFileCheckIntervalMs = 10 * 1000;  // how often certificate files are checked

// One EngineListener per bound address; handlers[i] serves config.listeners[i].
std::vector<EngineListener> MakeListeners(
    const Config& config, const std::vector<std::unique_ptr<ProtocolHandler>>& handlers) {
  std::vector<EngineListener> out;
  for (size_t i = 0; i < config.listeners.size(); ++i) {
    const ListenerConfig& l = config.listeners[i];
    for (const SocketAddress& address : l.bind) {
      EngineListener e;
      e.name = l.name;
      e.address = address;
      e.handler = handlers[i].get();
      e.connections_max = l.connections_max;
      // Kernel TLS needs a regular descriptor for its setsockopts.
      if (l.tls != TlsMode::kNone && KernelTlsAvailable()) e.direct_descriptors = false;
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

// Records the port each listener's first address got (MakeListeners' order).
void SetBoundPorts(const Config& config, const Engine& engine, ListenerPorts* ports) {
  size_t first = 0;
  for (size_t i = 0; i < config.listeners.size(); ++i) {
    ports->Set(i, engine.addresses()[first].port());
    first += config.listeners[i].bind.size();
  }
}

// How many reactors the engine will run: the configured cores, or every online one.
size_t ReactorCount(const Config& config) {
  if (!config.runtime.cores.empty()) return config.runtime.cores.size();
  return static_cast<size_t>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
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

int ExitCodeFor(const Error& error) {
  return error.code == ErrorCode::kConfig ? kExitConfig : kExitFailure;
}

// What Serve does once the engine runs: the stores' start-up check, `ready`, serving until a
// stop signal, and the shutdown of everything that runs on the cores, in that order.
int ServeWithEngine(const Config& config, Engine& engine, Stores& stores, SignalWaiter& signals,
                    QueueService& queue, ChangeFeedService& feed) {
  StorageService storage(config, &stores);
  Error error;
  switch (storage.Start(engine, signals, &error)) {
    case StorageService::StartResult::kReady: break;
    case StorageService::StartResult::kStopped: storage.Stop(engine); return kExitOk;
    case StorageService::StartResult::kFailed:
      std::fprintf(stderr, "%s\n", error.message.c_str());
      storage.Stop(engine);
      return ExitCodeFor(error);
  }
  storage.StartCollector(engine);
  queue.Start(engine);
  feed.Start(engine);
  Log(LogLevel::kInfo, "ready", "cores", engine.reactor_count(), "node_id", config.node_id);
  SdNotify("READY=1");
  signals.WaitForStop();
  SdNotify("STOPPING=1");
  queue.Stop(engine);
  feed.Stop(engine);
  storage.Stop(engine);
  return kExitOk;
}

}  // namespace

int Serve(const Config& config) {
  SetLogLevel(config.log_level);
  // Before any thread starts (workers, the SQLite store thread, reactors): they inherit the
  // blocked signals.
  Result<SignalWaiter> signals = SignalWaiter::Create();
  if (!signals) {
    std::fprintf(stderr, "ringmail: %s\n", signals.error().ToString().c_str());
    return kExitFailure;
  }
  // Certificates first: an unusable one is a config error before anything starts. The
  // holder outlives the engine (connections hold its contexts).
  std::unique_ptr<TlsContextHolder> tls;
  if (!config.tls.empty()) {
    Result<std::unique_ptr<TlsContextHolder>> made = TlsContextHolder::Create(config);
    if (!made) {
      std::fprintf(stderr, "%s\n", made.error().message.c_str());
      return ExitCodeFor(made.error());
    }
    tls = std::move(*made);
    RegisterTlsMetrics();
    Log(LogLevel::kInfo, "tls_kernel_offload", "available", KernelTlsAvailable(), "else",
        "sessions stay in userspace wolfSSL");
    signals->SetReload(
        [holder = tls.get()](bool sighup) {
          if (sighup) {
            holder->Reload("SIGHUP");
          } else {
            holder->ReloadIfChanged();
          }
        },
        kTlsFileCheckIntervalMs);
  }
  // Declared in the order they must outlive each other: the engine's reactors use the stores,
  // and the S3 client hands DNS lookups to the workers.
  Result<std::unique_ptr<WorkerPool>> workers =
      WorkerPool::Create(static_cast<int>(config.runtime.workers), kWorkerQueueMax);
  if (!workers) {
    std::fprintf(stderr, "ringmail: %s\n", workers.error().ToString().c_str());
    return kExitFailure;
  }
  Result<Stores> stores = OpenStores(config, workers->get());
  if (!stores) {
    std::fprintf(stderr, "%s\n", stores.error().message.c_str());
    return ExitCodeFor(stores.error());
  }
  if (Result<void> admin = CheckFallbackAdmin(config); !admin) {
    std::fprintf(stderr, "%s\n", admin.error().message.c_str());
    return kExitConfig;
  }
  // The directory and the authenticator serve every core (protocols use them from there).
  Result<DirectoryServices> directory =
      OpenDirectory(config, stores->metadata.get(), workers->get(), ReactorCount(config));
  if (!directory) {
    std::fprintf(stderr, "%s\n", directory.error().message.c_str());
    return ExitCodeFor(directory.error());
  }
  // Live updates between sessions on every core (IMAP IDLE, untagged updates).
  MailboxHub hub(ReactorCount(config));
  // ... and between nodes sharing the metadata store (a no-op for a store of one node).
  ChangeFeedService feed(&hub, stores->metadata->change_feed());
  // The outbound queue (docs/queue.md); without a smarthost, no queue (outbound stays null).
  Result<std::unique_ptr<QueueService>> queue =
      QueueService::Create(config, &*stores, &*directory, workers->get(), feed.events());
  if (!queue) {
    std::fprintf(stderr, "%s\n", queue.error().message.c_str());
    return ExitCodeFor(queue.error());
  }
  MailServices services;
  services.events = feed.events();
  services.hub = &hub;
  services.config = &config;
  services.stores = &*stores;
  services.directory = &*directory;
  services.workers = workers->get();
  services.outbound = (*queue)->outbound();
  services.tls = tls.get();
  ListenerPorts ports(config);
  services.ports = &ports;
  Result<std::vector<std::unique_ptr<ProtocolHandler>>> handlers = MakeProtocolHandlers(services);
  if (!handlers) {
    std::fprintf(stderr, "%s\n", handlers.error().message.c_str());
    return ExitCodeFor(handlers.error());
  }
  RegisterRuntimeMetrics();
  StorageService::RegisterMetrics();
  std::vector<EngineListener> listeners = MakeListeners(config, *handlers);
  Engine engine;
  if (Result<void> started = engine.Start(MakeEngineOptions(config), listeners); !started) {
    std::fprintf(stderr, "%s\n", started.error().message.c_str());
    return ExitCodeFor(started.error());
  }
  for (size_t i = 0; i < listeners.size(); ++i) {
    Log(LogLevel::kInfo, "listening", "listener", listeners[i].name, "address",
        engine.addresses()[i].ToString());
  }
  SetBoundPorts(config, engine, &ports);
  const int code = ServeWithEngine(config, engine, *stores, *signals, **queue, feed);
  engine.Stop();
  Log(LogLevel::kInfo, "stopped");
  return code;
}

}  // namespace ringmail
