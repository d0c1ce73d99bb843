#include "store/blob_encoder.h"

#include "base/check.h"
#include "store/blob_format_parts.h"

namespace ringmail {

BlobEncoder::BlobEncoder(blob_format::Compression compression, uint64_t message_size,
                         int zstd_level)
    : compression_(compression), message_size_(message_size) {
  if (compression_ == blob_format::Compression::kZstd) {
    cctx_.reset(ZSTD_createCCtx());
    CHECK(cctx_ != nullptr);
    CHECK(!ZSTD_isError(ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_compressionLevel, zstd_level)));
    CHECK(!ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(cctx_.get(), message_size)));
  }
}

void BlobEncoder::Emit(std::string_view bytes, std::string* payload) {
  payload->append(bytes);
  payload_size_ += bytes.size();
  const size_t chunk_size = size_t{1} << blob_format::kChunkLog2;
  while (!bytes.empty()) {
    const size_t n = std::min(bytes.size(), chunk_size - chunk_.size());
    chunk_.append(bytes.substr(0, n));
    bytes.remove_prefix(n);
    if (chunk_.size() == chunk_size) {
      blob_format::AppendTrailerEntry(&trailer_, blob_format::ChunkChecksum(chunk_));
      chunk_.clear();
    }
  }
}

void BlobEncoder::Compress(std::string_view piece, ZSTD_EndDirective mode, std::string* payload) {
  ZSTD_inBuffer input{piece.data(), piece.size(), 0};
  std::string out(ZSTD_CStreamOutSize(), '\0');
  for (;;) {
    ZSTD_outBuffer output{out.data(), out.size(), 0};
    const size_t left = ZSTD_compressStream2(cctx_.get(), &output, &input, mode);
    CHECK(!ZSTD_isError(left), "zstd compression failed");
    Emit(std::string_view(out.data(), output.pos), payload);
    const bool finished = mode == ZSTD_e_end ? left == 0 : input.pos == input.size;
    if (finished) return;
  }
}

void BlobEncoder::Add(std::string_view piece, std::string* payload) {
  if (cctx_) {
    Compress(piece, ZSTD_e_continue, payload);
  } else {
    Emit(piece, payload);
  }
}

void BlobEncoder::Finish(std::string* payload) {
  if (cctx_) Compress({}, ZSTD_e_end, payload);
  if (!chunk_.empty()) {
    blob_format::AppendTrailerEntry(&trailer_, blob_format::ChunkChecksum(chunk_));
    chunk_.clear();
  }
}

blob_format::Header BlobEncoder::header() const {
  blob_format::Header h;
  h.compression = compression_;
  h.message_size = message_size_;
  h.payload_size = payload_size_;
  return h;
}

}  // namespace ringmail
