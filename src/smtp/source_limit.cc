#include "smtp/source_limit.h"

#include "base/check.h"
#include "directory/network_list.h"

namespace ringmail::smtp {

SourceLimit::SourceLimit(uint32_t per_source_max)
    : per_source_max_(per_source_max),
      counts_(per_source_max == 0 ? nullptr : new std::atomic<uint32_t>[kSourceSlots]) {
  if (counts_) {
    for (size_t i = 0; i < kSourceSlots; ++i) counts_[i].store(0, std::memory_order_relaxed);
  }
}

size_t SourceSlotOf(const SocketAddress& peer) {
  const std::optional<IpAddressBits> bits = AddressBits(peer);
  if (!bits) return 0;
  // IPv4 (mapped): the whole address is in `low`; IPv6: the /64 is `high`.
  uint64_t key = bits->v4 ? bits->low : bits->high;
  key ^= key >> 33;  // a 64-bit mix (MurmurHash3's finalizer)
  key *= 0xff51afd7ed558ccdULL;
  key ^= key >> 33;
  key *= 0xc4ceb9fe1a85ec53ULL;
  key ^= key >> 33;
  return static_cast<size_t>(key % kSourceSlots);
}

bool SourceLimit::Enter(const SocketAddress& peer) {
  if (!counts_) return true;
  std::atomic<uint32_t>& count = counts_[SourceSlotOf(peer)];
  if (count.fetch_add(1, std::memory_order_relaxed) < per_source_max_) return true;
  count.fetch_sub(1, std::memory_order_relaxed);
  return false;
}

void SourceLimit::Leave(const SocketAddress& peer) {
  if (!counts_) return;
  const uint32_t before = counts_[SourceSlotOf(peer)].fetch_sub(1, std::memory_order_relaxed);
  CHECK(before > 0, "SourceLimit::Leave without Enter");
}

}  // namespace ringmail::smtp
