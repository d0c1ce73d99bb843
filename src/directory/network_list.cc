#include "directory/network_list.h"

#include <arpa/inet.h>

#include <charconv>
#include <string_view>

#include "base/check.h"

namespace ringmail {
namespace {

// The low half of ::ffff:0.0.0.0, the IPv4-mapped prefix.
constexpr uint64_t kMappedLow = uint64_t{0xffff} << 32;

uint64_t LoadBigEndian64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

void StoreBigEndian64(uint64_t v, uint8_t* p) {
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}

IpAddressBits FromV4(uint32_t host_order) {
  return IpAddressBits{0, kMappedLow | host_order, true};
}

IpAddressBits FromV6(const uint8_t* bytes) {
  IpAddressBits bits{LoadBigEndian64(bytes), LoadBigEndian64(bytes + 8), false};
  bits.v4 = bits.high == 0 && (bits.low >> 32) == 0xffff;
  return bits;
}

// The top `bits` of a 64-bit half set (0..64).
uint64_t HalfMask(int bits) {
  if (bits <= 0) return 0;
  if (bits >= 64) return ~uint64_t{0};
  return ~uint64_t{0} << (64 - bits);
}

// The entry as it may appear in an error message: printable ASCII, bounded length.
std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kNetworkEntryMax)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (text.size() > kNetworkEntryMax) out += "...";
  return out;
}

std::unexpected<Error> Bad(std::string_view entry, std::string_view reason) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "'" + Printable(entry) + "': " + std::string(reason));
}

std::string NetworkText(uint64_t high, uint64_t low, bool v4, int prefix) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (v4) {
    in_addr a{};
    a.s_addr = htonl(static_cast<uint32_t>(low));
    inet_ntop(AF_INET, &a, buf, sizeof buf);
  } else {
    in6_addr a{};
    StoreBigEndian64(high, a.s6_addr);
    StoreBigEndian64(low, a.s6_addr + 8);
    inet_ntop(AF_INET6, &a, buf, sizeof buf);
  }
  return std::string(buf) + "/" + std::to_string(prefix);
}

// The prefix length after '/': one to three decimal digits, at most `max`.
Result<int> ParsePrefix(std::string_view entry, std::string_view text, int max) {
  if (text.empty() || text.size() > 3) return Bad(entry, "bad prefix length");
  for (char c : text) {
    if (c < '0' || c > '9') return Bad(entry, "bad prefix length");
  }
  int prefix = 0;
  std::from_chars(text.data(), text.data() + text.size(), prefix);
  if (prefix > max) return Bad(entry, "prefix length out of range");
  return prefix;
}

}  // namespace

std::optional<IpAddressBits> AddressBits(const SocketAddress& address) {
  if (address.family() == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address.get());
    return FromV4(ntohl(v4->sin_addr.s_addr));
  }
  if (address.family() == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address.get());
    return FromV6(v6->sin6_addr.s6_addr);
  }
  return std::nullopt;
}

Result<NetworkList::Network> NetworkList::ParseEntry(const std::string& entry) {
  if (entry.empty()) return Bad(entry, "empty entry");
  if (entry.size() > kNetworkEntryMax) return Bad(entry, "too long");
  const size_t slash = entry.find('/');
  const std::string host = entry.substr(0, slash);
  in_addr v4{};
  in6_addr v6{};
  IpAddressBits bits;
  bool written_v4 = false;
  // inet_pton stops at a NUL, so one inside the entry would hide trailing garbage.
  if (host.find('\0') != std::string::npos) {
    return Bad(entry, "bad address");
  } else if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    bits = FromV4(ntohl(v4.s_addr));
    written_v4 = true;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    bits = FromV6(v6.s6_addr);
  } else {
    return Bad(entry, "bad address");
  }
  int prefix = written_v4 ? 32 : 128;
  if (slash != std::string::npos) {
    prefix = TRY(ParsePrefix(entry, std::string_view(entry).substr(slash + 1), prefix));
  }
  // All networks are kept in the 128-bit mapped form; `total` is the prefix in that form.
  const int total = written_v4 ? 96 + prefix : prefix;
  Network n{};
  n.v4 = bits.v4 && total >= 96;
  n.mask_high = HalfMask(total);
  n.mask_low = HalfMask(total - 64);
  n.high = bits.high & n.mask_high;
  n.low = bits.low & n.mask_low;
  if (n.high != bits.high || n.low != bits.low) {
    const int shown = n.v4 ? total - 96 : total;
    return Bad(entry, "host bits set beyond the prefix (did you mean '" +
                          NetworkText(n.high, n.low, n.v4, shown) + "'?)");
  }
  return n;
}

Result<NetworkList> NetworkList::Parse(const std::vector<std::string>& entries) {
  if (entries.size() > kNetworkListMax) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "more than " + std::to_string(kNetworkListMax) + " networks");
  }
  NetworkList list;
  list.networks_.reserve(entries.size());
  for (const std::string& entry : entries) {
    list.networks_.push_back(TRY(ParseEntry(entry)));
  }
  return list;
}

NetworkList NetworkList::Loopback() {
  Result<NetworkList> list = Parse({"127.0.0.0/8", "::1/128"});
  CHECK(list.has_value());
  return std::move(*list);
}

bool NetworkList::Contains(const SocketAddress& address) const {
  const std::optional<IpAddressBits> bits = AddressBits(address);
  if (!bits) return false;
  for (const Network& n : networks_) {
    if (n.v4 == bits->v4 && (bits->high & n.mask_high) == n.high &&
        (bits->low & n.mask_low) == n.low) {
      return true;
    }
  }
  return false;
}

}  // namespace ringmail
