// The main thread's waiting, while the reactor cores serve: for a stop signal (SIGTERM,
// SIGINT; SIGHUP reloads what is reloadable), feeding the systemd watchdog meanwhile, and for tasks
// it handed to the cores (Engine::Spawn) to finish, and for SIGHUP (reload).
#pragma once

#include <atomic>
#include <functional>

#include "base/result.h"

namespace ringmail {

// Counts down tasks running on reactor cores; the main thread waits until all have counted
// down. An eventfd, so the wait can be combined with signals (SignalWaiter).
class ThreadLatch {
 public:
  // REQUIRES: count > 0. CHECKs that the eventfd can be made (a process out of descriptors
  // at start-up).
  explicit ThreadLatch(int count);
  ~ThreadLatch();
  ThreadLatch(const ThreadLatch&) = delete;
  ThreadLatch& operator=(const ThreadLatch&) = delete;

  // Any thread; the last call wakes the waiter. Every access to what the task wrote before
  // calling this happens-before the waiter's return.
  void CountDown();
  // The main thread: blocks until the count is zero.
  void Wait() const;
  bool done() const;
  int fd() const { return fd_; }

 private:
  std::atomic<int> remaining_;
  int fd_ = -1;
};

class SignalWaiter {
 public:
  // Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and ignores SIGPIPE. Call on the
  // main thread before any other thread starts: they inherit the mask, so only this waiter
  // sees the signals.
  static Result<SignalWaiter> Create();
  SignalWaiter(SignalWaiter&& other) noexcept;
  ~SignalWaiter();

  // Waits until SIGTERM or SIGINT arrives (true) or `latch` (if given) is done (false).
  bool WaitForStop(const ThreadLatch* latch = nullptr);

  // While WaitForStop waits, calls `reload(true)` on SIGHUP and `reload(false)` every
  // `interval_ms` (a periodic check for changed files), on the main thread. Without it,
  // SIGHUP is logged and ignored.
  void SetReload(std::function<void(bool sighup)> reload, int interval_ms);

 private:
  explicit SignalWaiter(int fd) : fd_(fd) {}
  int fd_ = -1;  // signalfd
  std::function<void(bool)> reload_;
  int reload_interval_ms_ = -1;
};

}  // namespace ringmail
