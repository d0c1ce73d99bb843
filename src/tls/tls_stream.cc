#include "tls/tls_stream.h"

// wolfSSL's headers must see its build options first.
// clang-format off
#include <wolfssl/options.h>
// clang-format on
#include <wolfssl/error-ssl.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <utility>

#include "base/check.h"

namespace ringmail {

struct TlsStream::Pump::promise_type {
  Pump get_return_object() noexcept {
    return Pump{std::coroutine_handle<promise_type>::from_promise(*this)};
  }
  std::suspend_always initial_suspend() noexcept { return {}; }
  std::suspend_always final_suspend() noexcept { return {}; }
  void return_void() noexcept {}
  void unhandled_exception() noexcept { std::terminate(); }
};

namespace {

// Suspends the pump and resumes `next` (the reader) by symmetric transfer.
struct HandOff {
  std::coroutine_handle<> next;
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<>) const noexcept { return next; }
  void await_resume() const noexcept {}
};

constexpr size_t kDecryptChunk = 16 * 1024;  // one TLS record's plaintext at most
constexpr size_t kRecordPayloadMax = 16 * 1024;
// Header (5) plus the AEAD's additions: TLS 1.2 GCM's explicit nonce (8) and tag (16); TLS 1.3
// adds the inner content type (1) and the tag (16) instead.
constexpr size_t kRecordOverheadMax = 5 + 8 + 16;

// A handshake error as a short reason for the one log line and the failure metric.
Error HandshakeError(int err) {
  const char* what = wolfSSL_ERR_reason_error_string(static_cast<unsigned long>(err));
  std::string reason = what != nullptr ? what : "error " + std::to_string(err);
  switch (err) {
    case VERSION_ERROR: return Error{ErrorCode::kIo, "version: " + reason, 0};
    case MATCH_SUITE_ERROR: return Error{ErrorCode::kIo, "cipher: " + reason, 0};
    case ASN_NO_SIGNER_E:
    case ASN_SELF_SIGNED_E:
    case ASN_AFTER_DATE_E:
    case ASN_BEFORE_DATE_E:
    case ASN_SIG_CONFIRM_E:
    case DOMAIN_NAME_MISMATCH:
    case IPADDR_MISMATCH:
    case VERIFY_CERT_ERROR: return Error{ErrorCode::kIo, "certificate not verified: " + reason, 0};
    default: return Error{ErrorCode::kIo, "protocol: " + reason, 0};
  }
}

}  // namespace

TlsStream::TlsStream(Stream& transport, std::shared_ptr<const TlsServerContext> context)
    : transport_(transport) {
  ssl_ = context->NewSession();
  context_ = std::move(context);
  AttachSession();
}

TlsStream::TlsStream(Stream& transport, std::shared_ptr<const TlsClientContext> context,
                     std::string_view server_name)
    : transport_(transport), client_(true), server_name_(server_name) {
  ssl_ = context->NewSession(server_name);
  client_verifies_ = context->verifies();
  context_ = std::move(context);
  AttachSession();
}

void TlsStream::AttachSession() {
  if (ssl_ == nullptr) return;
  wolfSSL_SSLSetIORecv(ssl_, &OnReceive);
  wolfSSL_SSLSetIOSend(ssl_, &OnSend);
  wolfSSL_SetIOReadCtx(ssl_, this);
  wolfSSL_SetIOWriteCtx(ssl_, this);
}

TlsStream::~TlsStream() {
  DCHECK(!reader_);
  if (pump_) pump_.destroy();
  if (ssl_ != nullptr) wolfSSL_free(ssl_);
}

int TlsStream::OnReceive(WOLFSSL*, char* buf, int size, void* ctx) {
  auto* self = static_cast<TlsStream*>(ctx);
  std::string_view in = self->transport_.buffered();
  if (in.empty()) return WOLFSSL_CBIO_ERR_WANT_READ;
  const size_t n = std::min(in.size(), static_cast<size_t>(size));
  std::memcpy(buf, in.data(), n);
  // Follow the record headers: a switch to the kernel needs to start on a boundary.
  for (size_t i = 0; i < n;) {
    if (self->record_left_ > 0) {
      const size_t k = std::min(self->record_left_, n - i);
      self->record_left_ -= k;
      i += k;
      continue;
    }
    self->header_[self->header_size_++] = static_cast<uint8_t>(in[i++]);
    if (self->header_size_ == sizeof self->header_) {
      self->record_left_ = (size_t{self->header_[3]} << 8) | self->header_[4];
      self->header_size_ = 0;
    }
  }
  self->transport_.Consume(n);
  return static_cast<int>(n);
}

