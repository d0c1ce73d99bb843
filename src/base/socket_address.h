// An IPv4 or IPv6 socket address, parsed from and printed as "127.0.0.1:143" / "[::1]:143".
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ringmail {

class SocketAddress {
 public:
  SocketAddress() = default;

  // Accepts "IPv4:PORT" and "[IPv6]:PORT"; PORT 0 asks the kernel for an ephemeral port.
  static Result<SocketAddress> Parse(std::string_view text);
  static SocketAddress FromSockaddr(const sockaddr* addr, socklen_t len);

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  sockaddr* mutable_get() { return reinterpret_cast<sockaddr*>(&storage_); }
  socklen_t length() const { return length_; }
  int family() const { return storage_.ss_family; }
  uint16_t port() const;
  void set_port(uint16_t port);
  bool IsLoopback() const;

  std::string ToString() const;
  // The address alone: "127.0.0.1", "::1" (no brackets, no port).
  std::string Host() const;

 private:
  // IPv4 and IPv6 only: 28 bytes instead of sockaddr_storage's 128, since every connection
  // keeps one.
  union {
    sockaddr_in6 v6;
    sockaddr_in v4;
    sa_family_t ss_family;
  } storage_{};
  socklen_t length_ = 0;
};

// `host` as an address when it is a numeric IPv4 or IPv6 one (no brackets); kInvalidArgument
// for a name.
Result<SocketAddress> NumericAddress(const std::string& host, uint16_t port);

// getaddrinfo: up to 8 addresses of `host`. Blocks (DNS): call it on a worker, never on a
// reactor core. kUnavailable when the name does not resolve.
Result<std::vector<SocketAddress>> ResolveBlocking(const std::string& host, uint16_t port);

}  // namespace ringmail
