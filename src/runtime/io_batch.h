// IoBatch: several io_uring operations on the current reactor, awaited together — e.g. the fsyncs
// of a group of blob writes go to the kernel at once (fs_blob_sync.h), so that one journal
// commit can serve them all.
//
//   IoBatch batch(fds.size());
//   for (size_t i = 0; i < fds.size(); ++i) {
//     io_uring_prep_fsync(batch.Prepare(i), fds[i], IORING_FSYNC_DATASYNC);
//   }
//   co_await batch.Wait();
//   if (batch.result(0) < 0) ...
//
// Lives in the awaiting coroutine's frame; every prepared operation must be awaited (Wait)
// before it is destroyed. Buffers and paths an operation reads must outlive the Wait.
#pragma once

#include <liburing.h>

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/completion.h"

namespace ringmail {

class IoBatch {
 public:
  explicit IoBatch(size_t size) : slots_(size) {}
  IoBatch(const IoBatch&) = delete;
  IoBatch& operator=(const IoBatch&) = delete;

  // The submission entry of operation `index` (< size), to fill with io_uring_prep_*.
  io_uring_sqe* Prepare(size_t index);

  struct Awaiter {
    IoBatch* batch;
    bool await_ready() const noexcept { return batch->pending_ == 0; }
    void await_suspend(std::coroutine_handle<> h) noexcept { batch->waiter_ = h; }
    void await_resume() const noexcept {}
  };
  // Resumes when every prepared operation has completed (at once when none was).
  Awaiter Wait() { return Awaiter{this}; }

  // The result (CQE res: >= 0, or -errno) of a completed operation.
  int32_t result(size_t index) const { return slots_[index].res; }

 private:
  struct Slot : Completion {
    IoBatch* batch = nullptr;
    int32_t res = 0;
  };
  static void OnComplete(Completion* c, int32_t res, uint32_t flags);

  std::vector<Slot> slots_;
  size_t pending_ = 0;
  std::coroutine_handle<> waiter_;
};

}  // namespace ringmail
