#include "imap/parser.h"

#include <algorithm>

#include "imap/command_parsers.h"

namespace ringmail::imap {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Finds a literal marker ("{N}", "{N+}", "~{N}", "~{N+}") at the end of a line's text.
bool FindMarker(std::string_view text, uint64_t* size, bool* non_sync, bool* binary) {
  if (text.empty() || text.back() != '}') return false;
  size_t end = text.size() - 1;
  *non_sync = end > 0 && text[end - 1] == '+';
  if (*non_sync) --end;
  size_t begin = end;
  while (begin > 0 && IsDigit(text[begin - 1])) --begin;
  if (begin == end || begin == 0 || text[begin - 1] != '{') return false;
  *binary = begin >= 2 && text[begin - 2] == '~';
  *size = 0;
  for (char c : text.substr(begin, end - begin)) {
    if (*size > (UINT64_MAX - 9) / 10) {
      *size = UINT64_MAX;  // cannot fit any limit
      break;
    }
    *size = *size * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

// The tag at the start of a command's text, if it is a well-formed one.
std::string ExtractTag(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && IsTagChar(text[i])) ++i;
  if (i == 0 || (i < text.size() && text[i] != ' ')) return {};
  return std::string(text.substr(0, i));
}

// The command text capacity kept between commands.
constexpr size_t kTextKeptMax = 1024;

// The discard scanner's states: what of a literal marker the discarded line ends with.
enum ScanState { kScanNone, kScanOpen, kScanDigits, kScanPlus, kScanSync, kScanNonSync };

}  // namespace

ReadResult CommandReader::Feed(std::string_view input) {
  size_t pos = 0;
  ReadResult result;
  auto data_done = [&] {  // a literal (or one being skipped) has all its data
    return (state_ == State::kLiteral || state_ == State::kDiscardData) && literal_left_ == 0;
  };
  while (pos < input.size() || data_done()) {
    switch (state_) {
      case State::kLine:
        if (ReadLine(input, &pos, &result)) return result;
        break;
      case State::kLiteral: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(literal_left_, input.size() - pos));
        literals_.back().data.append(input.substr(pos, n));
        pos += n;
        literal_left_ -= n;
        if (literal_left_ == 0) state_ = State::kLine;  // the line goes on after the literal
        break;
      }
      case State::kDiscardLine:
      case State::kDiscardData:
        Discard(input, &pos);
        if (state_ == State::kLine && error_pending_) {
          error_pending_ = false;
          return {ReadState::kError, pos, 0};
        }
        break;
    }
  }
  return {ReadState::kNeedMore, pos, 0};  // with error_pending_: the bad command goes on
}

// Appends input from *pos up to the end of the line (or of the input) to text_. Returns true
// with *result set when the Feed must return it.
bool CommandReader::ReadLine(std::string_view input, size_t* pos, ReadResult* result) {
  size_t lf = input.find('\n', *pos);
  size_t end = lf == std::string_view::npos ? input.size() : lf;
  size_t n = end - *pos;
  size_t room = limits_.line_size_max - text_.size();
  bool too_long = n > room;
  if (too_long) n = room;
  for (char c : input.substr(*pos, n)) {
    if (escape_) {
      escape_ = false;
    } else if (in_quote_ && c == '\\') {
      escape_ = true;
    } else if (c == '"') {
      in_quote_ = !in_quote_;
    }
  }
  text_.append(input.substr(*pos, n));
  *pos += n;
  if (too_long) {
    SetError(ErrorStatus::kBad, "TOOBIG", "command line too long");
    state_ = State::kDiscardLine;
    scan_state_ = kScanNone;
    error_pending_ = true;
    return false;
  }
  if (lf == std::string_view::npos) return false;
  *pos = lf + 1;
  if (!text_.empty() && text_.back() == '\r') text_.pop_back();
  bool quoted = in_quote_;
  in_quote_ = escape_ = false;
  if (text_.empty() && literals_.empty()) return false;  // an empty line between commands
  uint64_t size;
  bool non_sync, binary;
  // The marker of the literal just read is not a new one: the line after it was empty.
  size_t line_begin = literals_.empty() ? 0 : literals_.back().marker_end;
  if (quoted ||
      !FindMarker(std::string_view(text_).substr(line_begin), &size, &non_sync, &binary)) {
    return EndOfLine(*pos, result);
  }
  return StartLiteral(size, non_sync, binary, *pos, result);
}

// The command's last line has ended: parse it.
bool CommandReader::EndOfLine(size_t pos, ReadResult* result) {
  Cursor cursor(text_, literals_, utf8_);
  Command command;
  if (ParseCommand(cursor, &command)) {
    command_ = std::move(command);
    *result = {ReadState::kDone, pos, 0};
  } else {
    error_ = {std::move(command.tag), ErrorStatus::kBad, "", cursor.reason()};
    *result = {ReadState::kError, pos, 0};
  }
  ResetCommand();
  return true;
}

