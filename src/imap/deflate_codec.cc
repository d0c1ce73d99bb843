#include "imap/deflate_codec.h"

#include <zlib.h>

#include <algorithm>

namespace ringmail::imap {
namespace {

constexpr size_t kChunk = 16 * 1024;    // bytes produced per zlib call
constexpr size_t kInputMax = 1u << 30;  // bytes given per zlib call (avail_in is 32 bits)

}  // namespace

Inflater::Inflater() : z_(std::make_unique<z_stream_s>()) {
  if (inflateInit2(z_.get(), -kInflateWindowBits) != Z_OK) z_.reset();
}

Inflater::~Inflater() {
  if (z_ != nullptr) inflateEnd(z_.get());
}

Result<size_t> Inflater::Inflate(std::string_view in, ByteBuffer* out, size_t out_max) {
  if (z_ == nullptr) return MakeError(ErrorCode::kInternal, "inflater not initialised");
  if (finished_) return size_t{0};
  z_->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  const size_t given = std::min<size_t>(in.size(), kInputMax);
  z_->avail_in = static_cast<uInt>(given);
  char chunk[kChunk];
  while (out->size() < out_max) {
    const size_t room = std::min(kChunk, out_max - out->size());
    z_->next_out = reinterpret_cast<Bytef*>(chunk);
    z_->avail_out = static_cast<uInt>(room);
    const int rc = inflate(z_.get(), Z_SYNC_FLUSH);
    const size_t produced = room - z_->avail_out;
    out->Append(std::string_view(chunk, produced));
    if (rc == Z_STREAM_END) {
      finished_ = true;
      break;
    }
    if (rc == Z_BUF_ERROR) break;  // no progress possible: needs input
    if (rc != Z_OK) return MakeError(ErrorCode::kIo, "corrupt deflate data");
    if (z_->avail_out != 0) break;  // input used up, nothing held back
  }
  const size_t used = given - z_->avail_in;
  z_->next_in = nullptr;
  z_->avail_in = 0;
  return used;
}

Deflater::Deflater() : z_(std::make_unique<z_stream_s>()) {
  if (deflateInit2(z_.get(), kDeflateLevel, Z_DEFLATED, -kDeflateWindowBits, kDeflateMemLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    z_.reset();
  }
}

Deflater::~Deflater() {
  if (z_ != nullptr) deflateEnd(z_.get());
}

Result<void> Deflater::Deflate(std::string_view in, bool sync, std::string* out) {
  if (z_ == nullptr) return MakeError(ErrorCode::kInternal, "deflater not initialised");
  char chunk[kChunk];
  do {
    const size_t given = std::min(in.size(), kInputMax);
    z_->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_->avail_in = static_cast<uInt>(given);
    in.remove_prefix(given);
    const int flush = sync && in.empty() ? Z_SYNC_FLUSH : Z_NO_FLUSH;
    // Done when the input is in and zlib left room in the chunk (nothing held back).
    do {
      z_->next_out = reinterpret_cast<Bytef*>(chunk);
      z_->avail_out = kChunk;
      const int rc = deflate(z_.get(), flush);
      if (rc != Z_OK && rc != Z_BUF_ERROR) return MakeError(ErrorCode::kInternal, "deflate failed");
      out->append(chunk, kChunk - z_->avail_out);
    } while (z_->avail_in != 0 || z_->avail_out == 0);
  } while (!in.empty());
  z_->next_in = nullptr;
  return {};
}

}  // namespace ringmail::imap
