// The Range request field for bytes (RFC 9110 §14): what a download of `size` bytes answers.
// One range (`bytes=a-b`, `bytes=a-`, `bytes=-n`) is served as 206 Partial Content with its
// Content-Range; a range that starts at or past the end (or a suffix of 0 bytes) is 416 with
// `Content-Range: bytes */size`; anything else — no field, another unit, several ranges, a
// malformed value — is ignored and the whole body served (200), as RFC 9110 §14.2 allows.
// Pure; any thread. Fuzzed by fuzz/http_range_fuzz.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ringmail::http {

struct ByteRange {
  enum class Kind { kWhole, kPartial, kUnsatisfiable };
  Kind kind = Kind::kWhole;
  uint64_t first = 0;   // kPartial: the first byte served
  uint64_t length = 0;  // kPartial: how many (>= 1; first + length <= size)
};

// `field` is the Range field's value ("" when absent).
ByteRange ParseByteRange(std::string_view field, uint64_t size);

// "bytes FIRST-LAST/SIZE" (kPartial) or "bytes */SIZE" (kUnsatisfiable).
std::string ContentRange(const ByteRange& range, uint64_t size);

}  // namespace ringmail::http
