// S3BlobStore::PutFile: a spooled upload encoded piece by piece (BlobEncoder) and sent as a
// multipart upload, so that memory stays bounded whatever the size. The object's header is
// known only at the end (the payload size, with zstd), and it is the first bytes of part 1:
// part 1 (the header's place and the first payload bytes) is kept until the end and sent
// last (S3 assembles parts by number, not by arrival); parts 2.. go as they fill. An upload
// whose object fits in one part is one PUT.
#include <optional>

#include "base/log.h"
#include "runtime/file_io.h"
#include "store/blob_encoder.h"
#include "store/blob_format_parts.h"
#include "store/s3/s3_blob_store.h"

namespace ringmail {
namespace {

class MultipartObject {
 public:
  MultipartObject(s3::S3Client* client, std::string path)
      : client_(client), path_(std::move(path)) {
    first_.assign(blob_format::kHeaderSize, '\0');  // the header's place
  }

  // Appends object bytes after the header; sends the parts that fill.
  Task<Result<void>> Append(std::string bytes) {
    size_t used = 0;
    if (first_.size() < kS3PartSize) {
      used = std::min<size_t>(bytes.size(), kS3PartSize - first_.size());
      first_.append(bytes, 0, used);
    }
    part_.append(bytes, used);
    while (part_.size() >= kS3PartSize + 1) {  // keep one byte back: the last part is not empty
      Result<void> sent = co_await SendPart(part_.substr(0, kS3PartSize));
      if (!sent) co_return sent;
      part_.erase(0, kS3PartSize);
    }
    co_return Result<void>{};
  }

  // Writes the header in and sends what is left: one PUT, or the last part, part 1 and the
  // completion.
  Task<Result<void>> Finish(std::string header) {
    first_.replace(0, header.size(), header);
    if (upload_id_.empty()) {
      first_ += part_;
      co_return co_await client_->Put(path_, first_);
    }
    if (!part_.empty()) {
      Result<void> sent = co_await SendPart(std::move(part_));
      if (!sent) co_return sent;
    }
    Result<std::string> etag = co_await client_->UploadPart(path_, upload_id_, 1, first_);
    if (!etag) co_return std::unexpected(etag.error());
    etags_[0] = std::move(*etag);
    co_return co_await client_->CompleteMultipartUpload(path_, upload_id_, std::move(etags_));
  }

  // Drops the parts sent (best effort: a bucket lifecycle rule should expire what remains).
  Task<void> Abort() {
    if (upload_id_.empty()) co_return;
    Result<void> aborted = co_await client_->AbortMultipartUpload(path_, upload_id_);
    if (!aborted) {
      Log(LogLevel::kWarn, "s3_multipart_abort_failed", "key", path_, "error",
          aborted.error().ToString());
    }
  }

 private:
  // Part 2, 3, ...: the upload is created with the first of them.
  Task<Result<void>> SendPart(std::string body) {
    if (upload_id_.empty()) {
      Result<std::string> id = co_await client_->CreateMultipartUpload(path_);
      if (!id) co_return std::unexpected(id.error());
      upload_id_ = std::move(*id);
      etags_.assign(1, "");  // part 1's, sent last
    }
    if (etags_.size() >= s3::S3Client::kPartsMax) {
      co_return MakeError(ErrorCode::kInvalidArgument, "blob too large for a multipart upload");
    }
    const auto number = static_cast<uint32_t>(etags_.size() + 1);
    Result<std::string> etag = co_await client_->UploadPart(path_, upload_id_, number, body);
    if (!etag) co_return std::unexpected(etag.error());
    etags_.push_back(std::move(*etag));
    co_return Result<void>{};
  }

  s3::S3Client* client_;
  std::string path_;
  std::string first_;  // part 1: header, then payload
  std::string part_;   // the part being filled
  std::string upload_id_;
  std::vector<std::string> etags_;  // by part number - 1
};

}  // namespace

Task<Result<std::optional<blob_format::Header>>> S3BlobStore::PutFileOnce(
    BlobKey key, int fd, uint64_t size, blob_format::Compression compression) {
  MultipartObject object(client_.get(), key.ObjectPath());
  BlobEncoder encoder(compression, size);
  std::string piece, payload;
  Result<void> sent;
  for (uint64_t in = 0; sent && in < size; in += piece.size()) {
    piece.clear();
    Result<void> read =
        co_await file::ReadAt(fd, in, std::min<uint64_t>(kBlobPieceMax, size - in), &piece);
    if (read && piece.empty())
      read = MakeError(ErrorCode::kIo, "spooled file shorter than its size");
    if (!read) sent = std::unexpected(read.error());
    if (!sent) break;
    payload.clear();
    encoder.Add(piece, &payload);
    if (compression != blob_format::Compression::kNone && encoder.payload_size() >= size) {
      co_await object.Abort();
      co_return std::nullopt;  // zstd does not make it smaller: store it as it is
    }
    sent = co_await object.Append(std::move(payload));
  }
  if (sent) {
    payload.clear();
    encoder.Finish(&payload);
    payload.append(encoder.trailer());
    sent = co_await object.Append(std::move(payload));
  }
  if (sent) sent = co_await object.Finish(blob_format::EncodeHeader(encoder.header()));
  if (!sent) {
    co_await object.Abort();
    co_return std::unexpected(sent.error());
  }
  co_return encoder.header();
}

Task<Result<StoredBlob>> S3BlobStore::PutFile(BlobKey key, int fd, uint64_t size) {
  if (size <= kS3PartSize) {  // one PUT of an object held whole: bounded by the part size
    Result<StoredBlob> stored = co_await BlobStore::PutFile(key, fd, size);
    co_return stored;
  }
  Result<std::optional<blob_format::Header>> header =
      co_await PutFileOnce(key, fd, size, compression_);
  if (header && !*header) {
    header = co_await PutFileOnce(key, fd, size, blob_format::Compression::kNone);
  }
  if (!header) co_return std::unexpected(header.error());
  co_return StoredBlob{(*header)->object_size(), (*header)->compression};
}

}  // namespace ringmail
