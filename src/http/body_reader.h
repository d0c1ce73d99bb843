// BodyReader: a request body the handler pulls piece by piece instead of receiving it whole
// (a large upload), so that memory per request stays bounded whatever the body's size.
//
// The session creates one for a request whose handler asks for it (Handler::StreamsBody) and
// hands it over in Request::body_reader; it lives until the handler's Handle completes. The
// reader decodes Content-Length and chunked bodies (ChunkedDecoder) incrementally from the
// connection, answers "Expect: 100-continue" with "100 Continue" only when the handler first
// reads (a handler that refuses from the head alone answers its final status instead), and
// waits at most ServerLimits::request_timeout_ms for each piece of input (a timeout on
// progress, not on the whole body, which may be large).
//
// Failures are values: Read returns an error and failed_status() says what the session
// answers in place of the handler's response (400 bad chunked coding, 413 over size_max,
// 408 no progress in time; 0 when the peer left and nothing can be answered). The session then
// closes the connection, as it does when the handler returns without reading the body to its
// end (the next request's first byte cannot be found).
//
// Runs on the connection's core, from the handler's coroutine only; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "http/chunked.h"
#include "runtime/stream.h"
#include "runtime/task.h"

namespace ringmail::http {

class BodyReader {
 public:
  struct Framing {
    bool chunked = false;
    uint64_t content_length = 0;  // when !chunked
    bool expect_continue = false;
    uint64_t size_max = 0;  // decoded bytes; 413 beyond (the handler may lower or raise it)
    uint32_t progress_timeout_ms = 30000;
  };
  // REQUIRES: `stream` outlives the reader and nothing else reads it meanwhile.
  BodyReader(Stream* stream, const Framing& framing);

  // The body's size when the head declared it (Content-Length), nullopt when chunked.
  std::optional<uint64_t> content_length() const {
    return framing_.chunked ? std::nullopt : std::optional<uint64_t>(framing_.content_length);
  }
  uint64_t size_max() const { return framing_.size_max; }
  // Sets the bound on the decoded body (413 beyond). REQUIRES: before the first Read.
  void set_size_max(uint64_t size_max);

  // Appends the next decoded bytes to *out: at most piece_max (>= 1) of them, or of a chunked
  // body at most max(piece_max, 16 KiB); false once the body has ended (nothing appended).
  // On error see failed_status().
  Task<Result<bool>> Read(std::string* out, size_t piece_max);

  bool done() const { return done_; }
  uint64_t bytes_read() const { return bytes_read_; }
  // What the session must answer after a failed Read; 0: nothing (the peer is gone).
  int failed_status() const { return failed_status_; }
  const char* failed_reason() const { return failed_reason_; }

 private:
  // Waits for more input (flushing a queued 100 Continue first). Error: the peer left, or the
  // progress timeout (failed_status_ 408).
  Task<Result<void>> WaitForInput();
  std::unexpected<Error> Fail(int status, const char* reason);
  // One step over what is buffered: appends decoded bytes, sets done_. Error: failed.
  Result<void> TakeBuffered(std::string* out, size_t piece_max);

  Stream* stream_;
  Framing framing_;
  ChunkedDecoder decoder_;
  bool started_ = false;
  bool done_ = false;
  uint64_t bytes_read_ = 0;
  int failed_status_ = 0;
  const char* failed_reason_ = "";
};

}  // namespace ringmail::http
