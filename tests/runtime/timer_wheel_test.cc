#include "runtime/timer_wheel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace ringmail {
namespace {

constexpr uint64_t kTick = TimerWheel::kTickMs;
constexpr uint64_t kRevolution = TimerWheel::kTickMs * TimerWheel::kSlots;

// An entry that counts its firings and can act on the wheel when it fires.
struct TestEntry : TimerEntry {
  TimerWheel* wheel = nullptr;
  int fired = 0;
  uint64_t fired_at = 0;  // the wheel's time at the last firing (set by the test's clock)
  TestEntry* cancel_other = nullptr;
  uint64_t reschedule_after_ms = 0;  // > 0: schedule itself again, this far past `now`
  uint64_t* now = nullptr;

  explicit TestEntry(TimerWheel* w = nullptr, uint64_t* clock = nullptr) : wheel(w), now(clock) {
    on_expire = &Fire;
  }
  static void Fire(TimerEntry* e) {
    auto* self = static_cast<TestEntry*>(e);
    ++self->fired;
    if (self->now != nullptr) self->fired_at = *self->now;
    if (self->cancel_other != nullptr) self->wheel->Cancel(self->cancel_other);
    if (self->reschedule_after_ms > 0) {
      self->wheel->Schedule(self, *self->now + self->reschedule_after_ms);
    }
  }
};

uint64_t RoundUpToTick(uint64_t ms) { return (ms + kTick - 1) / kTick * kTick; }

// Advances `wheel` in steps of `step` from *now to `until`, keeping *now current.
void AdvanceTo(TimerWheel& wheel, uint64_t* now, uint64_t until, uint64_t step = kTick) {
  while (*now < until) {
    *now = std::min(until, *now + step);
    wheel.Advance(*now);
  }
}

TEST(RuntimeTimerWheel, FiresOnceAtTheDeadlineRoundedUpToATick) {
  uint64_t now = 100000;
  TimerWheel wheel(now);
  TestEntry e(&wheel, &now);
  wheel.Schedule(&e, now + 1234);
  EXPECT_TRUE(e.scheduled());
  EXPECT_EQ(wheel.size(), 1u);
  AdvanceTo(wheel, &now, now + 1233, 1);  // every millisecond before the deadline
  EXPECT_EQ(e.fired, 0);
  AdvanceTo(wheel, &now, RoundUpToTick(100000 + 1234), 1);
  EXPECT_EQ(e.fired, 1);
  EXPECT_GE(e.fired_at, 100000u + 1234);
  EXPECT_FALSE(e.scheduled());
  EXPECT_TRUE(wheel.empty());
  AdvanceTo(wheel, &now, now + 5 * kRevolution, 1000);
  EXPECT_EQ(e.fired, 1);
}

TEST(RuntimeTimerWheel, CancelledEntryNeverFires) {
  uint64_t now = 0;
  TimerWheel wheel(now);
  TestEntry a(&wheel, &now), b(&wheel, &now);
  wheel.Schedule(&a, 500);
  wheel.Schedule(&b, 500);
  wheel.Cancel(&a);
  wheel.Cancel(&a);  // a no-op the second time
  EXPECT_FALSE(a.scheduled());
  EXPECT_EQ(wheel.size(), 1u);
  AdvanceTo(wheel, &now, 1000);
  EXPECT_EQ(a.fired, 0);
  EXPECT_EQ(b.fired, 1);
  // A cancelled entry can be scheduled again.
  wheel.Schedule(&a, 1200);
  AdvanceTo(wheel, &now, 1200);
  EXPECT_EQ(a.fired, 1);
}

TEST(RuntimeTimerWheel, PastDeadlineFiresAtTheNextAdvance) {
  uint64_t now = 10000;
  TimerWheel wheel(now);
  TestEntry e(&wheel, &now);
  wheel.Schedule(&e, 3000);
  wheel.Advance(now);
  EXPECT_EQ(e.fired, 1);
}

TEST(RuntimeTimerWheel, DeadlinesBeyondOneRevolution) {
  uint64_t now = 777;
  TimerWheel wheel(now);
  // Same slot, different revolutions; and one that wraps to a slot already passed.
  TestEntry near(&wheel, &now), far(&wheel, &now), farther(&wheel, &now), wrap(&wheel, &now);
  wheel.Schedule(&near, 1000);
  wheel.Schedule(&far, 1000 + kRevolution);
  wheel.Schedule(&farther, 1000 + 3 * kRevolution);
  wheel.Schedule(&wrap, 777 + kRevolution - kTick);
  AdvanceTo(wheel, &now, 1000);
  EXPECT_EQ(near.fired, 1);
  EXPECT_EQ(far.fired, 0);
  AdvanceTo(wheel, &now, 999 + kRevolution);
  EXPECT_EQ(far.fired, 0);
  EXPECT_EQ(wrap.fired, 1);
  AdvanceTo(wheel, &now, 1000 + kRevolution);
  EXPECT_EQ(far.fired, 1);
  AdvanceTo(wheel, &now, 999 + 3 * kRevolution);
  EXPECT_EQ(farther.fired, 0);
  AdvanceTo(wheel, &now, 1000 + 3 * kRevolution);
  EXPECT_EQ(farther.fired, 1);
  EXPECT_TRUE(wheel.empty());
}

TEST(RuntimeTimerWheel, LongStallFiresEverythingDueAndNothingElse) {
  uint64_t now = 0;
  TimerWheel wheel(now);
  std::vector<TestEntry> entries;
  entries.reserve(3000);
  for (int i = 0; i < 3000; ++i) entries.emplace_back(&wheel, &now);
  for (int i = 0; i < 3000; ++i) wheel.Schedule(&entries[i], static_cast<uint64_t>(i) * 97);
  // One Advance after a stall of several revolutions.
  now = 2000 * 97;
  wheel.Advance(now);
  for (int i = 0; i < 3000; ++i) {
    EXPECT_EQ(entries[i].fired, i <= 2000 ? 1 : 0) << "entry " << i;
  }
  EXPECT_EQ(wheel.size(), 999u);
  now = 3000 * 97;
  wheel.Advance(now);
  for (int i = 0; i < 3000; ++i) EXPECT_EQ(entries[i].fired, 1) << "entry " << i;
  EXPECT_TRUE(wheel.empty());
}

TEST(RuntimeTimerWheel, CallbackCancelsAnotherEntryDueInTheSameBatch) {
  uint64_t now = 0;
  TimerWheel wheel(now);
  TestEntry a(&wheel, &now), b(&wheel, &now), c(&wheel, &now);
  // a and b are due together and each cancels the other: exactly one fires. c, in a later
  // slot of the same batch, is cancelled by whichever fires.
  wheel.Schedule(&a, 100);
  wheel.Schedule(&b, 100);
  wheel.Schedule(&c, 300);
  a.cancel_other = &b;
  b.cancel_other = &a;
  TestEntry d(&wheel, &now);
  wheel.Schedule(&d, 200);
  d.cancel_other = &c;
  now = 400;
  wheel.Advance(now);
  EXPECT_EQ(a.fired + b.fired, 1);
  EXPECT_EQ(d.fired, 1);
  EXPECT_EQ(c.fired, 0);
  EXPECT_TRUE(wheel.empty());
  EXPECT_FALSE(a.scheduled() || b.scheduled() || c.scheduled() || d.scheduled());
}

TEST(RuntimeTimerWheel, CallbackReschedulesItself) {
  uint64_t now = 0;
  TimerWheel wheel(now);
  TestEntry periodic(&wheel, &now);
  periodic.reschedule_after_ms = 100;
  wheel.Schedule(&periodic, 100);
  AdvanceTo(wheel, &now, 1000);
  EXPECT_EQ(periodic.fired, 10);
  EXPECT_EQ(wheel.size(), 1u);
  wheel.Cancel(&periodic);
  EXPECT_TRUE(wheel.empty());
}

TEST(RuntimeTimerWheel, RescheduleForNowWaitsForTheNextTick) {
  uint64_t now = 0;
  TimerWheel wheel(now);
  TestEntry e(&wheel, &now);
  // Reschedules for the current time from its own callback: must not loop in one Advance.
  e.on_expire = [](TimerEntry* t) {
    auto* self = static_cast<TestEntry*>(t);
    ++self->fired;
    self->wheel->Schedule(self, *self->now);
  };
  wheel.Schedule(&e, 50);
  now = 50;
  wheel.Advance(now);
  EXPECT_EQ(e.fired, 1);
  wheel.Advance(now);
  EXPECT_EQ(e.fired, 1);  // same tick: already processed
  now += kTick;
  wheel.Advance(now);
  EXPECT_EQ(e.fired, 2);
  wheel.Cancel(&e);
}

}  // namespace
}  // namespace ringmail