// A line ended with a literal marker: accept the literal or refuse the command.
bool CommandReader::StartLiteral(uint64_t size, bool non_sync, bool binary, size_t pos,
                                 ReadResult* result) {
  if (!head_checked_) {  // refuse an unknown command before asking for its literal
    head_checked_ = true;
    Cursor cursor(text_, {}, utf8_);
    Command head;
    if (!ParseCommandHead(cursor, &head)) {
      return Refuse(size, non_sync, pos, ErrorStatus::kBad, "", cursor.reason(), result);
    }
    append_ = head.name == CommandName::kAppend || head.name == CommandName::kReplace;
  }
  if (size > (append_ ? limits_.append_size_max : limits_.literal_size_max)) {
    return append_ ? Refuse(size, non_sync, pos, ErrorStatus::kNo, "TOOBIG",
                            "message larger than APPENDLIMIT", result)
                   : Refuse(size, non_sync, pos, ErrorStatus::kBad, "TOOBIG", "literal too large",
                            result);
  }
  if (non_sync && size > limits_.non_sync_literal_size_max) {
    return Refuse(size, non_sync, pos, ErrorStatus::kBad, "TOOBIG",
                  "non-synchronizing literal too large (LITERAL-)", result);
  }
  if (size > limits_.command_size_max - literal_total_) {
    return Refuse(size, non_sync, pos, ErrorStatus::kNo, "TOOBIG", "command too large", result);
  }
  literal_total_ += size;
  literals_.push_back(LiteralData{text_.size(), binary, {}});
  literal_left_ = size;
  state_ = State::kLiteral;
  if (non_sync) return false;
  *result = {ReadState::kNeedContinuation, pos, size};
  return true;
}

bool CommandReader::Refuse(uint64_t size, bool non_sync, size_t pos, ErrorStatus status,
                           const char* code, const char* text, ReadResult* result) {
  SetError(status, code, text);
  ResetCommand();
  if (!non_sync) {  // the client waits for "+": it will not send the data
    *result = {ReadState::kError, pos, 0};
    return true;
  }
  state_ = State::kDiscardData;
  literal_left_ = size;
  error_pending_ = true;
  return false;
}

// Skips the data of a refused command from input[*pos]: until the end of its line, and the
// data of any non-synchronizing literal announced there. Leaves state_ kLine when done.
void CommandReader::Discard(std::string_view input, size_t* pos) {
  while (*pos < input.size() || (state_ == State::kDiscardData && literal_left_ == 0)) {
    if (state_ == State::kDiscardData) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(literal_left_, input.size() - *pos));
      *pos += n;
      literal_left_ -= n;
      if (literal_left_ == 0) {
        state_ = State::kDiscardLine;
        scan_state_ = kScanNone;
      }
      continue;
    }
    char c = input[(*pos)++];
    if (c == '\n') {
      if (scan_state_ != kScanNonSync) {
        ResetCommand();
        return;
      }
      state_ = State::kDiscardData;
      literal_left_ = scan_size_;
    } else if (c == '{') {
      scan_state_ = kScanOpen;
      scan_size_ = 0;
    } else if (IsDigit(c) && (scan_state_ == kScanOpen || scan_state_ == kScanDigits)) {
      scan_state_ = kScanDigits;
      scan_size_ = scan_size_ > (UINT64_MAX - 9) / 10 ? UINT64_MAX : scan_size_ * 10 + (c - '0');
    } else if (c == '+' && scan_state_ == kScanDigits) {
      scan_state_ = kScanPlus;
    } else if (c == '}' && (scan_state_ == kScanDigits || scan_state_ == kScanPlus)) {
      scan_state_ = scan_state_ == kScanPlus ? kScanNonSync : kScanSync;
    } else if (!(c == '\r' && (scan_state_ == kScanSync || scan_state_ == kScanNonSync))) {
      scan_state_ = kScanNone;
    }
  }
}

void CommandReader::SetError(ErrorStatus status, const char* code, const char* text) {
  error_ = {ExtractTag(text_), status, code, text};
}

void CommandReader::ResetCommand() {
  state_ = State::kLine;
  // A long command's buffers are freed, not kept for the connection's life (an idle
  // connection's memory is docs/imap.md's per-connection budget).
  if (text_.capacity() > kTextKeptMax) {
    std::string().swap(text_);
  } else {
    text_.clear();
  }
  std::vector<LiteralData>().swap(literals_);
  in_quote_ = escape_ = false;
  head_checked_ = append_ = false;
  literal_left_ = literal_total_ = 0;
  scan_state_ = kScanNone;
}

}  // namespace ringmail::imap
