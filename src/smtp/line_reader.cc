#include "smtp/line_reader.h"

#include <algorithm>

#include "base/ascii.h"

namespace ringmail::smtp {
namespace {

LineResult Error(const SmtpReply& reply, size_t consumed) {
  return {LineStatus::kError, consumed, {}, reply};
}

}  // namespace

size_t LineReader::LineSizeMax(std::string_view input) const {
  if (sasl_response_) return limits_.auth_line_size_max;
  if (input.size() >= 5 && EqualsIgnoreCase(input.substr(0, 5), "AUTH ")) {
    return limits_.auth_line_size_max;
  }
  return limits_.command_line_size_max;
}

LineResult LineReader::Next(std::string_view input) {
  if (skipping_) return Skip(input);
  size_t size_max = std::max<size_t>(LineSizeMax(input), 3);
  size_t content_max = size_max - 2;  // the line without its CRLF
  for (size_t i = std::min(scanned_, input.size()); i < input.size(); ++i) {
    char c = input[i];
    if (c != '\r' && c != '\n') {
      if (i >= content_max) {  // this byte cannot fit: skip the rest of the line
        skipping_ = true;
        scanned_ = 0;
        return Skip(input);
      }
      continue;
    }
    if (c == '\r' && i + 1 == input.size()) {  // a CR whose next byte has not arrived
      scanned_ = i;
      return {LineStatus::kNeedMore, 0, {}, {}};
    }
    bool crlf = c == '\r' && input[i + 1] == '\n';
    if (!crlf && policy_ == BareNewlinePolicy::kReject) {
      scanned_ = 0;
      return Error(c == '\n' ? replies::kBareLf : replies::kBareCr, i + 1);
    }
    if (!crlf && c == '\r') continue;  // kNormalize: stays in the line, the parser refuses it
    scanned_ = 0;
    if (i > content_max) return Error(replies::kLineTooLong, i + (crlf ? 2 : 1));
    return {LineStatus::kLine, i + (crlf ? 2 : 1), input.substr(0, i), {}};
  }
  scanned_ = input.size();
  return {LineStatus::kNeedMore, 0, {}, {}};
}

// Discards the over-long line's bytes up to and including its line end; a CR at the very end
// of the input is left unconsumed until the next byte says whether it starts a CRLF.
LineResult LineReader::Skip(std::string_view input) {
  for (size_t i = 0; i < input.size(); ++i) {
    char c = input[i];
    if (c != '\r' && c != '\n') continue;
    if (c == '\r' && i + 1 == input.size()) return {LineStatus::kNeedMore, i, {}, {}};
    bool crlf = c == '\r' && input[i + 1] == '\n';
    if (!crlf && policy_ == BareNewlinePolicy::kReject) {
      skipping_ = false;
      return Error(c == '\n' ? replies::kBareLf : replies::kBareCr, i + 1);
    }
    if (!crlf && c == '\r') continue;
    skipping_ = false;
    return Error(replies::kLineTooLong, i + (crlf ? 2 : 1));
  }
  return {LineStatus::kNeedMore, input.size(), {}, {}};
}

}  // namespace ringmail::smtp
