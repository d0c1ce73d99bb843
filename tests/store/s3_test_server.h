// S3TestServer: a real S3 server for one test, on 127.0.0.1 with ephemeral ports and a
// temporary directory:
//   kS3rver  s3rver from npm, through tests/store/s3_server.sh (fast; checks no signatures)
//   kSwift   OpenStack Swift's s3api from python3-swift, through
//            tests/store/swift_s3api_server.py (slower to start; verifies every signature)
// Start() waits for the launcher's ready line with a deadline (no fixed sleeps); Kill() and
// a later Start(port()) restart s3rver on the same port with the same data. Blocking calls:
// use from the test's own thread (or, briefly, from a test coroutine).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace ringmail::testing {

enum class S3Flavor { kS3rver, kSwift };

class S3TestServer {
 public:
  static constexpr const char* kBucket = "ringmail-test";
  static constexpr const char* kAccessKey = "S3RVER";  // s3rver's one key pair
  static constexpr const char* kSecretKey = "S3RVER";
  static constexpr const char* kSwiftAccessKey = "test:tester";  // tempauth's user
  static constexpr const char* kSwiftSecretKey = "testing";

  explicit S3TestServer(S3Flavor flavor = S3Flavor::kS3rver) : flavor_(flavor) {
    char tmpl[] = "/tmp/ringmail-s3rver-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  ~S3TestServer() {
    Kill();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  S3TestServer(const S3TestServer&) = delete;
  S3TestServer& operator=(const S3TestServer&) = delete;

  // Starts the server (on `port`, 0 for an ephemeral one) and waits until it listens.
  // Returns "" when it runs; otherwise why not. skipped() tells a missing node/npm apart.
  std::string Start(uint16_t port = 0) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return "pipe2 failed";
    const bool swift = flavor_ == S3Flavor::kSwift;
    const std::string script =
        SourceDir() + (swift ? "/tests/store/swift_s3api_server.py" : "/tests/store/s3_server.sh");
    const std::string data = dir_ + "/data";
    const std::string port_text = std::to_string(port);
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);  // its own group, so that its children (npm, servers) go with it
      // Dies with the test process even when that one crashes before Kill().
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      ::dup2(fds[1], 1);
      if (swift) {
        // argv[0] is the full path: the launcher starts its servers with sys.executable.
        ::execl("/usr/bin/python3", "/usr/bin/python3", script.c_str(), data.c_str(), kBucket,
                static_cast<char*>(nullptr));
      } else {
        ::execl("/bin/bash", "bash", script.c_str(), data.c_str(), kBucket, port_text.c_str(),
                static_cast<char*>(nullptr));
      }
      ::_exit(127);
    }
    ::close(fds[1]);
    std::string result = WaitReady(fds[0]);
    ::close(fds[0]);  // the server prints nothing after its ready line
    if (!result.empty()) Kill();
    return result;
  }

  // SIGKILL to the server (and anything it started), and reaps it. No-op when not running.
  void Kill() { Signal(SIGKILL, true); }
  // SIGSTOP / SIGCONT: a server that accepts connections (the kernel does) but never answers.
  void Pause() { Signal(SIGSTOP, false); }
  void Resume() { Signal(SIGCONT, false); }

  uint16_t port() const { return port_; }
  bool skipped() const { return skipped_; }
  const char* access_key() const {
    return flavor_ == S3Flavor::kSwift ? kSwiftAccessKey : kAccessKey;
  }
  const char* secret_key() const {
    return flavor_ == S3Flavor::kSwift ? kSwiftSecretKey : kSecretKey;
  }
  std::string endpoint_url(const std::string& bucket = kBucket) const {
    return "s3://" + bucket + "?endpoint=http://127.0.0.1:" + std::to_string(port_) +
           "&region=us-east-1&style=path";
  }

  static std::string SourceDir() {
    if (const char* env = std::getenv("RINGMAIL_SOURCE_DIR")) return env;
    return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().string();
  }

 private:
  void Signal(int sig, bool reap) {
    if (pid_ <= 0) return;
    ::kill(-pid_, sig);
    if (reap) {
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  static int64_t NowMs() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
  }

  // Reads the launcher's output until "s3rver port=N" / "swift port=N" (ready), "SKIP: ..."
  // or the end.
  std::string WaitReady(int fd) {
    // The first start in a fresh checkout installs s3rver from the npm registry; Swift's
    // four Python servers take several seconds on a small machine.
    const int64_t deadline = NowMs() + 180000;
    const std::string ready = flavor_ == S3Flavor::kSwift ? "swift port=" : "s3rver port=";
    std::string out;
    for (;;) {
      const size_t nl = out.find('\n');
      if (nl != std::string::npos) {
        const std::string line = out.substr(0, nl);
        out.erase(0, nl + 1);
        if (line.rfind(ready, 0) == 0) {
          port_ = static_cast<uint16_t>(std::atoi(line.c_str() + ready.size()));
          return "";
        }
        if (line.rfind("SKIP: ", 0) == 0) {
          skipped_ = true;
          return line.substr(6);
        }
        continue;
      }
      const int64_t left = deadline - NowMs();
      if (left <= 0) return "the S3 server did not start within 180 s";
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) < 0 && errno != EINTR) return "poll failed";
      char buf[512];
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n == 0) return "the launcher exited before the server was ready (see stderr)";
      if (n > 0) out.append(buf, static_cast<size_t>(n));
    }
  }

  S3Flavor flavor_;
  std::string dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  bool skipped_ = false;
};

}  // namespace ringmail::testing
