#include "runtime/timer_wheel.h"

#include "base/check.h"

namespace ringmail {

TimerWheel::TimerWheel(uint64_t now_ms) : slots_(kSlots), current_tick_(now_ms / kTickMs) {}

void TimerWheel::Schedule(TimerEntry* entry, uint64_t deadline_ms) {
  CHECK(!entry->scheduled() && entry->on_expire != nullptr);
  entry->deadline_ms = deadline_ms;
  uint64_t tick = (deadline_ms + kTickMs - 1) / kTickMs;
  if (tick < current_tick_) tick = current_tick_;
  Slot& slot = slots_[SlotFor(tick)];
  slot.PushBack(entry);
  entry->owner = &slot;
  ++size_;
}

void TimerWheel::Cancel(TimerEntry* entry) {
  if (!entry->scheduled()) return;
  static_cast<Slot*>(entry->owner)->Remove(entry);
  entry->owner = nullptr;
  --size_;
}

void TimerWheel::CollectExpired(Slot& slot, uint64_t now_ms, Slot* expired) {
  slot.ForEach([&](TimerEntry* e) {
    if (e->deadline_ms <= now_ms) {
      slot.Remove(e);
      expired->PushBack(e);
      e->owner = expired;
    }
  });
}

void TimerWheel::Advance(uint64_t now_ms) {
  const uint64_t target_tick = now_ms / kTickMs;
  // Expired entries are collected first and fired afterwards, so a callback may cancel or
  // schedule any entry (even one due in this same batch) without corrupting an iteration.
  Slot expired;
  uint64_t visits = 0;  // after a long stall, one revolution visits every slot
  while (current_tick_ <= target_tick && visits < kSlots) {
    CollectExpired(slots_[SlotFor(current_tick_)], now_ms, &expired);
    ++current_tick_;
    ++visits;
  }
  if (current_tick_ <= target_tick) current_tick_ = target_tick + 1;
  while (TimerEntry* e = expired.Front()) {
    expired.Remove(e);
    e->owner = nullptr;
    --size_;
    e->on_expire(e);
  }
}

}  // namespace ringmail
