// libFuzzer target for the TLS record and handshake feed path: the input is what a client
// sends, handed to a server TlsStream over an in-memory transport in slices (the first byte
// chooses the slice size, so records arrive split at every boundary). The handshake and then
// the reads must end in an error or a close, never a crash, a hang or a leak. The certificate
// is embedded (ECDSA P-256, valid for a century) and written once to a temporary directory.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "base/check.h"
#include "runtime/stream.h"
#include "runtime/task.h"
#include "tls/server_context.h"
#include "tls/tls_stream.h"

namespace {

constexpr const char* kCertificate = R"(-----BEGIN CERTIFICATE-----
MIIBjzCCATWgAwIBAgIUbJPwAw7vNuo8VxB/E0O+zllLWkgwCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRZnV6ei5leGFtcGxlLnRlc3QwIBcNMjYxMTIyMTkzMjI0WhgP
MjEyNjEwMjkxOTMyMjRaMBwxGjAYBgNVBAMMEWZ1enouZXhhbXBsZS50ZXN0MFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEphxcbPPe1LHleH72ywCthwFM47mUKais
1zzQNsCi2vnDlFSqj955neK77X7kgiHnnOdF6vyqN3EDKFgJYVsivKNTMFEwHQYD
VR0OBBYEFMyZIPhRuVy16jncAEw5+1mUlMAmMB8GA1UdIwQYMBaAFMyZIPhRuVy1
6jncAEw5+1mUlMAmMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIh
AOd/owB8ZS6ypxoGlDd6VG/Hf+1ANwrShA6PZ5DIaNmaAiBx/iIz9tsjcZDA98qu
ZhCxBM2VSb46WSeZnmhoizEiFw==
-----END CERTIFICATE-----
)";
constexpr const char* kKey = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgyYWbPLVEanLfUvHw
3BYnLflD9U43kGOSJep+gH6JNGWhRANCAASmHFxs897UseV4fvbLAK2HAUzjuZQp
qKzXPNA2wKLa+cOUVKqP3nmd4rvtfuSCIeec50Xq/Ko3cQMoWAlhWyK8
-----END PRIVATE KEY-----
)";

std::shared_ptr<const ringmail::TlsServerContext> Context() {
  static std::shared_ptr<const ringmail::TlsServerContext> context = [] {
    char dir[] = "/tmp/ringmail-tls-fuzz-XXXXXX";
    CHECK(mkdtemp(dir) != nullptr);
    const std::string cert = std::string(dir) + "/cert.pem";
    const std::string key = std::string(dir) + "/key.pem";
    std::ofstream(cert) << kCertificate;
    std::ofstream(key) << kKey;
    CHECK(chmod(key.c_str(), 0600) == 0);
    auto made = ringmail::TlsServerContext::Create({{"fuzz", cert, key, {}}});
    CHECK(made.has_value(), "fuzz certificate");
    unlink(cert.c_str());
    unlink(key.c_str());
    rmdir(dir);
    return *made;
  }();
  return context;
}

// A transport that never waits: each Read hands over the next slice of the input, then
// kClosed; Flush discards the output at once. So the whole session runs inside Spawn.
class SliceStream final : public ringmail::Stream {
 public:
  SliceStream(std::string_view input, size_t slice) : input_(input), slice_(slice) {}

  std::string_view buffered() override { return buffer_; }
  void Consume(size_t n) override { buffer_.erase(0, n); }
  void Write(std::string_view bytes) override { pending_ += bytes.size(); }
  size_t pending_output() const override { return pending_; }
  const ringmail::SocketAddress& peer() const override { return peer_; }
  void set_read_timeout_ms(uint32_t) override {}
  bool shutdown_requested() const override { return false; }
  void InterruptRead() override {}

 protected:
  bool ReadReady() const override { return true; }
  void WaitForRead(std::coroutine_handle<> h) override { h.resume(); }
  ringmail::Result<std::string_view> TakeRead() override {
    if (input_.empty()) return ringmail::MakeError(ringmail::ErrorCode::kClosed, "end of input");
    const size_t n = std::min(slice_, input_.size());
    buffer_.append(input_.substr(0, n));
    input_.remove_prefix(n);
    return std::string_view(buffer_);
  }
  void StartFlush(std::coroutine_handle<> h) override {
    pending_ = 0;
    h.resume();
  }
  ringmail::Result<void> TakeFlushResult() override {
    pending_ = 0;
    return {};
  }

 private:
  std::string_view input_;
  size_t slice_;
  std::string buffer_;
  size_t pending_ = 0;
  ringmail::SocketAddress peer_;
};

ringmail::Task<void> Serve(ringmail::TlsStream* tls, bool* done) {
  ringmail::Result<void> handshake = co_await tls->Handshake(1000, 1000);
  if (handshake) {
    for (int i = 0; i < 1000; ++i) {
      ringmail::Result<std::string_view> in = co_await tls->Read();
      if (!in) break;
      tls->Consume(in->size());
      tls->Write("ok\r\n");
      ringmail::Result<void> flushed = co_await tls->Flush();
      if (!flushed) break;
    }
    co_await tls->Close();
  }
  *done = true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t slice = 1 + data[0] * 37;  // 1 byte up to whole records
  SliceStream transport(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), slice);
  bool done = false;
  {
    ringmail::TlsStream tls(transport, Context());
    ringmail::Spawn(Serve(&tls, &done));
  }
  CHECK(done, "the session must end with its input");
  return 0;
}