int TlsStream::OnSend(WOLFSSL*, char* buf, int size, void* ctx) {
  static_cast<TlsStream*>(ctx)->transport_.Write(std::string_view(buf, static_cast<size_t>(size)));
  return size;
}

Task<Result<void>> TlsStream::Handshake(uint32_t handshake_timeout_ms, uint32_t idle_timeout_ms) {
  if (ssl_ == nullptr) co_return MakeError(ErrorCode::kInternal, "no memory for a TLS session");
  transport_.set_read_timeout_ms(handshake_timeout_ms);
  Result<void> result;
  for (;;) {
    const int rc = client_ ? wolfSSL_connect(ssl_) : wolfSSL_accept(ssl_);
    const int err = rc == WOLFSSL_SUCCESS ? 0 : wolfSSL_get_error(ssl_, rc);
    if (transport_.pending_output() > 0) {
      Result<void> flushed = co_await transport_.Flush();
      if (!flushed) {
        result = std::unexpected(flushed.error());
        break;
      }
    }
    if (!client_) NoteHello();
    if (rc == WOLFSSL_SUCCESS) break;
    if (err != WOLFSSL_ERROR_WANT_READ) {
      result = std::unexpected(HandshakeError(err));
      break;
    }
    Result<std::string_view> in = co_await transport_.Read();
    if (!in) {
      result = std::unexpected(in.error());
      break;
    }
  }
  transport_.set_read_timeout_ms(idle_timeout_ms);
  if (result) {
    std::string_view version = wolfSSL_get_version(ssl_);  // "TLSv1.3"
    if (version.starts_with("TLSv")) version.remove_prefix(4);
    version_ = "TLS" + std::string(version);
    const int suite = wolfSSL_get_current_cipher_suite(ssl_);
    const char* iana = wolfSSL_get_cipher_name_iana_from_suite(
        static_cast<unsigned char>(suite >> 8), static_cast<unsigned char>(suite));
    cipher_ = iana != nullptr ? iana : wolfSSL_get_cipher_name(ssl_);
    summary_ = version_ + " " + cipher_;
    verified_ = client_ && client_verifies_;
  }
  co_return result;
}

Task<void> TlsStream::Close() {
  if (ssl_ == nullptr || summary_.empty() || write_failed_) co_return;
  wolfSSL_shutdown(ssl_);  // queues close_notify; the peer's reply is not awaited
  if (transport_.pending_output() > 0) {
    Result<void> flushed = co_await transport_.Flush();
    (void)flushed;
  }
}

void TlsStream::NoteHello() {
  // wolfSSL frees the extensions when the handshake completes: read them while it runs.
  if (server_name_.empty()) {
    const char* name = wolfSSL_get_servername(ssl_, WOLFSSL_SNI_HOST_NAME);
    if (name != nullptr) server_name_ = name;
  }
  if (alpn_.empty()) {
    char* name = nullptr;
    word16 size = 0;
    if (wolfSSL_ALPN_GetProtocol(ssl_, &name, &size) == WOLFSSL_SUCCESS && name != nullptr) {
      alpn_.assign(name, size);
    }
  }
}

bool TlsStream::DrainForKernel() {
  if (ssl_ == nullptr || has_error_) return false;
  while (!transport_.buffered().empty() && !has_error_) {
    const size_t before = plain_.size();
    Decrypt();
    if (plain_.size() == before && !transport_.buffered().empty()) break;  // a partial record
  }
  return !has_error_ && transport_.buffered().empty() && record_left_ == 0 && header_size_ == 0 &&
         wolfSSL_pending(ssl_) == 0;
}

std::string TlsStream::TakePlaintext() {
  std::string out(plain_.readable());
  plain_ = ByteBuffer();  // Clear would keep up to 1 KiB: the stream reads nothing after this
  returned_ = 0;
  return out;
}

