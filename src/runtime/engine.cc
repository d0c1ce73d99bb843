#include "runtime/engine.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <latch>

#include "base/log.h"
#include "base/metrics.h"
#include "runtime/message.h"
#include "runtime/runtime_metrics.h"
#include "runtime/system.h"

namespace ringmail {
namespace {
constexpr int kListenBacklog = 4096;
constexpr uint64_t kDirectFilesMax = 1 << 18;  // per core: 256k connections

// Stop request posted from the controlling thread into a reactor's ring.
struct StopMessage : Completion {
  Reactor* reactor = nullptr;
};
void OnStopMessage(Completion* c, int32_t, uint32_t) {
  static_cast<StopMessage*>(c)->reactor->RequestStop();
}

// A task handed to a reactor by Engine::Spawn; frees itself on arrival.
struct SpawnMessage : Completion {
  Task<void> task;
};
void OnSpawnMessage(Completion* c, int32_t, uint32_t) {
  auto* message = static_cast<SpawnMessage*>(c);
  Task<void> task = std::move(message->task);
  delete message;
  Spawn(std::move(task));
}

// Binds `count` SO_REUSEPORT sockets to `address`. A port asked as 0 is fixed by the first
// bind and reused by the rest.
Result<std::vector<int>> OpenSockets(SocketAddress* address, size_t count) {
  std::vector<int> fds;
  for (size_t i = 0; i < count; ++i) {
    Result<int> fd = OpenListeningSocket(*address, kListenBacklog, i == 0);
    if (!fd) {
      for (int f : fds) close(f);
      return std::unexpected(fd.error());
    }
    if (i == 0) {
      sockaddr_in6 bound{};
      socklen_t len = sizeof bound;
      getsockname(*fd, reinterpret_cast<sockaddr*>(&bound), &len);
      address->set_port(
          SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&bound), len).port());
    }
    fds.push_back(*fd);
  }
  return fds;
}
}  // namespace

struct Engine::Group {
  ListenerShared shared;
  std::vector<int> fds;  // index = reactor index; moved into that core's Listener
};

struct Engine::Slot {
  int cpu = 0;
  std::thread thread;
  Reactor* reactor = nullptr;  // published before `started` counts down
  std::string error;
  std::latch* started = nullptr;
  StopMessage stop;
};

Engine::Engine() = default;
Engine::~Engine() { Stop(); }

Result<void> Engine::Start(const EngineOptions& options, std::vector<EngineListener> listeners) {
  CHECK(!running_ && slots_.empty());
  options_ = options;
  if (options_.cpus.empty()) options_.cpus = AllowedCores();
  uint64_t nofile = RaiseResourceLimits();
  // The kernel caps a direct descriptor table at RLIMIT_NOFILE; leave room for the regular
  // descriptor each accepted socket has until it moves into the table.
  options_.reactor.direct_files_max =
      static_cast<uint32_t>(std::min<uint64_t>(kDirectFilesMax, nofile - nofile / 8));

  for (EngineListener& l : listeners) {
    auto g = std::make_unique<Group>();
    g->shared.name = l.name;
    g->shared.address = l.address;
    g->shared.handler = l.handler;
    g->shared.connection_options = l.connection_options;
    g->shared.connections_max = l.connections_max;
    g->shared.direct_descriptors = l.direct_descriptors;
    g->shared.metrics = RegisterListenerMetrics(l.name);
    Result<std::vector<int>> fds = OpenSockets(&g->shared.address, options_.cpus.size());
    if (!fds) {
      for (auto& done : groups_) {
        for (int f : done->fds) close(f);
      }
      groups_.clear();
      const Error& e = fds.error();
      return MakeError(ErrorCode::kConfig, "listener '" + l.name + "': " + e.message + ": " +
                                               std::strerror(e.sys_errno));
    }
    g->fds = std::move(*fds);
    addresses_.push_back(g->shared.address);
    groups_.push_back(std::move(g));
  }
  if (!MetricsRegistry::Global().frozen()) {
    MetricsRegistry::Global().Freeze(static_cast<int>(options_.cpus.size()));
  }

  std::latch started(static_cast<std::ptrdiff_t>(options_.cpus.size()));
  for (size_t i = 0; i < options_.cpus.size(); ++i) {
    auto slot = std::make_unique<Slot>();
    slot->cpu = options_.cpus[i];
    slot->started = &started;
    slots_.push_back(std::move(slot));
  }
  for (size_t i = 0; i < slots_.size(); ++i) {
    slots_[i]->thread = std::thread(&Engine::RunReactor, this, i);
  }
  started.wait();
  running_ = true;
  for (auto& s : slots_) {
    if (!s->error.empty()) {
      Error error{ErrorCode::kIo, s->error};
      Stop();
      return std::unexpected(error);
    }
  }
  return {};
}

void Engine::RunReactor(size_t index) {
  Slot& slot = *slots_[index];
  SetLogCore(static_cast<int>(index));
  if (Result<void> pinned = PinToCore(slot.cpu); !pinned) {
    Log(LogLevel::kWarn, "pin_failed", "cpu", slot.cpu, "error", pinned.error().ToString());
  }
  ReactorOptions ro = options_.reactor;
  ro.core = static_cast<int>(index);
  Result<std::unique_ptr<Reactor>> reactor = Reactor::Create(ro);
  if (!reactor) {
    slot.error = reactor.error().ToString();
    slot.started->count_down();
    return;
  }
  for (auto& g : groups_) {
    (*reactor)->AddListener(std::make_unique<Listener>(**reactor, g->shared, g->fds[index]));
    g->fds[index] = -1;
  }
  slot.reactor = reactor->get();
  slot.started->count_down();
  (*reactor)->Run();
}

Result<void> Engine::Spawn(size_t index, Task<void> task) {
  CHECK(running_ && index < slots_.size() && slots_[index]->reactor != nullptr);
  auto* message = new SpawnMessage;
  message->callback = &OnSpawnMessage;
  message->task = std::move(task);
  Result<MessagePoster*> poster = Poster();
  if (!poster) {
    delete message;
    return std::unexpected(poster.error());
  }
  Result<void> posted = (*poster)->Post(slots_[index]->reactor->ring_fd(), message);
  if (!posted) delete message;
  return posted;
}

Result<MessagePoster*> Engine::Poster() {
  if (poster_ == nullptr) {
    auto poster = std::make_unique<MessagePoster>();
    TRY(poster->Init());
    poster_ = std::move(poster);
  }
  return poster_.get();
}

void Engine::Stop() {
  if (!running_) return;
  running_ = false;
  Result<MessagePoster*> poster = Poster();
  CHECK(poster.has_value(), "cannot create the ring that stops the reactors");
  for (auto& s : slots_) {
    if (s->reactor == nullptr) continue;
    s->stop.callback = &OnStopMessage;
    s->stop.reactor = s->reactor;
    CHECK((*poster)->Post(s->reactor->ring_fd(), &s->stop).has_value());
  }
  for (auto& s : slots_) s->thread.join();
  for (auto& g : groups_) {
    for (int f : g->fds) {
      if (f >= 0) close(f);
    }
  }
}

}  // namespace ringmail
