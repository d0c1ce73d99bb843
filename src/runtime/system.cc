#include "runtime/system.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ringmail {

uint64_t RaiseResourceLimits() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    rlim_t target = lim.rlim_max;
    if (FILE* f = std::fopen("/proc/sys/fs/nr_open", "r")) {
      unsigned long nr_open = 0;
      if (std::fscanf(f, "%lu", &nr_open) == 1 && geteuid() == 0 && nr_open > target) {
        target = nr_open;
      }
      std::fclose(f);
    }
    rlimit want{target, target};
    if (setrlimit(RLIMIT_NOFILE, &want) != 0) {
      want = {lim.rlim_max, lim.rlim_max};
      setrlimit(RLIMIT_NOFILE, &want);
    }
  }
  if (getrlimit(RLIMIT_MEMLOCK, &lim) == 0) {
    rlimit want{lim.rlim_max, lim.rlim_max};
    if (geteuid() == 0) want = {RLIM_INFINITY, RLIM_INFINITY};
    if (setrlimit(RLIMIT_MEMLOCK, &want) != 0) {
      want = {lim.rlim_max, lim.rlim_max};
      setrlimit(RLIMIT_MEMLOCK, &want);
    }
  }
  getrlimit(RLIMIT_NOFILE, &lim);
  return lim.rlim_cur;
}

std::vector<int> AllowedCores() {
  std::vector<int> cores;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    for (int i = 0; i < CPU_SETSIZE; ++i) {
      if (CPU_ISSET(i, &set)) cores.push_back(i);
    }
  }
  if (cores.empty()) cores.push_back(0);
  return cores;
}

Result<void> PinToCore(int core) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(core, &set);
  int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  if (rc != 0) return SysError("pin to core " + std::to_string(core), rc);
  return {};
}

void SdNotify(std::string_view state) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || path[0] == '\0') return;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  size_t len = std::strlen(path);
  if (len >= sizeof addr.sun_path) return;
  std::memcpy(addr.sun_path, path, len);
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  socklen_t addr_len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len);
  ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr),
           addr_len);
  ::close(fd);
}

uint64_t SdWatchdogUsec() {
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (usec == nullptr) return 0;
  const char* pid = std::getenv("WATCHDOG_PID");
  if (pid != nullptr && std::strtol(pid, nullptr, 10) != getpid()) return 0;
  return std::strtoull(usec, nullptr, 10);
}

}  // namespace ringmail
