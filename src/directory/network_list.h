// NetworkList: a set of IP networks written as CIDR strings, for config keys that name client
// networks (where plain-text authentication is allowed without TLS, trusted relays, ...).
// Plain data: parsed once at start-up, then read-only, so every core may share one.
//
// Matching rules:
// - "10.1.2.3" is 10.1.2.3/32 and "::1" is ::1/128.
// - IPv4 networks match IPv4 clients and IPv4-mapped IPv6 clients (::ffff:a.b.c.d, what a
//   dual-stack listener on [::] sees), so "127.0.0.0/8" covers both forms of loopback.
// - IPv6 networks match IPv6 clients only: an IPv4 client never matches "::/0". An IPv4-mapped
//   IPv6 network with a prefix of 96 or more ("::ffff:10.0.0.0/104") is the IPv4 network it
//   maps (10.0.0.0/8).
// - Host bits set beyond the prefix ("10.1.2.3/8") are refused, not masked: such an entry is
//   usually a typo (a host meant as /32, or the wrong prefix), and a config that silently
//   means something else than it says is worse than one rejected at start. The error names
//   the network the entry would have meant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/socket_address.h"

namespace ringmail {

inline constexpr size_t kNetworkEntryMax = 64;   // bytes of one CIDR string
inline constexpr size_t kNetworkListMax = 4096;  // entries in one list

// An IP address as 128 bits in two host-order halves of its network-order bytes. IPv4 and
// IPv4-mapped IPv6 addresses are both ::ffff:a.b.c.d with `v4` set.
struct IpAddressBits {
  uint64_t high = 0;
  uint64_t low = 0;
  bool v4 = false;
};

// The bits of an AF_INET or AF_INET6 address; nullopt for any other family.
std::optional<IpAddressBits> AddressBits(const SocketAddress& address);

class NetworkList {
 public:
  NetworkList() = default;  // empty: contains nothing

  // Every entry must be a valid CIDR string (see above); kInvalidArgument names the first bad
  // one: "'10.0.0.0/33': prefix length out of range". Also kInvalidArgument over
  // kNetworkListMax entries.
  static Result<NetworkList> Parse(const std::vector<std::string>& entries);

  // 127.0.0.0/8 and ::1/128.
  static NetworkList Loopback();

  // Whether `address` is in one of the networks. False for a non-IP address. O(size()).
  bool Contains(const SocketAddress& address) const;

  bool empty() const { return networks_.empty(); }
  size_t size() const { return networks_.size(); }

 private:
  struct Network {
    uint64_t high;  // address bits, already masked
    uint64_t low;
    uint64_t mask_high;
    uint64_t mask_low;
    bool v4;
  };
  static Result<Network> ParseEntry(const std::string& entry);

  std::vector<Network> networks_;
};

}  // namespace ringmail
