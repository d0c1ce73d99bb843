#include "runtime/awaitables.h"

#include <cerrno>

namespace ringmail {

void PollFd::await_suspend(std::coroutine_handle<> h) {
  Reactor* r = Reactor::Current();
  op_.waiter = h;
  io_uring_sqe* sqe = r->Prepare(&op_);
  io_uring_prep_poll_add(sqe, fd_, events_);
  if (timeout_ms_ > 0) {
    // A linked timeout cancels the poll; the poll then completes with -ECANCELED.
    sqe->flags |= IOSQE_IO_LINK;
    ts_.tv_sec = static_cast<int64_t>(timeout_ms_ / 1000);
    ts_.tv_nsec = static_cast<long long>(timeout_ms_ % 1000) * 1000000;
    io_uring_prep_link_timeout(r->Prepare(nullptr), &ts_, 0);
  }
}

Result<uint32_t> PollFd::await_resume() const {
  if (op_.res >= 0) return static_cast<uint32_t>(op_.res);
  if (op_.res == -ECANCELED) return MakeError(ErrorCode::kTimeout, "poll timed out");
  return SysError("poll", op_.res);
}

}  // namespace ringmail
