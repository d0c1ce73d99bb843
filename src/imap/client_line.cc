#include "imap/client_line.h"

#include "base/ascii.h"

namespace ringmail::imap {

LineResult ReadClientLine(std::string_view input, size_t line_size_max) {
  size_t lf = input.substr(0, line_size_max + 2).find('\n');
  if (lf == std::string_view::npos) {
    return {input.size() > line_size_max + 1 ? LineState::kTooLong : LineState::kNeedMore, 0, {}};
  }
  std::string_view line = input.substr(0, lf);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > line_size_max) return {LineState::kTooLong, 0, {}};
  return {LineState::kDone, lf + 1, line};
}

bool IsIdleDone(std::string_view line) { return EqualsIgnoreCase(line, "DONE"); }

}  // namespace ringmail::imap
