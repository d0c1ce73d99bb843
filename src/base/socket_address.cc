#include "base/socket_address.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <charconv>
#include <cstring>

namespace ringmail {

Result<SocketAddress> SocketAddress::Parse(std::string_view text) {
  std::string_view host;
  std::string_view port_text;
  // IPv6 only in brackets, IPv4 only without: unbracketed, the last group of an IPv6
  // address would be taken for the port ("2001:db8::1:25" as [2001:db8::1]:25).
  const bool bracketed = !text.empty() && text.front() == '[';
  if (bracketed) {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return MakeError(ErrorCode::kInvalidArgument, "expected [IPv6]:PORT");
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "expected ADDRESS:PORT");
    }
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return MakeError(ErrorCode::kInvalidArgument, "bad port '" + std::string(port_text) + "'");
  }
  std::string host_z(host);
  SocketAddress out;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage_);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage_);
  if (!bracketed && inet_pton(AF_INET, host_z.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    out.length_ = sizeof(sockaddr_in);
    return out;
  }
  if (bracketed && inet_pton(AF_INET6, host_z.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    out.length_ = sizeof(sockaddr_in6);
    return out;
  }
  return MakeError(ErrorCode::kInvalidArgument, "bad IP address '" + host_z + "'");
}

SocketAddress SocketAddress::FromSockaddr(const sockaddr* addr, socklen_t len) {
  SocketAddress out;
  if (len > sizeof(out.storage_)) len = sizeof(out.storage_);
  std::memcpy(&out.storage_, addr, len);
  out.length_ = len;
  return out;
}

uint16_t SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (family() == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  }
  return 0;
}

void SocketAddress::set_port(uint16_t port) {
  if (family() == AF_INET) reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  if (family() == AF_INET6) reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
}

bool SocketAddress::IsLoopback() const {
  if (family() == AF_INET) {
    uint32_t a = ntohl(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr);
    return (a >> 24) == 127;
  }
  if (family() == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(&a)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&a)) return a.s6_addr[12] == 127;
  }
  return false;
}

std::string SocketAddress::Host() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf, sizeof buf);
  } else if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf,
              sizeof buf);
  } else {
    return "unknown";
  }
  return buf;
}

std::string SocketAddress::ToString() const {
  if (family() == AF_INET) return Host() + ":" + std::to_string(port());
  if (family() == AF_INET6) return "[" + Host() + "]:" + std::to_string(port());
  return "unknown";
}

Result<SocketAddress> NumericAddress(const std::string& host, uint16_t port) {
  in_addr v4;
  in6_addr v6;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return SocketAddress::Parse(host + ":" + std::to_string(port));
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return SocketAddress::Parse("[" + host + "]:" + std::to_string(port));
  }
  return MakeError(ErrorCode::kInvalidArgument, "not a numeric address");
}

Result<std::vector<SocketAddress>> ResolveBlocking(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
  addrinfo* list = nullptr;
  const std::string service = std::to_string(port);
  const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  if (rc != 0) {
    return MakeError(ErrorCode::kUnavailable, "cannot resolve " + host + ": " + ::gai_strerror(rc));
  }
  std::vector<SocketAddress> out;
  for (addrinfo* a = list; a != nullptr && out.size() < 8; a = a->ai_next) {
    if (a->ai_family == AF_INET || a->ai_family == AF_INET6) {
      out.push_back(SocketAddress::FromSockaddr(a->ai_addr, a->ai_addrlen));
    }
  }
  ::freeaddrinfo(list);
  if (out.empty()) return MakeError(ErrorCode::kUnavailable, host + " has no IP address");
  return out;
}

}  // namespace ringmail
