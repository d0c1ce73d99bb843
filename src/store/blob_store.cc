// BlobStore's default streaming entry points (store/blob_store.h): whole-message fallbacks
// for a backend without its own.
#include "store/blob_store.h"

#include "runtime/file_io.h"

namespace ringmail {

Task<Result<std::unique_ptr<BlobReader>>> BlobStore::OpenReader(BlobKey key) {
  Result<std::string> message = co_await Get(key);
  if (!message) co_return std::unexpected(message.error());
  co_return MemoryBlobReader(std::move(*message));
}

Task<Result<StoredBlob>> BlobStore::PutFile(BlobKey key, int fd, uint64_t size) {
  std::string message;
  message.reserve(size);
  while (message.size() < size) {
    const size_t before = message.size();
    Result<void> read = co_await file::ReadAt(
        fd, before, std::min<uint64_t>(kBlobPieceMax, size - before), &message);
    if (!read) co_return std::unexpected(read.error());
    if (message.size() == before) co_return MakeError(ErrorCode::kIo, "file shorter than its size");
  }
  Result<StoredBlob> stored = co_await Put(key, message);
  co_return stored;
}

}  // namespace ringmail
