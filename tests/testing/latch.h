// Latch: counts down the coroutines still running; the last one resumes the waiter. For tests
// that start several coroutines on one reactor and wait for all of them.
#pragma once

#include <coroutine>
#include <utility>

namespace ringmail::testing {

struct Latch {
  explicit Latch(int n) : pending(n) {}
  void Done() {
    if (--pending == 0 && waiter) std::exchange(waiter, {}).resume();
  }
  struct Awaiter {
    Latch* latch;
    bool await_ready() const noexcept { return latch->pending == 0; }
    void await_suspend(std::coroutine_handle<> h) noexcept { latch->waiter = h; }
    void await_resume() const noexcept {}
  };
  Awaiter Wait() { return Awaiter{this}; }

  int pending;
  std::coroutine_handle<> waiter;
};

}  // namespace ringmail::testing
