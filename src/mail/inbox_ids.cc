#include "mail/inbox_ids.h"

namespace ringmail {
namespace {

constexpr int64_t kIdLimit = int64_t{1} << 32;

bool Fits(int64_t id) { return id > 0 && id < kIdLimit; }

}  // namespace

std::optional<int64_t> InboxIds::Find(int64_t account_id) const {
  if (!Fits(account_id)) return std::nullopt;
  const uint64_t slot =
      slots_[static_cast<uint64_t>(account_id) % kSlots].load(std::memory_order_relaxed);
  if (slot >> 32 != static_cast<uint64_t>(account_id)) return std::nullopt;  // empty: 0
  return static_cast<int64_t>(slot & 0xffffffffu);
}

void InboxIds::Remember(int64_t account_id, int64_t inbox_id) {
  if (!Fits(account_id) || !Fits(inbox_id)) return;
  const uint64_t slot = static_cast<uint64_t>(account_id) << 32 | static_cast<uint64_t>(inbox_id);
  slots_[static_cast<uint64_t>(account_id) % kSlots].store(slot, std::memory_order_relaxed);
}

}  // namespace ringmail
