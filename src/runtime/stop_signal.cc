#include "runtime/stop_signal.h"

#include "base/check.h"
#include "runtime/reactor.h"

namespace ringmail {

void StopSignal::SleepAwaiter::await_suspend(std::coroutine_handle<> h) {
  CHECK(signal_->sleeping_ == nullptr, "two coroutines sleep on one StopSignal");
  ts_.tv_sec = static_cast<int64_t>(ms_ / 1000);
  ts_.tv_nsec = static_cast<long long>(ms_ % 1000) * 1000000;
  op_.waiter = h;
  io_uring_prep_timeout(Reactor::Current()->Prepare(&op_), &ts_, 0, 0);
  signal_->sleeping_ = &op_;
}

bool StopSignal::SleepAwaiter::await_resume() noexcept {
  // Resumed by the timeout's completion: -ETIME when it expired, -ECANCELED when Stop()
  // removed it. Either way the kernel no longer refers to op_.
  if (signal_->sleeping_ == &op_) signal_->sleeping_ = nullptr;
  return !signal_->stopped_;
}

void StopSignal::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (sleeping_ == nullptr) return;
  // The removal's own completion carries no Completion (ignored). When the timeout has
  // already expired, its completion is on its way and resumes the sleeper all the same.
  io_uring_prep_timeout_remove(Reactor::Current()->Prepare(nullptr),
                               reinterpret_cast<uint64_t>(sleeping_), 0);
}

}  // namespace ringmail
