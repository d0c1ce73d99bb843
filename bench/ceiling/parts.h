// Splitting a protocol string into its separated parts, without copies (the IMAP ceiling's
// sequence sets and address lists).
#pragma once

#include <cstddef>
#include <string_view>

namespace ringmail::bench {

// Calls f(part) for each `separator`-separated part of `text` (empty parts included).
template <typename F>
void ForEachPart(std::string_view text, char separator, F f) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(separator, pos);
    if (end == std::string_view::npos) end = text.size();
    f(text.substr(pos, end - pos));
    pos = end + 1;
  }
}

}  // namespace ringmail::bench
