#include "smtp/source_rate.h"

#include <ctime>

#include "smtp/source_limit.h"

namespace ringmail::smtp {

SourceRate::SourceRate(uint32_t per_minute_max, std::function<int64_t()> clock)
    : per_minute_max_(per_minute_max),
      clock_(std::move(clock)),
      slots_(per_minute_max == 0 ? nullptr : new std::atomic<uint64_t>[kSourceSlots]) {
  if (slots_) {
    for (size_t i = 0; i < kSourceSlots; ++i) slots_[i].store(0, std::memory_order_relaxed);
  }
}

bool SourceRate::Take(const SocketAddress& peer) {
  if (!slots_) return true;
  const int64_t now = clock_ ? clock_() : static_cast<int64_t>(std::time(nullptr));
  const uint64_t minute = static_cast<uint32_t>(now / 60);
  std::atomic<uint64_t>& slot = slots_[SourceSlotOf(peer)];
  uint64_t seen = slot.load(std::memory_order_relaxed);
  for (;;) {
    const uint64_t count = (seen >> 32) == minute ? (seen & 0xffffffffu) : 0;
    if (count >= per_minute_max_) return false;
    const uint64_t next = (minute << 32) | (count + 1);
    if (slot.compare_exchange_weak(seen, next, std::memory_order_relaxed)) return true;
  }
}

}  // namespace ringmail::smtp
