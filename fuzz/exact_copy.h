// For fuzz targets: a heap copy of exactly the input's bytes, so that AddressSanitizer
// catches any read past the end of what a parser was given.
#pragma once

#include <cstring>
#include <memory>
#include <string_view>

namespace ringmail::fuzzing {

struct ExactCopy {
  explicit ExactCopy(std::string_view s) : bytes(new char[s.size() + 1]), size(s.size()) {
    if (!s.empty()) std::memcpy(bytes.get(), s.data(), s.size());
  }
  std::string_view view() const { return {bytes.get(), size}; }
  std::unique_ptr<char[]> bytes;
  size_t size;
};

}  // namespace ringmail::fuzzing
