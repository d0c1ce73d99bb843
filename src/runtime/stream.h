// Stream: the byte stream a protocol session reads and writes, whatever carries it — a
// Connection (plain TCP, or kernel TLS after the handshake), a userspace TLS session over a
// Connection, or a test's in-memory script (tests/testing/script_stream.h). A session takes a
// Stream& and never knows which; STARTTLS swaps the stream under it.
//
// Reading: Read() waits for input the caller has not seen yet and returns a view of every
// unconsumed byte, valid until the next Read, Consume or buffered() call; Consume(n) discards
// what the session has used. Writing: Write() queues bytes, Flush() completes when all of them
// are sent. Errors: kClosed (peer closed and all input consumed), kTimeout, kShutdown, kIo.
//
// The awaiters call the implementation's hooks directly: no allocation per operation. One
// session coroutine drives a stream: at most one Read or Flush waits at a time. Lives on one
// core.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "base/socket_address.h"
#include "runtime/task.h"

namespace ringmail {

class Stream {
 public:
  virtual ~Stream() = default;

  struct ReadAwaiter {
    Stream* s;
    bool await_ready() const { return s->ReadReady(); }
    void await_suspend(std::coroutine_handle<> h) { s->WaitForRead(h); }
    Result<std::string_view> await_resume() { return s->TakeRead(); }
  };
  ReadAwaiter Read() { return ReadAwaiter{this}; }
  // Unconsumed input without waiting (possibly empty).
  virtual std::string_view buffered() = 0;
  // Discards the first n bytes of input. REQUIRES: n <= buffered size.
  virtual void Consume(size_t n) = 0;

  // Queues bytes for the next Flush. REQUIRES: no Flush in progress.
  virtual void Write(std::string_view bytes) = 0;
  virtual size_t pending_output() const = 0;
  // A hint that about `bytes` more are going to be written: the stream may grow its output
  // buffer once rather than step by step. No effect by default.
  virtual void ReserveOutput(size_t bytes) { (void)bytes; }

  struct FlushAwaiter {
    Stream* s;
    bool await_ready() const { return s->pending_output() == 0; }
    void await_suspend(std::coroutine_handle<> h) { s->StartFlush(h); }
    Result<void> await_resume() { return s->TakeFlushResult(); }
  };
  FlushAwaiter Flush() { return FlushAwaiter{this}; }

  // The client's address (logs, relay networks, rate limits, trace headers).
  virtual const SocketAddress& peer() const = 0;
  // Whether the bytes travel encrypted (TLS in userspace or in the kernel).
  virtual bool encrypted() const { return false; }
  // For trace headers and logs when encrypted: "TLS1.3 TLS_AES_128_GCM_SHA256"; else empty.
  virtual std::string_view tls_summary() const { return {}; }
  // Bounds the next waiting Read (idle timeouts differ before and after login, and in IDLE).
  virtual void set_read_timeout_ms(uint32_t ms) = 0;
  // The server is draining: finish the current command and say goodbye.
  virtual bool shutdown_requested() const = 0;
  // Makes a waiting Read return kCancelled now (unless input is there: then it returns
  // that), for an event the session must act on while it waits for the client (IMAP IDLE's
  // live updates). No effect when no Read waits. Call from the stream's core, never from
  // inside the session coroutine itself.
  virtual void InterruptRead() = 0;

 protected:
  // The awaiters' hooks. ReadReady: input the caller has not seen, an end, or an error is
  // waiting. TakeRead: after ReadReady or a wake-up. StartFlush: send everything queued and
  // resume `h` when done. TakeFlushResult: the flush's outcome (ok when nothing was queued).
  virtual bool ReadReady() const = 0;
  virtual void WaitForRead(std::coroutine_handle<> h) = 0;
  virtual Result<std::string_view> TakeRead() = 0;
  virtual void StartFlush(std::coroutine_handle<> h) = 0;
  virtual Result<void> TakeFlushResult() = 0;
};

// STARTTLS: what a session calls to turn the plain stream it runs on into an encrypted one.
// The protocol handler, which knows the connection, gives one to the session (null: STARTTLS
// is not offered). The session has sent its "go ahead" reply, flushed it and discarded any
// input the client pipelined after the command (CVE-2011-0411) before calling Upgrade.
// Upgrade performs the server handshake and returns the encrypted stream, which lives as long
// as the upgrader; on failure the connection is unusable and the session ends.
class StreamUpgrader {
 public:
  virtual ~StreamUpgrader() = default;
  virtual Task<Result<Stream*>> Upgrade() = 0;
};

}  // namespace ringmail
