// The chunked transfer coding (RFC 9112 §7.1): an incremental decoder for request bodies
// (servers) and response bodies (the S3 client), and the two calls that encode one.
// Runs on any core; pure code, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/parser.h"

namespace ringmail::http {

// Bounds on one chunked body, each checked where its bytes arrive.
struct ChunkedLimits {
  uint64_t body_size_max = 1024 * 1024;  // decoded payload; 413 as soon as a size exceeds it
  size_t line_size_max = 4 * 1024;       // a chunk-size line with extensions and CRLF; 400
  size_t trailer_size_max = 8 * 1024;    // the trailer section with its final CRLF; 431
};

// Decodes one chunked body fed in pieces as they arrive. Chunk extensions and trailer fields
// are checked for syntax and dropped. Like the head parsers it is strict: every line ends in
// CRLF, and a bare CR or LF (a known smuggling vector in chunk lines) is a 400.
//
//   kNeedMore: data[0, consumed) was used (payload appended to *body_out). The rest, if any,
//              is the start of a line that is not complete yet: keep it, append what arrives
//              next, and pass it again at the front of the next Feed.
//   kDone:     the body ended at data[consumed]; what follows belongs to the next message.
//   kError:    400 (malformed size, extension, CRLF or trailer; size over 2^64), 413 (payload
//              over body_size_max) or 431 (trailers over trailer_size_max). Close the
//              connection; *body_out may hold part of the payload.
//
// After kDone or kError every Feed returns the same state with consumed 0, until Reset().
// Not thread-safe; one decoder per message, on the connection's core.
class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(const ChunkedLimits& limits = {}) : limits_(limits) {}

  // Appends the payload in `data` to *body_out, or drops it when body_out is null (to skip
  // a body one does not want while keeping the connection in step).
  ParseResult Feed(std::string_view data, std::string* body_out);

  bool done() const { return state_ == State::kDone; }
  uint64_t body_size() const { return body_size_; }  // payload decoded so far

  // Makes the decoder ready for the next body, with the same limits.
  void Reset() { *this = ChunkedDecoder(limits_); }

 private:
  enum class State { kSizeLine, kData, kDataCrlf, kTrailer, kDone, kError };

  // Each step consumes from data[*pos] on and returns nothing to go on with the new state_,
  // or the result that ends this Feed.
  std::optional<ParseResult> ReadSizeLine(std::string_view data, size_t* pos);
  std::optional<ParseResult> ReadData(std::string_view data, size_t* pos, std::string* body_out);
  std::optional<ParseResult> ReadDataCrlf(std::string_view data, size_t* pos);
  std::optional<ParseResult> ReadTrailerLine(std::string_view data, size_t* pos);
  ParseResult Fail(int status, const char* reason, size_t pos);

  ChunkedLimits limits_;
  State state_ = State::kSizeLine;
  uint64_t chunk_left_ = 0;  // payload bytes of the current chunk still to come
  uint64_t body_size_ = 0;   // <= limits_.body_size_max
  size_t trailer_size_ = 0;  // <= limits_.trailer_size_max
  ParseResult error_;
};

// Appends `data` as one chunk: hex size, CRLF, data, CRLF. Empty data appends nothing, since
// an empty chunk would end the body.
void AppendChunk(std::string* out, std::string_view data);

// Appends the last chunk and the empty trailer section: "0\r\n\r\n".
void AppendLastChunk(std::string* out);

}  // namespace ringmail::http
