// Awaitables for single operations on the current reactor. Each keeps its operation state
// in the awaiter (so in the awaiting coroutine's frame): starting one never allocates.
#pragma once

#include <liburing.h>

#include <coroutine>
#include <cstdint>

#include "base/result.h"
#include "runtime/completion.h"
#include "runtime/reactor.h"

namespace ringmail {

// Waits for an operation already prepared with `reactor.Prepare(&op)`; yields its result.
struct WaitFor {
  ResumeCompletion& op;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) noexcept { op.waiter = h; }
  int32_t await_resume() const noexcept { return op.res; }
};

// Parks the coroutine in *slot until someone resumes the handle stored there.
struct WaitUntil {
  std::coroutine_handle<>* slot;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) noexcept { *slot = h; }
  void await_resume() const noexcept {}
};

// Suspends for `ms` milliseconds (a kernel timeout; use for few, precise waits — deadlines of
// many connections belong on the timer wheel).
class Sleep {
 public:
  explicit Sleep(uint64_t ms) : ms_(ms) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    ts_.tv_sec = static_cast<int64_t>(ms_ / 1000);
    ts_.tv_nsec = static_cast<long long>(ms_ % 1000) * 1000000;
    op_.waiter = h;
    io_uring_prep_timeout(Reactor::Current()->Prepare(&op_), &ts_, 0, 0);
  }
  void await_resume() const noexcept {}

 private:
  uint64_t ms_;
  __kernel_timespec ts_{};
  ResumeCompletion op_;
};

// Waits until a regular descriptor (a libpq socket, an eventfd) is ready for `events`
// (POLLIN/POLLOUT...), or until `timeout_ms` passes (0: no timeout). Yields the ready
// events, or kTimeout / kIo. The descriptor stays owned by the caller.
class PollFd {
 public:
  PollFd(int fd, uint32_t events, uint64_t timeout_ms = 0)
      : fd_(fd), events_(events), timeout_ms_(timeout_ms) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h);
  Result<uint32_t> await_resume() const;

 private:
  int fd_;
  uint32_t events_;
  uint64_t timeout_ms_;
  __kernel_timespec ts_{};
  ResumeCompletion op_;
};

}  // namespace ringmail
