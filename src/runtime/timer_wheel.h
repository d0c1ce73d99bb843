// A hashed timer wheel for coarse deadlines (idle timeouts, read deadlines). Tens of
// thousands of idle connections each hold a deadline; keeping them here instead of as
// kernel timeout requests costs one intrusive list node per connection and one kernel
// timer per core. Resolution is kTickMs. One wheel per reactor core; not thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "base/intrusive_list.h"

namespace ringmail {

struct TimerEntry {
  using Callback = void (*)(TimerEntry* self);
  ListNode node;
  uint64_t deadline_ms = 0;
  Callback on_expire = nullptr;
  void* owner = nullptr;  // the wheel's list holding this entry; null when not scheduled
  bool scheduled() const { return owner != nullptr; }
};

class TimerWheel {
 public:
  static constexpr uint64_t kTickMs = 50;
  static constexpr size_t kSlots = 1024;

  explicit TimerWheel(uint64_t now_ms);

  // Fires `entry->on_expire` at the first Advance() at or after deadline_ms (rounded up to a
  // tick). REQUIRES: entry is not scheduled; on_expire is set; entry outlives its schedule.
  void Schedule(TimerEntry* entry, uint64_t deadline_ms);
  // No-op when the entry is not scheduled.
  void Cancel(TimerEntry* entry);

  // Fires every entry whose deadline has passed. Callbacks may schedule or cancel entries.
  void Advance(uint64_t now_ms);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  using Slot = IntrusiveList<TimerEntry, &TimerEntry::node>;
  size_t SlotFor(uint64_t tick) const { return tick % kSlots; }
  void CollectExpired(Slot& slot, uint64_t now_ms, Slot* expired);
  std::vector<Slot> slots_;
  uint64_t current_tick_;  // every tick < current_tick_ has been processed
  size_t size_ = 0;
};

}  // namespace ringmail
