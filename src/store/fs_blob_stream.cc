// FsBlobStore's streaming entry points (store/fs_blob_store.h): OpenReader reads an object
// file in verified windows; PutFile encodes a spooled file into ROOT/tmp piece by piece, then
// installs it as Put does (fsync, rename, directory fsync) so it is durable before success.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>

#include "base/log.h"
#include "runtime/file_io.h"
#include "store/blob_encoder.h"
#include "store/blob_format_parts.h"
#include "store/fs_blob_store.h"

namespace ringmail {
namespace {

std::atomic<uint64_t> g_stream_temp_counter{0};

// An object file, read at offsets; owns the descriptor.
class FileSource final : public ObjectSource {
 public:
  explicit FileSource(int fd) : fd_(fd) {}
  // close(2) of a regular file's descriptor does not wait on the disk.
  ~FileSource() override { ::close(fd_); }
  Task<Result<void>> ReadAt(uint64_t offset, size_t size, std::string* out) override {
    const size_t before = out->size();
    Result<void> read = co_await file::ReadAt(fd_, offset, size, out);
    if (!read) co_return read;
    if (out->size() - before != size) co_return MakeError(ErrorCode::kIo, "corrupt blob: short");
    co_return Result<void>{};
  }

 private:
  int fd_;
};

}  // namespace

Task<Result<std::unique_ptr<BlobReader>>> FsBlobStore::OpenReader(BlobKey key) {
  const std::string path = key.ObjectPath();
  Result<uint64_t> size = co_await file::FileSize(root_fd_, path);
  if (!size) co_return std::unexpected(size.error());
  Result<int> fd = co_await file::OpenAt(root_fd_, path, O_RDONLY);
  if (!fd) co_return std::unexpected(fd.error());
  Result<std::unique_ptr<BlobReader>> reader =
      co_await OpenVerifiedReader(std::make_unique<FileSource>(*fd), *size);
  if (!reader) {
    Log(LogLevel::kError, "blob_corrupt", "backend", "file", "key", path, "error",
        reader.error().message);
  }
  co_return reader;
}

Task<std::optional<StoredBlob>> FsBlobStore::Existing(std::string path, uint64_t size) {
  Result<uint64_t> existing = co_await file::FileSize(root_fd_, path);
  if (!existing) co_return std::nullopt;
  Result<int> fd = co_await file::OpenAt(root_fd_, path, O_RDONLY);
  if (!fd) co_return std::nullopt;
  std::string head;
  Result<void> read = co_await file::ReadAt(*fd, 0, blob_format::kHeaderSize, &head);
  (void)co_await file::Close(*fd);
  if (!read) co_return std::nullopt;
  Result<blob_format::Header> header = blob_format::DecodeHeader(head);
  if (!header || header->object_size() != *existing || header->message_size != size) {
    co_return std::nullopt;  // incomplete or damaged: write it again
  }
  co_return StoredBlob{*existing, header->compression};
}

Task<Result<blob_format::Header>> FsBlobStore::EncodeFile(int in_fd, uint64_t size, int out_fd,
                                                          blob_format::Compression compression) {
  BlobEncoder encoder(compression, size);
  std::string piece, payload;
  uint64_t in = 0, out = blob_format::kHeaderSize;
  while (in < size) {
    piece.clear();
    Result<void> read =
        co_await file::ReadAt(in_fd, in, std::min<uint64_t>(kBlobPieceMax, size - in), &piece);
    if (!read) co_return std::unexpected(read.error());
    if (piece.empty()) co_return MakeError(ErrorCode::kIo, "spooled file shorter than its size");
    in += piece.size();
    payload.clear();
    encoder.Add(piece, &payload);
    Result<void> written = co_await file::WriteAll(out_fd, payload, out);
    if (!written) co_return std::unexpected(written.error());
    out += payload.size();
    if (compression != blob_format::Compression::kNone && encoder.payload_size() >= size) {
      co_return encoder.header();  // not smaller: the caller stores it as it is
    }
  }
  payload.clear();
  encoder.Finish(&payload);
  payload.append(encoder.trailer());
  Result<void> written = co_await file::WriteAll(out_fd, payload, out);
  if (written)
    written = co_await file::WriteAll(out_fd, blob_format::EncodeHeader(encoder.header()), 0);
  if (!written) co_return std::unexpected(written.error());
  co_return encoder.header();
}

Task<Result<StoredBlob>> FsBlobStore::PutFile(BlobKey key, int fd, uint64_t size) {
  const std::string path = key.ObjectPath();
  std::optional<StoredBlob> existing = co_await Existing(path, size);
  if (existing) co_return *existing;  // content-addressed: done
  blob_format::Compression compression = options_.compression;
  for (;;) {
    const std::string temp =
        "tmp/" + key.Hex() + ".s" +
        std::to_string(g_stream_temp_counter.fetch_add(1, std::memory_order_relaxed));
    Result<int> out = co_await file::OpenAt(root_fd_, temp, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (!out) co_return std::unexpected(out.error());
    Result<blob_format::Header> header = co_await EncodeFile(fd, size, *out, compression);
    const bool again = header && header->compression != blob_format::Compression::kNone &&
                       header->payload_size >= size;
    Result<void> written;
    if (!header) written = std::unexpected(header.error());
    if (written && !again) {
      // Durable together with the other Puts of this moment (fs_blob_sync.h); closes `out`.
      written = co_await syncs_.Commit(*out, temp, path);
    } else {
      (void)co_await file::Close(*out);
    }
    if (!written || again) (void)co_await file::UnlinkAt(root_fd_, temp);
    if (!written) co_return std::unexpected(written.error());
    if (!again) co_return StoredBlob{header->object_size(), header->compression};
    compression = blob_format::Compression::kNone;  // zstd did not make it smaller
  }
}

}  // namespace ringmail
