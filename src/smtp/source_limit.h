// SourceLimit: concurrent connections per source address, across every core of a listener
// ([smtp] connections-per-source-max). A source is an IPv4 address, or an IPv6 /64 (one
// customer's network; an attacker gets a whole /64 for free). The counts live in a fixed
// table of atomic counters indexed by a hash of the source, so cores never take a lock and
// the memory is bounded whatever the number of sources; two sources sharing a slot share
// their limit (65536 slots make that rare below tens of thousands of concurrent sources).
//
// Thread-safe: any core calls Enter and Leave. Lives as long as the listener's handler.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/socket_address.h"

namespace ringmail::smtp {

inline constexpr size_t kSourceSlots = 65536;

// The table slot of `peer`'s source (an IPv4 address, an IPv6 /64), < kSourceSlots.
size_t SourceSlotOf(const SocketAddress& peer);

class SourceLimit {
 public:
  // `per_source_max` 0: no limit (Enter always succeeds and counts nothing).
  explicit SourceLimit(uint32_t per_source_max);

  // Counts a connection from `peer`; false (nothing counted) when its source has
  // per_source_max connections already. Every true must be matched by one Leave(peer).
  bool Enter(const SocketAddress& peer);
  void Leave(const SocketAddress& peer);

 private:
  uint32_t per_source_max_;
  std::unique_ptr<std::atomic<uint32_t>[]> counts_;
};

}  // namespace ringmail::smtp
