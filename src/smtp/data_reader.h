// The message body after DATA (RFC 5321 §4.1.1.4, §4.5.2): dot-unstuffing and the end of
// data, as a state machine fed with whatever the connection read. No I/O. Runs on the
// connection's core; one reader per message; not thread-safe.
//
// End of data is CRLF "." CRLF and nothing else, counting the CRLF of the DATA command line
// (so ".\r\n" first ends an empty message). "\n.\n", "\r.\r", "\r\n.\n", "\n.\r\n" never end
// it (SMTP smuggling: a sender that sees one message must not become two messages here).
//
// Bare CR and bare LF (RFC 5321 §2.3.8) follow the listener's BareNewlinePolicy:
//  - kReject: the bytes are kept as sent, reading goes on to the real end of data, and the
//    message is refused there with 550 5.6.0. Refusing at the end (not closing at once, as
//    for a command line) is possible because our end-of-data rule never depends on them, and
//    it tells the sender exactly which message failed.
//  - kNormalize: each bare LF and bare CR becomes CRLF in the body (a stored body has CRLF
//    line ends only, so a later hop cannot see a line end we did not). A line that starts
//    after a normalized line end is dot-unstuffed like any other, but can never end the data.
//
// Text lines over RFC 5321's 1000 octets (§4.5.3.1.6) are accepted, as Postfix does: real
// mail (HTML generators, long base64 without breaks) has them, refusing loses mail, and the
// blob store does not care. longest_line_size() reports them so the outbound side can
// re-encode before relaying to a strict peer.
//
// The size limit (SIZE, RFC 1870) counts body bytes as they are produced; once over, the rest
// is read and dropped and the message is refused at the end with 552 5.3.4.
//
// Output: the body bytes are appended to a caller-provided std::string (or dropped when it is
// null). Handing out views of the input is not worth it here: unstuffing splits the input at
// every stuffed dot and normalization inserts bytes, and the one copy is cheap next to TLS
// decryption and SHA-256, which touch every byte anyway. The caller flushes the buffer to the
// blob store in large writes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "smtp/line_reader.h"
#include "smtp/reply.h"

namespace ringmail::smtp {

struct BodyOptions {
  BareNewlinePolicy bare_newlines = BareNewlinePolicy::kReject;
  uint64_t message_size_max = 64ull << 20;  // body bytes; 552 5.3.4 beyond
};

enum class BodyOutcome {
  kOk,
  kTooBig,       // 552 5.3.4; takes precedence over kBareNewline
  kBareNewline,  // kReject policy only: 550 5.6.0
};

struct BodyResult {
  bool done = false;  // the message ended; the bytes after `consumed` are the next command
  size_t consumed = 0;
};

class DataReader {
 public:
  explicit DataReader(const BodyOptions& options) : options_(options) {}

  // Consumes `input` up to the end of data (all of it while not done), appending body bytes
  // to *body (null: drop them). The body ends with the CRLF before the final "." (or is
  // empty). After done, every call returns done with consumed 0.
  BodyResult Feed(std::string_view input, std::string* body);

  bool done() const { return state_ == State::kDone; }
  BodyOutcome outcome() const;
  // The reply for outcome() when it is not kOk (the session decides the 250/4xx otherwise).
  SmtpReply ErrorReply() const;
  uint64_t body_size() const { return body_size_; }  // as produced, kept or not
  uint64_t bare_newline_count() const { return bare_newlines_; }
  uint64_t longest_line_size() const { return longest_line_; }  // without its line end

 private:
  enum class State {
    kLineStart,      // after CRLF: a "." here may start the end marker
    kSoftLineStart,  // after a normalized bare CR/LF: unstuffed, never the end
    kText,
    kCr,       // a CR in text; its next byte decides
    kDot,      // "." at kLineStart
    kSoftDot,  // "." at kSoftLineStart
    kDotCr,    // ".\r" at kLineStart
    kDone,
  };

  // Handles data[*pos] (and, in kText, the run of ordinary bytes from there).
  void Step(std::string_view data, size_t* pos, std::string* body);
  void StepText(std::string_view data, size_t* pos, std::string* body);
  void Emit(std::string_view bytes, std::string* body);
  void EndLine(std::string* body);  // a CRLF
  // A bare LF or bare CR (the CR already consumed): counted, then kept or made CRLF.
  void BareNewline(char c, std::string* body);

  BodyOptions options_;
  State state_ = State::kLineStart;
  uint64_t body_size_ = 0;
  uint64_t bare_newlines_ = 0;
  uint64_t line_size_ = 0;
  uint64_t longest_line_ = 0;
  bool too_big_ = false;
};

}  // namespace ringmail::smtp
