// DeflateStream: COMPRESS=DEFLATE (RFC 4978) as a Stream over the session's transport Stream
// (a Connection, or a TlsStream: compression sits above TLS, never below it).
//
// Reading inflates what the transport holds into a plaintext buffer, at most kPlaintextMax
// ahead of the session: the rest waits compressed in the transport, whose own limits apply
// back-pressure, so a small input that inflates hugely costs no more than that. Corrupt data
// reads as kIo, a final deflate block as kClosed. Writing compresses at once into the
// transport's output (Z_NO_FLUSH); Flush ends the burst with Z_SYNC_FLUSH and flushes the
// transport, so the client can decompress every response it was sent.
//
// Memory: deflate_codec.h (about 77 KiB per compressed connection with the plaintext buffer
// drained) plus the plaintext buffer while input waits (ByteBuffer: released when drained).
//
// One session coroutine drives it, on the transport's core. REQUIRES: the transport outlives
// it; no Read waits when it is destroyed.
#pragma once

#include <coroutine>
#include <memory>
#include <string>

#include "base/byte_buffer.h"
#include "base/result.h"
#include "imap/deflate_codec.h"
#include "runtime/stream.h"

namespace ringmail::imap {

class DeflateStream final : public Stream {
 public:
  static constexpr size_t kPlaintextMax = 64 * 1024;

  // kUnavailable when zlib cannot allocate its state.
  static Result<std::unique_ptr<DeflateStream>> Create(Stream& transport);
  explicit DeflateStream(Stream& transport) : transport_(transport) {}
  ~DeflateStream() override;
  DeflateStream(const DeflateStream&) = delete;
  DeflateStream& operator=(const DeflateStream&) = delete;

  // Stream.
  std::string_view buffered() override;
  void Consume(size_t n) override;
  void Write(std::string_view bytes) override;
  size_t pending_output() const override {
    return transport_.pending_output() + (unflushed_ ? 1 : 0);
  }
  const SocketAddress& peer() const override { return transport_.peer(); }
  bool encrypted() const override { return transport_.encrypted(); }
  std::string_view tls_summary() const override { return transport_.tls_summary(); }
  void set_read_timeout_ms(uint32_t ms) override { transport_.set_read_timeout_ms(ms); }
  bool shutdown_requested() const override { return transport_.shutdown_requested(); }
  void InterruptRead() override { transport_.InterruptRead(); }

 private:
  // As TlsStream's: waits on the transport for a waiting reader and hands control back by
  // symmetric transfer once plaintext or an end is there. Its frame lives as long as the
  // stream.
  struct Pump {
    struct promise_type;
    std::coroutine_handle<promise_type> handle;
  };

  bool ReadReady() const override { return plain_.size() > returned_ || has_error_; }
  void WaitForRead(std::coroutine_handle<> h) override;
  Result<std::string_view> TakeRead() override;
  void StartFlush(std::coroutine_handle<> h) override;
  Result<void> TakeFlushResult() override;

  Pump ReadPump();
  // Inflates what the transport holds into plain_, up to kPlaintextMax; records an end.
  void Inflate();
  void SetError(Error error);

  Stream& transport_;
  Inflater inflater_;
  Deflater deflater_;
  ByteBuffer plain_;
  size_t returned_ = 0;
  bool has_error_ = false;
  Error error_;
  std::string compressed_;  // Write's scratch, handed to the transport
  bool unflushed_ = false;  // bytes went into the deflater since the last sync flush
  bool write_failed_ = false;
  bool flush_ready_ = false;
  Stream::FlushAwaiter flush_{nullptr};
  std::coroutine_handle<> reader_;
  std::coroutine_handle<> pump_;
};

}  // namespace ringmail::imap
