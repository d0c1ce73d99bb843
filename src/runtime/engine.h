// Engine: a set of reactor threads serving a set of listeners — the runtime as a whole,
// used by the daemon, the benchmarks and the tests.
//
// Start() opens every listening socket first (one SO_REUSEPORT socket per core per address),
// so a port in use is reported before anything runs, then starts one pinned thread per core,
// each creating its own ring and arming its own listeners, and returns once all accept.
// Stop() asks every reactor to drain (cross-core message) and joins the threads.
// Start, Spawn and Stop are called from one non-reactor thread (the controlling thread).
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "base/socket_address.h"
#include "runtime/listener.h"
#include "runtime/message.h"
#include "runtime/reactor.h"
#include "runtime/task.h"

namespace ringmail {

struct EngineListener {
  std::string name;
  SocketAddress address;               // port 0: an ephemeral port, the same on every core
  ProtocolHandler* handler = nullptr;  // outlives the engine
  ConnectionOptions connection_options;
  uint32_t connections_max = 10000;
  bool direct_descriptors = true;
};

struct EngineOptions {
  std::vector<int> cpus;   // one reactor per entry, pinned to that CPU; empty: every allowed CPU
  ReactorOptions reactor;  // `core` and `direct_files_max` are filled in per reactor
};

class Engine {
 public:
  Engine();
  ~Engine();  // stops if still running
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // REQUIRES: RegisterRuntimeMetrics() was called; listener metrics are registered here, and
  // the metrics registry is frozen here (register any other metrics before).
  // Errors: kConfig for sockets that cannot be bound ("listener 'x': bind ...: reason"),
  // kIo when a reactor cannot start (for example io_uring unavailable).
  Result<void> Start(const EngineOptions& options, std::vector<EngineListener> listeners);

  // Starts `task` on reactor `index` (Spawn() there, from a cross-core message) and returns
  // once the message is delivered; the task runs on that core as soon as its loop gets to it.
  // For work the controlling thread hands to a core (start-up checks, background loops).
  // REQUIRES: running; index < reactor_count(). The task must end before Stop(): one still
  // suspended when its reactor stops is never resumed (the caller waits for it).
  Result<void> Spawn(size_t index, Task<void> task);

  // Drains and joins every reactor. Idempotent.
  void Stop();

  // Bound address of each listener, in Start's order (ephemeral ports resolved).
  const std::vector<SocketAddress>& addresses() const { return addresses_; }
  size_t reactor_count() const { return slots_.size(); }

 private:
  struct Slot;
  struct Group;
  void RunReactor(size_t index);
  Result<MessagePoster*> Poster();

  EngineOptions options_;
  std::vector<std::unique_ptr<Group>> groups_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<SocketAddress> addresses_;
  std::unique_ptr<MessagePoster> poster_;  // the controlling thread's; made on first use
  bool running_ = false;
};

}  // namespace ringmail
