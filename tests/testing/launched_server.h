// Real servers for tests, started through a launcher script (tests/store/s3_server.sh,
// swift_s3api_server.py, pg_cluster.sh run) that prints one ready line on its stdout:
// "<name> port=N" once the server accepts connections, or "SKIP: why" (exit 77) when the
// server is not installed. The launched process gets its own process group (so that what it
// starts goes with it) and dies with the test process even when that one crashes.
// Blocking calls: use from the test's own thread (the death signal follows the thread that
// forked), or briefly from a test coroutine.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace ringmail::testing {

// The source tree (for the launcher scripts): RINGMAIL_SOURCE_DIR, else this file's tree.
inline std::string SourceDir() {
  if (const char* env = std::getenv("RINGMAIL_SOURCE_DIR")) return env;
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().string();
}

inline int64_t TestNowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

struct LaunchedServer {
  pid_t pid = -1;  // the launcher (or what it exec'd), leader of its process group
  uint16_t port = 0;
  bool skipped = false;
  std::string error;  // "" when the server is ready
};

// Runs argv (argv[0] a full path) and waits up to `timeout_ms` for its ready line
// "<ready_prefix>N". On failure the process group is killed and reaped (pid -1); `what`
// names the server in the error.
inline LaunchedServer LaunchServer(const std::vector<std::string>& argv,
                                   const std::string& ready_prefix, int64_t timeout_ms,
                                   const std::string& what) {
  LaunchedServer s;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    s.error = "pipe2 failed";
    return s;
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  s.pid = ::fork();
  if (s.pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(fds[1], 1);
    ::close_range(3, ~0u, 0);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  const int64_t deadline = TestNowMs() + timeout_ms;
  std::string out;
  while (s.pid > 0) {
    const size_t nl = out.find('\n');
    if (nl != std::string::npos) {
      const std::string line = out.substr(0, nl);
      out.erase(0, nl + 1);
      if (line.rfind(ready_prefix, 0) == 0) {
        s.port = static_cast<uint16_t>(std::atoi(line.c_str() + ready_prefix.size()));
        break;
      }
      if (line.rfind("SKIP: ", 0) == 0) {
        s.skipped = true;
        s.error = line.substr(6);
        break;
      }
      continue;
    }
    if (TestNowMs() >= deadline) {
      s.error = what + " did not start within " + std::to_string(timeout_ms / 1000) + " s";
      break;
    }
    // A helper that prints the ready line may outlive a server that fails by a moment: the
    // exit of our child is the answer then.
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, 100) < 0 && errno != EINTR) {
      s.error = "poll failed";
      break;
    }
    if (p.revents == 0) {
      if (::waitpid(s.pid, nullptr, WNOHANG) == s.pid) {
        ::kill(-s.pid, SIGKILL);  // anything it left behind
        s.pid = -1;
        s.error = what + " exited before it was ready (see stderr)";
      }
      continue;
    }
    char buf[512];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n == 0) s.error = "the launcher exited before " + what + " was ready (see stderr)";
    if (n == 0) break;
    if (n > 0) out.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);  // the launcher prints nothing after its ready line
  if (!s.error.empty() && s.pid > 0) {
    ::kill(-s.pid, SIGKILL);
    while (::waitpid(s.pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    s.pid = -1;
  }
  return s;
}

}  // namespace ringmail::testing
