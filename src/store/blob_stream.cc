#include "store/blob_stream.h"

#include <zstd.h>

#include <algorithm>

#include "base/check.h"
#include "store/blob_format_parts.h"

namespace ringmail {
namespace {

// Trailer entries read at once: 32 KiB of checksums cover 256 MiB of 64 KiB chunks.
constexpr uint64_t kTrailerBlockEntries = 4096;

std::unexpected<Error> Corrupt(const char* what) {
  return MakeError(ErrorCode::kIo, std::string("corrupt blob: ") + what);
}

struct DctxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

class VerifiedReader final : public BlobReader {
 public:
  VerifiedReader(std::unique_ptr<ObjectSource> source, blob_format::Header header)
      : source_(std::move(source)), header_(header) {
    if (header_.compression == blob_format::Compression::kZstd) dctx_.reset(ZSTD_createDCtx());
  }

  uint64_t size() const override { return header_.message_size; }
  Task<Result<bool>> Next(std::string* out) override;
  uint64_t SeekNear(uint64_t offset) override {
    if (dctx_ || produced_ != 0 || next_chunk_ != 0) return 0;  // zstd, or already reading
    next_chunk_ = std::min(offset >> header_.chunk_log2, header_.chunk_count());
    produced_ = next_chunk_ * chunk_size();
    return produced_;
  }

 private:
  uint64_t chunk_size() const { return uint64_t{1} << header_.chunk_log2; }
  bool window_empty() const { return window_pos_ == window_.size(); }
  bool payload_read() const { return next_chunk_ == header_.chunk_count(); }
  // Reads the next chunks of payload into window_ and verifies each against the trailer.
  Task<Result<void>> ReadWindow();
  // Decompresses what window_ holds into *out, up to kBlobPieceMax bytes.
  Result<void> Inflate(std::string* out);

  std::unique_ptr<ObjectSource> source_;
  blob_format::Header header_;
  std::unique_ptr<ZSTD_DCtx, DctxFree> dctx_;
  uint64_t next_chunk_ = 0;  // the first chunk not read yet
  std::string sums_;         // trailer entries from chunk sums_first_ on
  uint64_t sums_first_ = 0;
  std::string window_;  // verified payload; window_[window_pos_, end) not consumed yet
  size_t window_pos_ = 0;
  uint64_t produced_ = 0;  // message bytes returned
  bool frame_done_ = false;
};

Task<Result<void>> VerifiedReader::ReadWindow() {
  const uint64_t first = next_chunk_;
  const uint64_t count = std::min<uint64_t>(std::max<uint64_t>(kBlobPieceMax / chunk_size(), 1),
                                            header_.chunk_count() - first);
  const uint64_t offset = first * chunk_size();
  const uint64_t length = std::min(count * chunk_size(), header_.payload_size - offset);
  window_.clear();
  window_pos_ = 0;
  Result<void> read = co_await source_->ReadAt(blob_format::kHeaderSize + offset, length, &window_);
  if (!read) co_return read;
  for (uint64_t i = first; i < first + count; ++i) {
    if (i < sums_first_ || i >= sums_first_ + sums_.size() / 8) {
      sums_first_ = i;
      sums_.clear();
      const uint64_t entries = std::min(kTrailerBlockEntries, header_.chunk_count() - i);
      read = co_await source_->ReadAt(blob_format::kHeaderSize + header_.payload_size + 8 * i,
                                      8 * entries, &sums_);
      if (!read) co_return read;
    }
    const uint64_t at = (i - first) * chunk_size();
    const std::string_view chunk =
        std::string_view(window_).substr(at, std::min(chunk_size(), length - at));
    if (blob_format::ChunkChecksum(chunk) != blob_format::TrailerEntry(sums_, i - sums_first_)) {
      window_.clear();
      co_return Corrupt("chunk checksum mismatch");
    }
  }
  next_chunk_ = first + count;
  co_return Result<void>{};
}

Result<void> VerifiedReader::Inflate(std::string* out) {
  const size_t before = out->size();
  out->resize(before + kBlobPieceMax);
  ZSTD_outBuffer output{out->data() + before, kBlobPieceMax, 0};
  ZSTD_inBuffer input{window_.data(), window_.size(), window_pos_};
  const size_t left = ZSTD_decompressStream(dctx_.get(), &output, &input);
  out->resize(before + output.pos);
  window_pos_ = input.pos;
  if (ZSTD_isError(left)) return Corrupt("zstd payload does not decode");
  produced_ += output.pos;
  if (produced_ > header_.message_size) return Corrupt("zstd payload longer than its header");
  if (left == 0) frame_done_ = true;
  return {};
}

Task<Result<bool>> VerifiedReader::Next(std::string* out) {
  if (!dctx_) {  // stored as it is: the verified window is the piece
    if (payload_read()) co_return false;
    Result<void> read = co_await ReadWindow();
    if (!read) co_return std::unexpected(read.error());
    out->append(window_);
    produced_ += window_.size();
    co_return true;
  }
  for (;;) {
    if (window_empty() && !payload_read()) {
      Result<void> read = co_await ReadWindow();
      if (!read) co_return std::unexpected(read.error());
    }
    const size_t before = out->size();
    if (!frame_done_) {
      Result<void> inflated = Inflate(out);
      if (!inflated) co_return std::unexpected(inflated.error());
    }
    if (out->size() > before) co_return true;
    if (window_empty() && payload_read()) {
      if (!frame_done_ || produced_ != header_.message_size) {
        co_return Corrupt("zstd payload ends early");
      }
      co_return false;
    }
    if (frame_done_) co_return Corrupt("bytes after the zstd frame");
  }
}

class MemoryReader final : public BlobReader {
 public:
  explicit MemoryReader(std::string message) : message_(std::move(message)) {}
  uint64_t size() const override { return message_.size(); }
  uint64_t SeekNear(uint64_t offset) override {
    pos_ = std::min<size_t>(offset, message_.size());
    return pos_;
  }
  Task<Result<bool>> Next(std::string* out) override {
    if (pos_ == message_.size()) co_return false;
    const size_t n = std::min(kBlobPieceMax, message_.size() - pos_);
    out->append(message_, pos_, n);
    pos_ += n;
    co_return true;
  }

