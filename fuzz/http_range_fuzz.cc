// libFuzzer target for src/http/range.h: the Range field against a body size.
//
// Input: the first 8 bytes are the body's size (little endian, reduced modulo 2^40 so both
// small and huge bodies come up), the rest is the field's value.
//
// Invariants: a partial range is non-empty and lies inside the body, and its Content-Range
// names exactly it; an unsatisfiable one only when the field is a single bytes range; the
// whole body for anything else.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "base/check.h"
#include "exact_copy.h"
#include "http/range.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  uint64_t body = 0;
  std::memcpy(&body, data, 8);
  body %= uint64_t{1} << 40;
  const ringmail::fuzzing::ExactCopy field(
      std::string_view(reinterpret_cast<const char*>(data) + 8, size - 8));
  using ringmail::http::ByteRange;
  const ByteRange r = ringmail::http::ParseByteRange(field.view(), body);
  const std::string content_range = ringmail::http::ContentRange(r, body);
  switch (r.kind) {
    case ByteRange::Kind::kPartial:
      CHECK(r.length >= 1 && r.first < body && r.length <= body - r.first);
      CHECK(content_range == "bytes " + std::to_string(r.first) + "-" +
                                 std::to_string(r.first + r.length - 1) + "/" +
                                 std::to_string(body));
      break;
    case ByteRange::Kind::kUnsatisfiable:
      CHECK(field.view().find('=') != std::string_view::npos);
      CHECK(field.view().find(',') == std::string_view::npos);
      CHECK(content_range == "bytes */" + std::to_string(body));
      break;
    case ByteRange::Kind::kWhole: CHECK(r.first == 0 && r.length == 0); break;
  }
  return 0;
}
