#include "http/range.h"

#include <charconv>

#include "base/ascii.h"

namespace ringmail::http {
namespace {

// A non-empty run of digits that fits 64 bits.
bool ParseDigits(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return error == std::errc() && end == s.data() + s.size();
}

ByteRange Whole() { return ByteRange{}; }
ByteRange Unsatisfiable() { return ByteRange{ByteRange::Kind::kUnsatisfiable, 0, 0}; }

}  // namespace

ByteRange ParseByteRange(std::string_view field, uint64_t size) {
  field = TrimSpaceTab(field);
  constexpr std::string_view kUnit = "bytes=";
  if (field.size() < kUnit.size() || !EqualsIgnoreCase(field.substr(0, kUnit.size()), kUnit)) {
    return Whole();
  }
  const std::string_view spec = TrimSpaceTab(field.substr(kUnit.size()));
  if (spec.find(',') != std::string_view::npos) return Whole();  // several ranges: ignored
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return Whole();
  const std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
  uint64_t first = 0, last = 0;
  if (a.empty()) {  // suffix: the last n bytes
    if (!ParseDigits(b, &last)) return Whole();
    if (last == 0 || size == 0) return Unsatisfiable();
    const uint64_t n = last < size ? last : size;
    return ByteRange{ByteRange::Kind::kPartial, size - n, n};
  }
  if (!ParseDigits(a, &first)) return Whole();
  if (b.empty()) {
    last = UINT64_MAX;
  } else if (!ParseDigits(b, &last) || last < first) {
    return Whole();  // invalid: RFC 9110 §14.1.1 says ignore it
  }
  if (first >= size) return Unsatisfiable();
  if (last >= size) last = size - 1;
  return ByteRange{ByteRange::Kind::kPartial, first, last - first + 1};
}

std::string ContentRange(const ByteRange& range, uint64_t size) {
  if (range.kind != ByteRange::Kind::kPartial) return "bytes */" + std::to_string(size);
  return "bytes " + std::to_string(range.first) + "-" +
         std::to_string(range.first + range.length - 1) + "/" + std::to_string(size);
}

}  // namespace ringmail::http
