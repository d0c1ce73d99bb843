// Idle connections for the memory measurement: open them (spread over several source
// addresses, past the ephemeral-port limit of one), optionally make one request on each,
// report, and hold them until told to stop.
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include "line/line_load.h"
#include "line/load_socket.h"

namespace ringmail::bench {
namespace {

// One blocking round trip on a fresh connection. False on a wrong or missing answer.
bool PingOnce(int fd, uint64_t n) {
  char line[32] = "PING ";
  char* end = std::to_chars(line + 5, line + sizeof line - 1, n).ptr;
  *end++ = '\n';
  const size_t size = static_cast<size_t>(end - line);
  if (write(fd, line, size) != static_cast<ssize_t>(size)) return false;
  char answer[32];
  size_t have = 0;
  while (have < size) {
    ssize_t got = read(fd, answer + have, sizeof answer - have);
    if (got <= 0) return false;
    have += static_cast<size_t>(got);
  }
  return have == size && std::memcmp(answer, "PONG ", 5) == 0 &&
         std::memcmp(answer + 5, line + 5, size - 5) == 0;
}

}  // namespace

int RunIdle(const LoadOptions& o, bool ping, const sigset_t& signals) {
  std::vector<int> fds;
  fds.reserve(static_cast<size_t>(o.connections));
  int status = 0;
  for (int i = 0; i < o.connections; ++i) {
    int fd =
        ConnectFrom(o.destination, o.sources[static_cast<size_t>(i) % o.sources.size()], false);
    if (fd < 0) {
      std::fprintf(stderr, "connect failed after %d connections: %s\n", i, std::strerror(errno));
      status = 1;
      break;
    }
    fds.push_back(fd);
    if (ping && !PingOnce(fd, static_cast<uint64_t>(i))) {
      std::fprintf(stderr, "no answer on connection %d\n", i);
      status = 1;
      break;
    }
  }
  std::printf("connected=%zu\n", fds.size());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  for (int fd : fds) close(fd);
  return status;
}

}  // namespace ringmail::bench
