// The message body sent in BDAT chunks (RFC 3030 CHUNKING): exact byte counts, no
// dot-stuffing, no end marker, so nothing in the content can end the message early. No I/O.
// Runs on the connection's core; one reader per message (all its chunks); not thread-safe.
//
// Line ends: with BODY=7BIT/8BITMIME (or none) the content is still text, and bare CR/LF get
// the listener's BareNewlinePolicy as in DataReader (kReject: refused after the LAST chunk
// with 550 5.6.0; kNormalize: made CRLF). A CR at the end of a chunk waits for the next
// chunk's first byte. With BODY=BINARYMIME (set_binary) bytes are kept as they are.
//
// The size limit counts body bytes as produced, across chunks; once over, the rest is read
// and dropped and the message is refused with 552 5.3.4. A chunk whose declared size alone
// goes over is known to be too big at StartChunk; its bytes must still be read (RFC 3030 §2:
// the server reads every chunk it refuses, to stay in step).
//
// Output as DataReader: appended to a caller-provided std::string (null: dropped).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "smtp/data_reader.h"

namespace ringmail::smtp {

class BdatReader {
 public:
  explicit BdatReader(const BodyOptions& options) : options_(options) {}

  // BODY=BINARYMIME: no line-end checks or changes.
  void set_binary(bool binary) { binary_ = binary; }

  // Starts the next chunk, of `size` bytes; `last` for BDAT ... LAST. `body` as in Feed: a
  // "BDAT 0 LAST" ends the message here, and a CR held back from the previous chunk goes out.
  // REQUIRES: the previous chunk is complete (chunk_done()) and the message is not.
  void StartChunk(uint64_t size, bool last, std::string* body);

  // Consumes up to the rest of the current chunk from `input`; done when it is complete (the
  // bytes after `consumed` are the next command).
  BodyResult Feed(std::string_view input, std::string* body);

  bool chunk_done() const { return chunk_left_ == 0; }
  bool message_done() const { return last_ && chunk_left_ == 0; }
  BodyOutcome outcome() const;
  SmtpReply ErrorReply() const;  // for outcome() != kOk
  uint64_t body_size() const { return body_size_; }
  uint64_t bare_newline_count() const { return bare_newlines_; }

 private:
  void Emit(std::string_view bytes, std::string* body);
  void BareNewline(char c, std::string* body);
  void FeedText(std::string_view data, std::string* body);

  BodyOptions options_;
  bool binary_ = false;
  bool last_ = false;
  bool pending_cr_ = false;  // text mode: the last byte was a CR, its LF not yet seen
  uint64_t chunk_left_ = 0;
  uint64_t body_size_ = 0;
  uint64_t bare_newlines_ = 0;
  bool too_big_ = false;
};

}  // namespace ringmail::smtp
