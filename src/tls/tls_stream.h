// TlsStream: a TLS session in userspace wolfSSL — the server's side (IMAP, SMTP, HTTP
// listeners) or the client's (the queue's smarthost) — as a Stream over a transport Stream
// (the Connection). wolfSSL's I/O callbacks never touch a socket: the receive callback
// takes ciphertext from transport.buffered() (and Consumes it), answering "want read" when
// there is none; the send callback appends to transport.Write(). So the handshake and every
// read are coroutines driven by the transport's ring completions.
//
// Reading decrypts into a plaintext buffer (at most kPlaintextMax ahead of the session: the
// rest waits as ciphertext in the transport, whose own limit applies back-pressure); Write
// encrypts at once into the transport's output, Flush flushes the transport. close_notify or
// the peer's close reads as kClosed. Memory: the plaintext buffer is released when drained
// (ByteBuffer) and wolfSSL frees its record buffers between records, so an idle session holds
// the wolfSSL object and this one.
//
// One session coroutine drives it, on the transport's core. REQUIRES: the transport outlives
// it; no Read waits when it is destroyed.
#pragma once

#include <coroutine>
#include <memory>
#include <string>

#include "base/byte_buffer.h"
#include "base/result.h"
#include "runtime/stream.h"
#include "runtime/task.h"
#include "tls/client_context.h"
#include "tls/server_context.h"

struct WOLFSSL;

namespace ringmail {

class TlsStream final : public Stream {
 public:
  static constexpr size_t kPlaintextMax = 64 * 1024;
  static constexpr uint32_t kHandshakeTimeoutMs = 10 * 1000;

  // The server's side.
  TlsStream(Stream& transport, std::shared_ptr<const TlsServerContext> context);
  // The client's side, to `server_name` (SNI and the name verified: client_context.h).
  TlsStream(Stream& transport, std::shared_ptr<const TlsClientContext> context,
            std::string_view server_name);
  ~TlsStream() override;
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // The handshake (server or client), each transport read bounded by `handshake_timeout_ms`;
  // afterwards the transport's read timeout is `idle_timeout_ms`. Errors: kTimeout, kClosed,
  // kIo (with wolfSSL's reason: "version: ...", "cipher: ...", "certificate not verified:
  // ..." on the client's side, "protocol: ..."). Once.
  Task<Result<void>> Handshake(uint32_t handshake_timeout_ms, uint32_t idle_timeout_ms);
  // Sends close_notify and flushes (best effort: the peer may be gone).
  Task<void> Close();

  // "TLS1.3", "TLS1.2" after the handshake.
  std::string_view version() const { return version_; }
  // IANA cipher suite name, e.g. "TLS_AES_128_GCM_SHA256".
  std::string_view cipher() const { return cipher_; }
  // The ALPN protocol agreed ("" when none).
  std::string_view alpn() const { return alpn_; }
  // The SNI name the client sent ("" when none); on the client's side, the name asked for.
  std::string_view server_name() const { return server_name_; }
  // Client's side, after a successful handshake: the server's certificate chain and name
  // were verified (false when the context does not verify). Always false on the server's.
  bool verified() const { return verified_; }
  // For the switch to kernel TLS (ktls.h): decrypts every complete record the transport
  // holds and reports whether the input ends on a record boundary with nothing left in the
  // transport (only then may the kernel take over receiving).
  bool DrainForKernel();
  // The plaintext not yet consumed, handed over at the switch; the stream is empty after.
  std::string TakePlaintext();
  // wolfSSL's session; null once released.
  WOLFSSL* session() { return ssl_; }
  // Frees the wolfSSL session once the kernel holds the record layer. The stream must not be
  // used for I/O afterwards.
  void ReleaseSession();

  // Stream.
  std::string_view buffered() override;
  void Consume(size_t n) override;
  void Write(std::string_view bytes) override;
  size_t pending_output() const override { return transport_.pending_output(); }
  const SocketAddress& peer() const override { return transport_.peer(); }
  bool encrypted() const override { return true; }
  std::string_view tls_summary() const override { return summary_; }
  void set_read_timeout_ms(uint32_t ms) override { transport_.set_read_timeout_ms(ms); }
  bool shutdown_requested() const override { return transport_.shutdown_requested(); }
  void InterruptRead() override { transport_.InterruptRead(); }

 private:
  // The coroutine that waits on the transport for a waiting reader: resumed by WaitForRead,
  // it hands control back to the reader by symmetric transfer once plaintext or an end is
  // there. Its frame lives as long as the stream.
  struct Pump {
    struct promise_type;
    std::coroutine_handle<promise_type> handle;
  };

  bool ReadReady() const override;
  void WaitForRead(std::coroutine_handle<> h) override;
  Result<std::string_view> TakeRead() override;
  void StartFlush(std::coroutine_handle<> h) override;
  Result<void> TakeFlushResult() override;

  Pump ReadPump();
  // Points wolfSSL's I/O callbacks at this stream.
  void AttachSession();
  // Records the SNI name and ALPN protocol once the ClientHello is in.
  void NoteHello();
  // Decrypts what the transport holds into plain_, up to kPlaintextMax; records an end.
  void Decrypt();
  void SetError(Error error);
  static int OnReceive(WOLFSSL* ssl, char* buf, int size, void* ctx);
  static int OnSend(WOLFSSL* ssl, char* buf, int size, void* ctx);

  Stream& transport_;
  std::shared_ptr<const void> context_;  // keeps the session's wolfSSL context alive
  WOLFSSL* ssl_ = nullptr;
  bool client_ = false;
  bool client_verifies_ = false;
  bool verified_ = false;
  ByteBuffer plain_;
  size_t returned_ = 0;
  bool has_error_ = false;
  Error error_;
  Error write_error_;
  bool write_failed_ = false;
  bool flush_ready_ = false;
  Stream::FlushAwaiter flush_{nullptr};
  std::coroutine_handle<> reader_;
  std::coroutine_handle<> pump_;
  std::string version_;
  std::string cipher_;
  std::string summary_;
  std::string server_name_;
  std::string alpn_;
  // Record boundaries of the ciphertext handed to wolfSSL (for the kernel switch).
  uint8_t header_[5] = {};
  uint8_t header_size_ = 0;
  size_t record_left_ = 0;
};

}  // namespace ringmail
