#include "line/load_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace ringmail::bench {
namespace {
bool ParseOne(std::string_view text, in_addr* out) {
  std::string s(text);
  return inet_pton(AF_INET, s.c_str(), out) == 1;
}
}  // namespace

bool ParseSourceIps(std::string_view text, std::vector<in_addr>* out) {
  out->clear();
  if (size_t dash = text.find('-'); dash != std::string_view::npos) {
    in_addr first{}, last{};
    if (!ParseOne(text.substr(0, dash), &first) || !ParseOne(text.substr(dash + 1), &last)) {
      return false;
    }
    uint32_t a = ntohl(first.s_addr), b = ntohl(last.s_addr);
    if (b < a || b - a > 255) return false;
    for (uint32_t v = a; v <= b; ++v) out->push_back(in_addr{htonl(v)});
    return true;
  }
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    in_addr a{};
    if (!ParseOne(text.substr(pos, comma - pos), &a)) return false;
    out->push_back(a);
    pos = comma + 1;
  }
  return !out->empty();
}

int ConnectFrom(const sockaddr_in& destination, in_addr source, bool nonblocking) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr = source;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<const sockaddr*>(&destination), sizeof destination) != 0) {
    int err = errno;
    ::close(fd);
    errno = err;
    return -1;
  }
  if (nonblocking) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

}  // namespace ringmail::bench
