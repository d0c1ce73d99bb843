#include "server/main_thread.h"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <utility>

#include "base/check.h"
#include "base/log.h"
#include "runtime/system.h"

namespace ringmail {

ThreadLatch::ThreadLatch(int count) : remaining_(count) {
  CHECK(count > 0);
  fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  CHECK(fd_ >= 0, "eventfd for a thread latch");
}

ThreadLatch::~ThreadLatch() { close(fd_); }

void ThreadLatch::CountDown() {
  const int before = remaining_.fetch_sub(1, std::memory_order_acq_rel);
  DCHECK(before > 0);
  if (before != 1) return;
  const uint64_t one = 1;
  // The counter cannot overflow with one write per latch; EINTR does not apply (non-blocking).
  ssize_t n = write(fd_, &one, sizeof one);
  CHECK(n == sizeof one, "eventfd write");
}

bool ThreadLatch::done() const {
  // Readable only once the last CountDown has written, its last touch of this object: the
  // waiter may destroy the latch as soon as this is true.
  pollfd p{fd_, POLLIN, 0};
  return poll(&p, 1, 0) > 0;
}

void ThreadLatch::Wait() const {
  while (!done()) {
    pollfd p{fd_, POLLIN, 0};
    poll(&p, 1, -1);
  }
}

Result<SignalWaiter> SignalWaiter::Create() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0) return SysError("signalfd", errno);
  return SignalWaiter(fd);
}

SignalWaiter::SignalWaiter(SignalWaiter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      reload_(std::move(other.reload_)),
      reload_interval_ms_(other.reload_interval_ms_) {}

SignalWaiter::~SignalWaiter() {
  if (fd_ >= 0) close(fd_);
}

void SignalWaiter::SetReload(std::function<void(bool sighup)> reload, int interval_ms) {
  reload_ = std::move(reload);
  reload_interval_ms_ = interval_ms;
}

bool SignalWaiter::WaitForStop(const ThreadLatch* latch) {
  const uint64_t watchdog_usec = SdWatchdogUsec();
  int timeout_ms = watchdog_usec > 0 ? std::max(1, static_cast<int>(watchdog_usec / 2000)) : -1;
  if (reload_ && (timeout_ms < 0 || reload_interval_ms_ < timeout_ms)) {
    timeout_ms = reload_interval_ms_;
  }
  for (;;) {
    if (latch != nullptr && latch->done()) return false;
    pollfd fds[2] = {{fd_, POLLIN, 0}, {latch != nullptr ? latch->fd() : -1, POLLIN, 0}};
    int n = poll(fds, 2, timeout_ms);
    if (n == 0) {
      if (watchdog_usec > 0) SdNotify("WATCHDOG=1");
      if (reload_) reload_(false);
      continue;
    }
    signalfd_siginfo info{};
    if (n < 0 || read(fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
    if (info.ssi_signo == SIGHUP) {
      if (reload_) {
        reload_(true);
      } else {
        Log(LogLevel::kInfo, "sighup_ignored", "reason", "nothing reloadable in this build");
      }
      continue;
    }
    Log(LogLevel::kInfo, "stopping", "signal", info.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
    return true;
  }
}

}  // namespace ringmail
