// Cross-core messages: a Completion posted into another reactor's ring with
// IORING_OP_MSG_RING. Its callback runs on the target core, in that core's event loop, like
// any other completion: cores never share data behind a lock.
//
// The sender keeps the Completion alive until the target has run its callback (typically
// the message is heap-allocated and its callback deletes it, or it lives in a coroutine
// frame that the callback resumes).
#pragma once

#include <liburing.h>

#include <cstdint>

#include "base/result.h"
#include "runtime/completion.h"

namespace ringmail {

class Reactor;

// From a reactor thread, through its own ring. `value` arrives as the callback's `res`.
void PostMessage(Reactor& from, int target_ring_fd, Completion* message, int32_t value = 0);

// For threads that are not reactors (main, workers): a small ring of their own used only to
// post messages. Owned by one thread; Post blocks until the kernel has delivered the message.
class MessagePoster {
 public:
  MessagePoster() = default;
  ~MessagePoster();
  MessagePoster(const MessagePoster&) = delete;
  MessagePoster& operator=(const MessagePoster&) = delete;

  Result<void> Init();
  Result<void> Post(int target_ring_fd, Completion* message, int32_t value = 0);

 private:
  io_uring ring_{};
  bool ready_ = false;
};

}  // namespace ringmail
