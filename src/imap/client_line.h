// Client lines that are not commands: IDLE's "DONE" (RFC 2177, RFC 9051 §6.3.13) and the
// responses of an AUTHENTICATE exchange (base64 or "*"). Pure; any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace ringmail::imap {

enum class LineState { kNeedMore, kDone, kTooLong };

struct LineResult {
  LineState state = LineState::kNeedMore;
  size_t consumed = 0;    // kDone: through the line end; otherwise 0
  std::string_view line;  // kDone: the line without CRLF (or LF), a view into the input
};

// Reads one line from the front of `input` (all bytes buffered since the line began).
// kTooLong: more than line_size_max bytes came without a line end: answer BAD and close
// the connection (a client that sends that is not speaking IMAP).
LineResult ReadClientLine(std::string_view input, size_t line_size_max);

// True for the line that ends IDLE: "DONE", ASCII case-insensitive.
bool IsIdleDone(std::string_view line);

}  // namespace ringmail::imap
