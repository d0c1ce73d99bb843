// Reactor: one per reactor core, on its own pinned thread, owning one io_uring and
// everything hung off it (provided buffers, direct descriptor table, timer wheel, listeners,
// live connections). Nothing here is shared with other cores; other threads reach a reactor
// only by posting a message to its ring (IORING_OP_MSG_RING, see message.h).
//
// Loop: submit pending SQEs and wait for at least one CQE in one io_uring_enter, then run
// the callbacks of every CQE that is ready. Callbacks resume coroutines, which queue more
// SQEs that the next enter submits: under load one system call serves many operations.
#pragma once

#include <liburing.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "base/intrusive_list.h"
#include "base/metrics.h"
#include "base/result.h"
#include "runtime/buffer_ring.h"
#include "runtime/completion.h"
#include "runtime/timer_wheel.h"

namespace ringmail {

class Connection;
class Listener;

struct ReactorOptions {
  int core = 0;  // index of this reactor (metrics shard, logs)
  uint32_t ring_entries = 4096;
  uint32_t recv_buffer_size = 8192;
  uint32_t recv_buffer_count = 1024;
  uint32_t direct_files_max = 65536;  // size of the direct descriptor table
  uint32_t shutdown_timeout_ms = 10000;
};

class Reactor {
 public:
  // Creates the ring on the calling thread, which becomes the ring's only submitter.
  // REQUIRES: the metrics registry is frozen; RegisterRuntimeMetrics() was called.
  static Result<std::unique_ptr<Reactor>> Create(const ReactorOptions& options);
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  // The reactor running on this thread, or null.
  static Reactor* Current();

  // Runs until RequestStop() has been called and every connection has finished.
  void Run();

  // Starts draining: listeners stop accepting, connections are asked to finish, and after
  // shutdown_timeout_ms the remaining ones are closed. Runs on this reactor's thread.
  void RequestStop();
  bool stopping() const { return stopping_; }

  // A free SQE; submits the queue first when it is full. Never null.
  io_uring_sqe* GetSqe();
  // Queues an SQE whose completion calls `c`; returns the SQE for further preparation.
  io_uring_sqe* Prepare(Completion* c) {
    io_uring_sqe* sqe = GetSqe();
    io_uring_sqe_set_data(sqe, c);
    return sqe;
  }

  int core() const { return options_.core; }
  int ring_fd() const { return ring_.ring_fd; }
  uint64_t now_ms() const { return now_ms_; }
  bool direct_files() const { return direct_files_; }
  BufferRing& buffers() { return *buffers_; }
  TimerWheel& timers() { return timers_; }
  MetricsShard& metrics() { return *metrics_; }
  const ReactorOptions& options() const { return options_; }

  // Listeners and connections register themselves for shutdown.
  void AddListener(std::unique_ptr<Listener> listener);
  void AddConnection(Connection* c);
  void RemoveConnection(Connection* c);
  size_t connection_count() const;

 private:
  explicit Reactor(const ReactorOptions& options);
  Result<void> Init();
  void ProcessCompletions();
  void UpdateClock();
  void ArmTick();
  static void OnTick(Completion* c, int32_t res, uint32_t flags);
  static void OnDrainDeadline(TimerEntry* e);

  ReactorOptions options_;
  io_uring ring_{};
  bool ring_ready_ = false;
  bool direct_files_ = false;
  std::unique_ptr<BufferRing> buffers_;
  TimerWheel timers_;
  MetricsShard* metrics_ = nullptr;
  uint64_t now_ms_ = 0;
  bool stopping_ = false;

  Completion tick_;
  bool tick_armed_ = false;
  __kernel_timespec tick_ts_{};
  TimerEntry drain_deadline_;

  std::vector<std::unique_ptr<Listener>> listeners_;
  struct ConnectionList;
  std::unique_ptr<ConnectionList> connections_;
};

}  // namespace ringmail