 private:
  std::string message_;
  size_t pos_ = 0;
};

class RangeReader final : public BlobReader {
 public:
  RangeReader(std::unique_ptr<BlobReader> inner, uint64_t first, uint64_t length)
      : inner_(std::move(inner)), first_(first), end_(first + length) {}
  uint64_t size() const override { return end_ - first_; }

  Task<Result<bool>> Next(std::string* out) override {
    if (!started_) {
      started_ = true;
      pos_ = inner_->SeekNear(first_);
    }
    while (pos_ < end_) {
      piece_.clear();
      Result<bool> more = co_await inner_->Next(&piece_);
      if (!more) co_return std::unexpected(more.error());
      if (!*more) co_return Corrupt("message ends before the range");
      const uint64_t at = pos_;
      pos_ += piece_.size();
      if (pos_ <= first_) continue;  // wholly before the range
      const uint64_t from = first_ > at ? first_ - at : 0;
      const uint64_t to = std::min<uint64_t>(piece_.size(), end_ - at);
      out->append(piece_, from, to - from);
      co_return true;
    }
    co_return false;
  }

 private:
  std::unique_ptr<BlobReader> inner_;
  uint64_t first_, end_;
  uint64_t pos_ = 0;  // message offset of the inner reader's next byte
  bool started_ = false;
  std::string piece_;
};

}  // namespace

std::unique_ptr<BlobReader> RangeBlobReader(std::unique_ptr<BlobReader> reader, uint64_t first,
                                            uint64_t length) {
  CHECK(first + length <= reader->size(), "range past the blob's end");
  return std::make_unique<RangeReader>(std::move(reader), first, length);
}

Task<Result<std::unique_ptr<BlobReader>>> OpenVerifiedReader(std::unique_ptr<ObjectSource> source,
                                                             std::optional<uint64_t> object_size) {
  std::string head;
  Result<void> read = co_await source->ReadAt(0, blob_format::kHeaderSize, &head);
  if (!read) co_return std::unexpected(read.error());
  Result<blob_format::Header> header = blob_format::DecodeHeader(head);
  if (!header) co_return std::unexpected(header.error());
  if (object_size && *object_size != header->object_size()) {
    co_return Corrupt("object size does not match its header");
  }
  std::unique_ptr<BlobReader> reader = std::make_unique<VerifiedReader>(std::move(source), *header);
  co_return reader;
}

std::unique_ptr<BlobReader> MemoryBlobReader(std::string message) {
  return std::make_unique<MemoryReader>(std::move(message));
}

}  // namespace ringmail
