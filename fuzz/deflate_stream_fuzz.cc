// libFuzzer target for the inflating side of COMPRESS=DEFLATE (imap/deflate_codec.h, which
// imap/deflate_stream.h reads client bytes through): any bytes, fed in chunks of any size
// with any output bound, are either inflated or refused, never a crash; output never passes
// the bound; the bytes used never pass what was given; and what comes out is what zlib's
// one-shot inflate of the same bytes gives. The output then round-trips through our Deflater.
//
// Input: byte 0 picks the chunk size (1..256), byte 1 the output bound (1..64 KiB); the rest
// is the compressed stream.
#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/byte_buffer.h"
#include "base/check.h"
#include "imap/deflate_codec.h"

namespace {

constexpr size_t kOutputMax = 256 * 1024;  // stop after this much plaintext (bombs)

// zlib's own answer: the plaintext of `data` up to kOutputMax, and whether it was corrupt.
std::string Reference(std::string_view data, bool* corrupt, bool* ended) {
  z_stream z{};
  CHECK(inflateInit2(&z, -15) == Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[4096];
  *corrupt = false;
  *ended = false;
  while (out.size() < kOutputMax) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    const int rc = inflate(&z, Z_SYNC_FLUSH);
    out.append(chunk, sizeof chunk - z.avail_out);
    if (rc == Z_STREAM_END) {
      *ended = true;
      break;
    }
    if (rc == Z_BUF_ERROR) break;
    if (rc != Z_OK) {
      *corrupt = true;
      break;
    }
    if (z.avail_out != 0 && z.avail_in == 0) break;
  }
  inflateEnd(&z);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t chunk = size_t{data[0]} + 1;
  const size_t out_max = (size_t{data[1]} + 1) * 256;
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

  ringmail::imap::Inflater inflater;
  CHECK(inflater.ok());
  std::string got;
  ringmail::ByteBuffer out;
  size_t offset = 0;
  bool failed = false;
  while (got.size() < kOutputMax && !inflater.finished()) {
    const std::string_view piece = input.substr(offset, std::min(chunk, input.size() - offset));
    ringmail::Result<size_t> used = inflater.Inflate(piece, &out, out_max);
    if (!used) {
      failed = true;
      break;
    }
    CHECK(*used <= piece.size());
    CHECK(out.size() <= out_max);
    const bool progress = *used > 0 || !out.empty();
    offset += *used;
    got.append(out.readable());
    out.Clear();
    if (!progress && offset >= input.size()) break;  // all given, nothing held back
  }
  bool corrupt = false;
  bool ended = false;
  const std::string expected = Reference(input, &corrupt, &ended);
  const size_t compared = std::min(got.size(), expected.size());
  CHECK(got.compare(0, compared, expected, 0, compared) == 0);
  if (!failed && !corrupt && got.size() < kOutputMax && expected.size() < kOutputMax) {
    CHECK(got == expected);
    CHECK(inflater.finished() == ended);
  }

  // Whatever came out goes back through our Deflater and a fresh Inflater unchanged.
  ringmail::imap::Deflater deflater;
  ringmail::imap::Inflater back;
  std::string compressed;
  CHECK(deflater.Deflate(got, /*sync=*/true, &compressed).has_value());
  ringmail::ByteBuffer again;
  std::string_view rest = compressed;
  while (!rest.empty() || again.size() < got.size()) {
    const size_t before = again.size();
    ringmail::Result<size_t> used = back.Inflate(rest, &again, got.size() + 1);
    CHECK(used.has_value());
    rest.remove_prefix(*used);
    if (*used == 0 && again.size() == before) break;
  }
  CHECK(again.readable() == got);
  return 0;
}
