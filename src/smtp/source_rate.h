// SourceRate: messages per source address per minute, across every core of a listener
// ([smtp] messages-per-source-per-minute). A source is what SourceLimit makes it (an IPv4
// address, an IPv6 /64), hashed into the same kind of fixed table: each slot holds the
// current minute and the count in it, in one atomic word, so cores never lock and memory is
// bounded. A fixed window: a source may start up to `per_minute_max` transactions in each
// calendar minute (twice that across a minute boundary at worst).
//
// Thread-safe: any core calls Take. Lives as long as the listener's handler.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "base/socket_address.h"

namespace ringmail::smtp {

class SourceRate {
 public:
  // `per_minute_max` 0: no limit. `clock` (Unix seconds) defaults to time(nullptr).
  explicit SourceRate(uint32_t per_minute_max, std::function<int64_t()> clock = {});

  // Counts one message from `peer`; false (counted nothing) when its source has had
  // per_minute_max this minute already.
  bool Take(const SocketAddress& peer);

 private:
  uint32_t per_minute_max_;
  std::function<int64_t()> clock_;
  std::unique_ptr<std::atomic<uint64_t>[]> slots_;  // minute << 32 | count
};

}  // namespace ringmail::smtp
