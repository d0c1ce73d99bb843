#include "smtp/data_reader.h"

#include <algorithm>

namespace ringmail::smtp {

BodyOutcome DataReader::outcome() const {
  if (too_big_) return BodyOutcome::kTooBig;
  if (bare_newlines_ > 0 && options_.bare_newlines == BareNewlinePolicy::kReject) {
    return BodyOutcome::kBareNewline;
  }
  return BodyOutcome::kOk;
}

SmtpReply DataReader::ErrorReply() const {
  return outcome() == BodyOutcome::kTooBig ? replies::kMessageTooBig
                                           : replies::kBareNewlineInMessage;
}

void DataReader::Emit(std::string_view bytes, std::string* body) {
  if (bytes.empty()) return;
  body_size_ += bytes.size();
  if (body_size_ > options_.message_size_max) too_big_ = true;
  if (body != nullptr && !too_big_) body->append(bytes);
}

void DataReader::EndLine(std::string* body) {
  Emit("\r\n", body);
  longest_line_ = std::max(longest_line_, line_size_);
  line_size_ = 0;
}

void DataReader::BareNewline(char c, std::string* body) {
  ++bare_newlines_;
  if (options_.bare_newlines == BareNewlinePolicy::kNormalize) {
    EndLine(body);
    state_ = State::kSoftLineStart;
  } else {
    Emit(std::string_view(&c, 1), body);
    ++line_size_;
    state_ = State::kText;
  }
}

BodyResult DataReader::Feed(std::string_view input, std::string* body) {
  if (state_ == State::kDone) return {true, 0};
  size_t pos = 0;
  while (pos < input.size()) {
    Step(input, &pos, body);
    if (state_ == State::kDone) return {true, pos};
  }
  return {false, pos};
}

// Ordinary bytes up to the next CR or LF go out in one piece.
void DataReader::StepText(std::string_view data, size_t* pos, std::string* body) {
  size_t start = *pos;
  size_t end = start;
  while (end < data.size() && data[end] != '\r' && data[end] != '\n') ++end;
  Emit(data.substr(start, end - start), body);
  line_size_ += end - start;
  *pos = end;
  if (end == data.size()) return;
  ++*pos;
  if (data[end] == '\r') {
    state_ = State::kCr;
  } else {
    BareNewline('\n', body);
  }
}

void DataReader::Step(std::string_view data, size_t* pos, std::string* body) {
  char c = data[*pos];
  switch (state_) {
    case State::kLineStart:
    case State::kSoftLineStart:
      if (c == '.') {
        state_ = state_ == State::kLineStart ? State::kDot : State::kSoftDot;
        ++*pos;
        return;
      }
      state_ = State::kText;
      return StepText(data, pos, body);
    case State::kText: return StepText(data, pos, body);
    case State::kCr:
      if (c == '\n') {
        ++*pos;
        EndLine(body);
        state_ = State::kLineStart;
        return;
      }
      return BareNewline('\r', body);  // c is handled next, in the state this leaves
    case State::kDot:
      if (c == '\r') {
        ++*pos;
        state_ = State::kDotCr;
        return;
      }
      [[fallthrough]];
    case State::kSoftDot:
      // RFC 5321 §4.5.2: a leading dot is dropped when the line has more characters. A "."
      // line that is not the end marker (cut by a bare line end, or after a soft line start)
      // keeps its dot.
      if (c == '\r' || c == '\n') {
        Emit(".", body);
        ++line_size_;
      }
      state_ = State::kText;
      if (c == '.') {  // ".." -> "."
        Emit(".", body);
        ++line_size_;
        ++*pos;
        return;
      }
      return StepText(data, pos, body);
    case State::kDotCr:
      if (c == '\n') {
        ++*pos;
        longest_line_ = std::max(longest_line_, line_size_);
        state_ = State::kDone;
        return;
      }
      Emit(".", body);  // ".\r" + other: a bare CR after a kept dot
      ++line_size_;
      return BareNewline('\r', body);
    case State::kDone: return;
  }
}

}  // namespace ringmail::smtp
