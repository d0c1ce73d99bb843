// StopSignal: lets a background loop on one core (the blob collector, a start-up retry) sleep
// between rounds and still end promptly when asked to. Sleep(ms) is one kernel timeout, like
// Sleep in awaitables.h; Stop() removes that timeout, so the sleeper resumes at once instead of
// at the end of its sleep. Once stopped, every Sleep returns at once.
//
// Lives on one reactor core and is used only there (another thread asks for a stop by running
// Stop() on that core, e.g. through Engine::Spawn). At most one coroutine sleeps on a signal at
// a time. The signal must outlive its sleeper.
#pragma once

#include <liburing.h>

#include <coroutine>
#include <cstdint>

#include "runtime/completion.h"

namespace ringmail {

class StopSignal {
 public:
  class SleepAwaiter {
   public:
    SleepAwaiter(StopSignal* signal, uint64_t ms) : signal_(signal), ms_(ms) {}
    bool await_ready() const noexcept { return signal_->stopped_; }
    void await_suspend(std::coroutine_handle<> h);
    // True when the whole sleep passed, false when the signal is stopped.
    bool await_resume() noexcept;

   private:
    StopSignal* signal_;
    uint64_t ms_;
    __kernel_timespec ts_{};
    ResumeCompletion op_;
  };

  StopSignal() = default;
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  // Suspends for `ms` milliseconds or until Stop(); yields false when stopped (at once if it
  // already was). REQUIRES: nobody else sleeps on this signal.
  SleepAwaiter Sleep(uint64_t ms) { return SleepAwaiter(this, ms); }

  // Stops for good and wakes the sleeper, if any. Runs on the sleeper's core.
  void Stop();
  bool stopped() const { return stopped_; }

 private:
  bool stopped_ = false;
  Completion* sleeping_ = nullptr;  // the pending timeout's completion, while one sleeps
};

}  // namespace ringmail
