// Raw deflate (RFC 1951, zlib with windowBits -15: no zlib header or checksum) both ways, as
// COMPRESS=DEFLATE (RFC 4978) needs. Pure code over zlib: no I/O; one connection's, on its
// core.
//
// Memory (zlib's formulas): the Deflater holds 2^(kDeflateWindowBits+2) +
// 2^(kDeflateMemLevel+9) bytes = 32 KiB plus its ~6 KiB state from construction; the
// Inflater a 32 KiB window (the client may use the full window, so it cannot be smaller) plus
// its ~7 KiB state, the window allocated at the first output. About 77 KiB in all.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "base/byte_buffer.h"
#include "base/result.h"

struct z_stream_s;

namespace ringmail::imap {

// Our side compresses with a 4 KiB window and small hash tables: less memory per
// connection for a little less compression. Any inflater reads it (RFC 1951 §3.2.5).
inline constexpr int kDeflateWindowBits = 12;
inline constexpr int kDeflateMemLevel = 5;
inline constexpr int kDeflateLevel = 6;
inline constexpr int kInflateWindowBits = 15;

class Inflater {
 public:
  Inflater();
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // zlib could set the stream up (false: out of memory; every Inflate then fails).
  bool ok() const { return z_ != nullptr; }
  // Decompresses from `in`, appending to `out` until `out` holds `out_max` bytes or `in` is
  // used up (zlib may keep output back: call again with no input once `out` has room).
  // Returns how many bytes of `in` it used. kIo for corrupt data; after the end of the
  // compressed stream (a final block), finished() is true and the rest of `in` is left.
  Result<size_t> Inflate(std::string_view in, ByteBuffer* out, size_t out_max);
  bool finished() const { return finished_; }

 private:
  std::unique_ptr<z_stream_s> z_;
  bool finished_ = false;
};

class Deflater {
 public:
  Deflater();
  ~Deflater();
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  bool ok() const { return z_ != nullptr; }
  // Compresses `in`, appending what zlib emits to `out`; `sync`: then Z_SYNC_FLUSH, so the
  // peer can decompress everything given so far. kInternal when the stream is not ok.
  Result<void> Deflate(std::string_view in, bool sync, std::string* out);

 private:
  std::unique_ptr<z_stream_s> z_;
};

}  // namespace ringmail::imap
