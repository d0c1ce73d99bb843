// Framing of SMTP command lines (and SASL response lines) from the connection's byte stream.
// No I/O: the session passes its unconsumed input, gets one line, a protocol error or "need
// more" back, and drops the consumed bytes. Several pipelined commands in one read
// (RFC 2920) come out one per call. Runs on the connection's core; not thread-safe.
//
// Line ends. RFC 5321 §2.3.8: a line ends in CRLF, and CR and LF must not appear otherwise.
// A server that takes a bare LF as a line end where the client (or a proxy in front of us)
// does not is how commands are smuggled, so a bare LF or bare CR is handled by policy, the
// way Postfix's smtpd_forbid_bare_newline does:
//  - kReject: the reply is 521 5.5.2 with `close` set (the session sends it and closes);
//    once the framing is in doubt nothing after it can be trusted. A bare CR is treated the
//    same (Postfix passes it through; sendmail's 'u' option refuses it).
//  - kNormalize: a bare LF ends the line as CRLF would (for old clients and scripts); a bare
//    CR stays in the line, where the command parser refuses it as a control character.
//
// Over-long lines (RFC 5321 §4.5.3.1.4, 500 5.5.2): as soon as a line cannot fit, the reader
// skips its bytes without buffering them (consumed counts them) and reports the error once
// the line has ended, so the reply stays in step with the client's pipelined commands.
#pragma once

#include <cstddef>
#include <string_view>

#include "smtp/reply.h"

namespace ringmail::smtp {

enum class BareNewlinePolicy { kReject, kNormalize };

struct LineLimits {
  // RFC 5321 §4.5.3.1.4 says 512 with the CRLF, and lets extensions raise it (§4.5.3.1.1):
  // RFC 1870 SIZE (+26), RFC 3461 DSN (ENVID 100, ORCPT 500, with their keywords), RFC 4954
  // AUTH= (+500), RFC 6531 UTF-8 paths (each octet of a 256-octet path may be escaped by a
  // client that does not know better). 4096 covers every combination with room to spare
  // (twice Postfix's line_length_limit default of 2048).
  size_t command_line_size_max = 4096;  // with the CRLF
  // AUTH command lines and SASL response lines: RFC 4954 §4 has servers accept responses of
  // at least 12288 octets (GSSAPI tokens, XOAUTH2 bearer tokens).
  size_t auth_line_size_max = 12288;  // with the CRLF
};

enum class LineStatus {
  kNeedMore,  // no complete line yet; drop `consumed` bytes, read more, call again
  kLine,      // `line` is the next command line; drop `consumed` bytes after acting on it
  kError,     // answer `reply` (close the connection if reply.close); drop `consumed` bytes
};

struct LineResult {
  LineStatus status = LineStatus::kNeedMore;
  // Bytes of the input the reader is finished with (<= its size). kLine: the line and its
  // line end. kNeedMore: 0, or the part of an over-long line skipped so far. kError: through
  // the end of the offending line (over-long), or up to the bare CR/LF (kReject).
  size_t consumed = 0;
  // kLine: the line without its line end; points into the input passed to Next and is valid
  // as long as those bytes are.
  std::string_view line;
  SmtpReply reply;  // kError
};

class LineReader {
 public:
  explicit LineReader(BareNewlinePolicy policy, const LineLimits& limits = {})
      : policy_(policy), limits_(limits) {}

  // `input`: the bytes not consumed by earlier calls, followed by any that arrived since.
  // Returns the first line (or error) in it. Work per call is proportional to the new bytes:
  // the scan resumes where the last kNeedMore stopped.
  LineResult Next(std::string_view input);

  // While on, every line is a SASL response (the AUTH exchange after a 334) and may be up to
  // auth_line_size_max. The session turns it on after a 334 and off when AUTH completes.
  void set_sasl_response(bool on) { sasl_response_ = on; }

 private:
  // The limit for the line starting at input[0]: the AUTH limit for SASL responses and for
  // "AUTH " command lines.
  size_t LineSizeMax(std::string_view input) const;
  LineResult Skip(std::string_view input);

  BareNewlinePolicy policy_;
  LineLimits limits_;
  bool sasl_response_ = false;
  bool skipping_ = false;  // inside an over-long line, discarding up to its end
  size_t scanned_ = 0;     // bytes of the current line already checked (no line end in them)
};

}  // namespace ringmail::smtp
