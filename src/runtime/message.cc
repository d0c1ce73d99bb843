#include "runtime/message.h"

#include "base/check.h"
#include "base/log.h"
#include "runtime/reactor.h"
#include "runtime/runtime_metrics.h"

namespace ringmail {
namespace {
// Only failed sends post a sender-side completion (IOSQE_CQE_SKIP_SUCCESS). A failure means
// the target ring is gone or the kernel refused: a broken invariant of the server.
void OnPostFailed(Completion*, int32_t res, uint32_t) {
  Log(LogLevel::kError, "message_post_failed", "errno", -res);
  CHECK(false, "cross-core message could not be delivered");
}
Completion g_post_failed{&OnPostFailed};
}  // namespace

void PostMessage(Reactor& from, int target_ring_fd, Completion* message, int32_t value) {
  from.metrics().Inc(GetRuntimeMetrics().messages);
  io_uring_sqe* sqe = from.Prepare(&g_post_failed);
  io_uring_prep_msg_ring(sqe, target_ring_fd, static_cast<uint32_t>(value),
                         reinterpret_cast<uint64_t>(message), 0);
  sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
}

MessagePoster::~MessagePoster() {
  if (ready_) io_uring_queue_exit(&ring_);
}

Result<void> MessagePoster::Init() {
  int rc = io_uring_queue_init(8, &ring_, 0);
  if (rc != 0) return SysError("io_uring_queue_init (message poster)", rc);
  ready_ = true;
  return {};
}

Result<void> MessagePoster::Post(int target_ring_fd, Completion* message, int32_t value) {
  CHECK(ready_);
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  CHECK(sqe != nullptr);  // one message in flight at a time: the ring never fills
  io_uring_prep_msg_ring(sqe, target_ring_fd, static_cast<uint32_t>(value),
                         reinterpret_cast<uint64_t>(message), 0);
  io_uring_sqe_set_data64(sqe, 0);
  io_uring_cqe* cqe = nullptr;
  int rc = io_uring_submit_and_wait(&ring_, 1);
  if (rc < 0) return SysError("io_uring_submit (message)", rc);
  rc = io_uring_wait_cqe(&ring_, &cqe);
  if (rc < 0) return SysError("io_uring_wait_cqe (message)", rc);
  int32_t res = cqe->res;
  io_uring_cqe_seen(&ring_, cqe);
  if (res < 0) return SysError("IORING_OP_MSG_RING", res);
  return {};
}

}  // namespace ringmail
