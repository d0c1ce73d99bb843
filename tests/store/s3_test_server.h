// S3TestServer: a real S3 server for one test, on 127.0.0.1 with ephemeral ports and a
// temporary directory:
//   kS3rver  s3rver from npm, through tests/store/s3_server.sh (fast; checks no signatures)
//   kSwift   OpenStack Swift's s3api from python3-swift, through
//            tests/store/swift_s3api_server.py (slower to start; verifies every signature)
// Start() waits for the launcher's ready line with a deadline (no fixed sleeps); Kill() and
// a later Start(port()) restart s3rver on the same port with the same data. Blocking calls:
// use from the test's own thread (or, briefly, from a test coroutine).
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "testing/launched_server.h"

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
    const bool swift = flavor_ == S3Flavor::kSwift;
    const std::string data = dir_ + "/data";
    // argv[0] is the full path: Swift's launcher starts its servers with sys.executable. The
    // first start in a fresh checkout installs s3rver from the npm registry; Swift's four
    // Python servers take several seconds on a small machine.
    const std::vector<std::string> argv =
        swift ? std::vector<std::string>{"/usr/bin/python3",
                                         SourceDir() + "/tests/store/swift_s3api_server.py", data,
                                         kBucket}
              : std::vector<std::string>{"/bin/bash", SourceDir() + "/tests/store/s3_server.sh",
                                         data, kBucket, std::to_string(port)};
    LaunchedServer launched =
        LaunchServer(argv, swift ? "swift port=" : "s3rver port=", 180000, "the S3 server");
    pid_ = launched.pid;
    port_ = launched.port;
    skipped_ = launched.skipped;
    return launched.error;
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

 private:
  void Signal(int sig, bool reap) {
    if (pid_ <= 0) return;
    ::kill(-pid_, sig);
    if (reap) {
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  S3Flavor flavor_;
  std::string dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  bool skipped_ = false;
};

}  // namespace ringmail::testing
