// The IMAP command reader: client bytes in, typed commands (command.h) out. No socket, no
// state beyond the command being read; one reader per connection, on its core.
//
// The session owns the connection's read buffer and calls Feed with the bytes not yet
// consumed; the reader copies what it needs (the command's text, each literal's data into
// its own string), so the session drops result.consumed bytes after every call:
//
//   kNeedMore:         everything given was consumed; read more and Feed it.
//   kNeedContinuation: a synchronizing literal of literal_size bytes was announced and is
//                      acceptable. Send "+ Ready for literal data", then Feed what follows
//                      (bytes after `consumed` may already be there: Feed them too).
//   kDone:             TakeCommand() holds the command. It ended at input[consumed]; the bytes
//                      after it are the next command (pipelining), or IDLE's DONE line or
//                      AUTHENTICATE's responses (client_line.h) if the command was one of those.
//   kError:            error() tells what to answer: "<tag> BAD [code] text" (or NO), or
//                      "* BAD ..." when the line had no recognisable tag. Then Feed on.
//
// A command is refused once all of it has been read: kError's `consumed` ends exactly where
// the bad command ends, as when it parses. Where the refusal is decided earlier (a line over
// line_size_max, a non-synchronizing literal over its limit, an unknown command before its
// literal), the reader skips the rest of the command without storing it (the rest of its
// line, and the data of any non-synchronizing literal announced at the end of a line),
// returning kNeedMore meanwhile. A synchronizing literal that is refused ends the command
// there: the client waits for "+" or the tagged answer, so it never sends the data.
// So outcomes and their offsets do not depend on how the bytes were cut into Feeds.
//
// Limits, checked as bytes arrive and before anything is buffered: a literal over its limit
// is refused when its marker line ends, so its data is never stored. Lines end in LF, with
// or without a CR before it (RFC 9051 asks for CRLF; telnet-style clients send LF). Empty
// lines between commands are skipped. Each Feed costs O(input size).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "imap/command.h"
#include "imap/cursor.h"

namespace ringmail::imap {

struct Limits {
  // A command's bytes outside its literals (all its lines together). RFC 7162 §4 asks
  // servers to take command lines of 8192 octets at least.
  size_t line_size_max = 64 * 1024;
  // One literal of any command except APPEND and REPLACE (mailbox names, search strings).
  uint64_t literal_size_max = 64 * 1024;
  // One literal of APPEND or REPLACE: the APPENDLIMIT we advertise (RFC 7889), from config.
  uint64_t append_size_max = 64ull << 20;
  // A non-synchronizing literal ("{N+}"): 4096 for LITERAL- (IMAP4rev2, RFC 7888); with
  // LITERAL+ the other limits alone apply (set this to UINT64_MAX).
  uint64_t non_sync_literal_size_max = 4096;
  // All literals of one command together (MULTIAPPEND sends several messages).
  uint64_t command_size_max = 256ull << 20;
};

enum class ReadState { kNeedMore, kNeedContinuation, kDone, kError };

struct ReadResult {
  ReadState state = ReadState::kNeedMore;
  size_t consumed = 0;        // <= the input's size
  uint64_t literal_size = 0;  // kNeedContinuation: the announced size
};

enum class ErrorStatus : uint8_t { kBad, kNo };

// What to answer to a command that cannot be run.
struct CommandError {
  std::string tag;  // "" when none could be read: answer untagged ("* BAD ...")
  ErrorStatus status = ErrorStatus::kBad;
  const char* code = "";  // a response code without brackets ("TOOBIG"), or ""; static
  const char* text = "";  // human-readable; static
};

class CommandReader {
 public:
  explicit CommandReader(const Limits& limits = {}) : limits_(limits) {}

  ReadResult Feed(std::string_view input);

  // The command of the last kDone, moved out. REQUIRES: the last Feed returned kDone.
  Command TakeCommand() { return std::move(command_); }
  // The answer for the last kError.
  const CommandError& error() const { return error_; }

  // Mailbox names are UTF-8 from now on (IMAP4rev2 selected, or UTF8=ACCEPT enabled), not
  // modified UTF-7. Takes effect for commands parsed from now on.
  void set_utf8(bool utf8) { utf8_ = utf8; }
  // True while the rest of a refused command is being skipped.
  bool discarding() const { return state_ == State::kDiscardLine || state_ == State::kDiscardData; }
  // Heap bytes the reader keeps between commands (at most 1 KiB of command text; a longer
  // command's buffer is freed when it ends); for memory accounting in tests.
  size_t buffer_bytes() const { return text_.capacity() + literals_.capacity(); }

 private:
  enum class State { kLine, kLiteral, kDiscardLine, kDiscardData };

  // Steps of Feed: each returns true with *result set when Feed must return it.
  bool ReadLine(std::string_view input, size_t* pos, ReadResult* result);
  bool EndOfLine(size_t pos, ReadResult* result);
  bool StartLiteral(uint64_t size, bool non_sync, bool binary, size_t pos, ReadResult* result);
  bool Refuse(uint64_t size, bool non_sync, size_t pos, ErrorStatus status, const char* code,
              const char* text, ReadResult* result);
  void Discard(std::string_view input, size_t* pos);
  void SetError(ErrorStatus status, const char* code, const char* text);
  void ResetCommand();

  Limits limits_;
  bool utf8_ = false;
  State state_ = State::kLine;
  std::string text_;                   // the command so far, as Cursor wants it
  std::vector<LiteralData> literals_;  // the command's literals so far
  bool in_quote_ = false;              // scanning text_: inside a quoted string
  bool escape_ = false;                // ... right after its backslash
  bool head_checked_ = false;          // the tag and name were checked (at the first literal)
  bool append_ = false;                // the command is APPEND or REPLACE
  uint64_t literal_left_ = 0;          // kLiteral, kDiscardData: bytes still to come
  uint64_t literal_total_ = 0;         // all literal bytes of this command
  bool error_pending_ = false;         // an error was decided; report it when the command ends
  // kDiscardLine: a marker recognised at the end of the discarded line, so far.
  int scan_state_ = 0;
  uint64_t scan_size_ = 0;
  Command command_;
  CommandError error_;
};

}  // namespace ringmail::imap
