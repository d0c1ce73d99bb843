#include "runtime/io_batch.h"

#include "base/check.h"
#include "runtime/reactor.h"

namespace ringmail {

io_uring_sqe* IoBatch::Prepare(size_t index) {
  CHECK(index < slots_.size());
  Slot& slot = slots_[index];
  slot.batch = this;
  slot.callback = &OnComplete;
  ++pending_;
  return Reactor::Current()->Prepare(&slot);
}

void IoBatch::OnComplete(Completion* c, int32_t res, uint32_t) {
  auto* slot = static_cast<Slot*>(c);
  IoBatch* batch = slot->batch;
  slot->res = res;
  if (--batch->pending_ == 0 && batch->waiter_) std::exchange(batch->waiter_, {}).resume();
}

}  // namespace ringmail