void TlsStream::ReleaseSession() {
  if (pump_) {
    pump_.destroy();
    pump_ = nullptr;
  }
  if (ssl_ != nullptr) {
    wolfSSL_free(ssl_);
    ssl_ = nullptr;
  }
}

// ---- Reading ----

void TlsStream::SetError(Error error) {
  if (has_error_) return;
  has_error_ = true;
  error_ = std::move(error);
}

void TlsStream::Decrypt() {
  char chunk[kDecryptChunk];
  while (plain_.size() < kPlaintextMax && !has_error_) {
    const int n = wolfSSL_read(ssl_, chunk, sizeof chunk);
    if (n > 0) {
      plain_.Append(std::string_view(chunk, static_cast<size_t>(n)));
      continue;
    }
    const int err = wolfSSL_get_error(ssl_, n);
    if (err == WOLFSSL_ERROR_WANT_READ) return;
    if (err == WOLFSSL_ERROR_ZERO_RETURN) {
      SetError(MakeError(ErrorCode::kClosed, "peer sent close_notify").error());
    } else {
      const char* what = wolfSSL_ERR_reason_error_string(static_cast<unsigned long>(err));
      SetError(MakeError(ErrorCode::kIo, std::string("TLS: ") + (what ? what : "error")).error());
    }
  }
}

bool TlsStream::ReadReady() const { return plain_.size() > returned_ || has_error_; }

TlsStream::Pump TlsStream::ReadPump() {
  for (;;) {
    // Resumed by WaitForRead: a reader waits and nothing is ready for it.
    Result<std::string_view> in = co_await transport_.Read();
    if (in) {
      Decrypt();
    } else {
      SetError(in.error());
    }
    if (ReadReady()) co_await HandOff{std::exchange(reader_, nullptr)};
  }
}

void TlsStream::WaitForRead(std::coroutine_handle<> h) {
  DCHECK(!reader_);
  if (ssl_ != nullptr) Decrypt();  // what is already there: leftovers beyond kPlaintextMax
  if (ssl_ == nullptr) SetError(MakeError(ErrorCode::kInternal, "no TLS session").error());
  if (ReadReady()) {
    h.resume();
    return;
  }
  reader_ = h;
  if (!pump_) pump_ = ReadPump().handle;
  pump_.resume();
}

Result<std::string_view> TlsStream::TakeRead() {
  if (plain_.size() > returned_) {
    returned_ = plain_.size();
    return plain_.readable();
  }
  if (has_error_) {
    has_error_ = false;
    return std::unexpected(std::move(error_));
  }
  return MakeError(ErrorCode::kInternal, "TLS read woke without a reason");
}

std::string_view TlsStream::buffered() {
  returned_ = plain_.size();
  return plain_.readable();
}

void TlsStream::Consume(size_t n) {
  CHECK(n <= returned_ && n <= plain_.size());
  plain_.Consume(n);
  returned_ -= n;
}

// ---- Writing ----

void TlsStream::Write(std::string_view bytes) {
  if (bytes.size() >= kRecordPayloadMax && !write_failed_) {
    // A large write (a FETCH literal): its records go into the transport's output buffer one
    // by one; growing that once up front spares its regrowths (copies, fresh pages).
    const size_t records = (bytes.size() + kRecordPayloadMax - 1) / kRecordPayloadMax;
    transport_.ReserveOutput(bytes.size() + records * kRecordOverheadMax);
  }
  while (!bytes.empty() && !write_failed_) {
    const size_t size = std::min(bytes.size(), size_t{1} << 30);
    const int n = wolfSSL_write(ssl_, bytes.data(), static_cast<int>(size));
    if (n <= 0) {
      write_failed_ = true;
      write_error_ = Error{ErrorCode::kIo, "TLS write failed", 0};
      return;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void TlsStream::StartFlush(std::coroutine_handle<> h) {
  flush_ = transport_.Flush();
  flush_ready_ = flush_.await_ready();
  if (flush_ready_) {
    h.resume();
    return;
  }
  flush_.await_suspend(h);
}

Result<void> TlsStream::TakeFlushResult() {
  Stream::FlushAwaiter flush = std::exchange(flush_, Stream::FlushAwaiter{nullptr});
  if (write_failed_) return std::unexpected(write_error_);
  if (flush.s == nullptr || flush_ready_) return {};
  return flush.await_resume();
}

}  // namespace ringmail
