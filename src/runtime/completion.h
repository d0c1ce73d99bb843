// Completion: what an io_uring submission's user_data points at. The reactor calls
// `callback` with the CQE's result and flags on the core that owns the ring. A Completion
// lives inside the object that started the operation (an awaiter in a coroutine frame, a
// connection, a listener), so starting an operation never allocates.
#pragma once

#include <coroutine>
#include <cstdint>

namespace ringmail {

struct Completion {
  using Callback = void (*)(Completion* self, int32_t res, uint32_t flags);
  Callback callback = nullptr;
};

// A Completion that records its result and resumes one waiting coroutine: the building
// block of single-shot awaiters.
struct ResumeCompletion : Completion {
  int32_t res = 0;
  uint32_t flags = 0;
  std::coroutine_handle<> waiter;

  ResumeCompletion() { callback = &OnComplete; }
  static void OnComplete(Completion* c, int32_t res, uint32_t flags) {
    auto* self = static_cast<ResumeCompletion*>(c);
    self->res = res;
    self->flags = flags;
    self->waiter.resume();
  }
};

}  // namespace ringmail
