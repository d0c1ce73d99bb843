// MemoryClient: a wolfSSL TLS client whose records go to and come from strings, so a test can
// play the client of a TlsStream running over a ScriptStream, step by step and without a
// socket. Verifies the server's certificate against a CA file when one is given.
#pragma once

// clang-format off
#include <wolfssl/options.h>
// clang-format on
#include <wolfssl/ssl.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace ringmail::testing {

struct MemoryClientOptions {
  std::string ca_file;      // empty: no verification
  std::string server_name;  // SNI; empty: none
  int min_version = WOLFSSL_TLSV1_2;
  bool tls13 = true;  // false: TLS 1.2 only
  const char* ciphers = nullptr;
  const char* alpn = nullptr;  // e.g. "imap"
};

class MemoryClient {
 public:
  explicit MemoryClient(const MemoryClientOptions& o) {
    wolfSSL_Init();
    ctx_ = wolfSSL_CTX_new(o.tls13 ? wolfSSLv23_client_method() : wolfTLSv1_2_client_method());
    if (o.min_version != WOLFSSL_TLSV1_2) wolfSSL_CTX_SetMinVersion(ctx_, o.min_version);
    if (o.ca_file.empty()) {
      wolfSSL_CTX_set_verify(ctx_, WOLFSSL_VERIFY_NONE, nullptr);
    } else {
      wolfSSL_CTX_load_verify_locations(ctx_, o.ca_file.c_str(), nullptr);
      wolfSSL_CTX_set_verify(ctx_, WOLFSSL_VERIFY_PEER, nullptr);
    }
    if (o.ciphers != nullptr) wolfSSL_CTX_set_cipher_list(ctx_, o.ciphers);
    ssl_ = wolfSSL_new(ctx_);
    wolfSSL_SSLSetIORecv(ssl_, &Receive);
    wolfSSL_SSLSetIOSend(ssl_, &Send);
    wolfSSL_SetIOReadCtx(ssl_, this);
    wolfSSL_SetIOWriteCtx(ssl_, this);
    if (!o.server_name.empty()) {
      wolfSSL_UseSNI(ssl_, WOLFSSL_SNI_HOST_NAME, o.server_name.data(),
                     static_cast<unsigned short>(o.server_name.size()));
      if (!o.ca_file.empty()) wolfSSL_check_domain_name(ssl_, o.server_name.c_str());
    }
    if (o.alpn != nullptr) {
      std::string list = o.alpn;
      wolfSSL_UseALPN(ssl_, list.data(), static_cast<unsigned>(list.size()),
                      WOLFSSL_ALPN_FAILED_ON_MISMATCH);
    }
  }
  ~MemoryClient() {
    wolfSSL_free(ssl_);
    wolfSSL_CTX_free(ctx_);
  }

  // One step of the handshake: 1 done, 0 wants the server's reply, -1 failed.
  int Connect() {
    int rc = wolfSSL_connect(ssl_);
    if (rc == WOLFSSL_SUCCESS) return 1;
    return wolfSSL_get_error(ssl_, rc) == WOLFSSL_ERROR_WANT_READ ? 0 : -1;
  }
  void Write(std::string_view plain) {
    wolfSSL_write(ssl_, plain.data(), static_cast<int>(plain.size()));
  }
  // Decrypts what has arrived; `*closed` when the server sent close_notify.
  std::string Read(bool* closed = nullptr) {
    std::string out;
    char buf[4096];
    for (;;) {
      int n = wolfSSL_read(ssl_, buf, sizeof buf);
      if (n > 0) {
        out.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (closed != nullptr) *closed = wolfSSL_get_error(ssl_, n) == WOLFSSL_ERROR_ZERO_RETURN;
      return out;
    }
  }
  void Shutdown() { wolfSSL_shutdown(ssl_); }

  // Ciphertext for the server, and ciphertext from it.
  std::string TakeOutput() { return std::exchange(out_, {}); }
  void Feed(std::string_view records) { in_.append(records); }

  WOLFSSL* ssl() { return ssl_; }

 private:
  static int Receive(WOLFSSL*, char* buf, int size, void* ctx) {
    auto* self = static_cast<MemoryClient*>(ctx);
    if (self->in_.empty()) return WOLFSSL_CBIO_ERR_WANT_READ;
    size_t n = std::min(self->in_.size(), static_cast<size_t>(size));
    std::memcpy(buf, self->in_.data(), n);
    self->in_.erase(0, n);
    return static_cast<int>(n);
  }
  static int Send(WOLFSSL*, char* buf, int size, void* ctx) {
    static_cast<MemoryClient*>(ctx)->out_.append(buf, static_cast<size_t>(size));
    return size;
  }

  WOLFSSL_CTX* ctx_ = nullptr;
  WOLFSSL* ssl_ = nullptr;
  std::string in_;
  std::string out_;
};

}  // namespace ringmail::testing
