// S3BlobStore::OpenReader (store/s3/s3_blob_store.h): the object read with ranged GETs.
#include "base/log.h"
#include "store/s3/s3_blob_store.h"

namespace ringmail {
namespace {

class RangeSource final : public ObjectSource {
 public:
  RangeSource(s3::S3Client* client, std::string path) : client_(client), path_(std::move(path)) {}
  Task<Result<void>> ReadAt(uint64_t offset, size_t size, std::string* out) override {
    if (size == 0) co_return Result<void>{};
    Result<std::string> range = co_await client_->GetRange(path_, offset, offset + size - 1);
    if (!range) co_return std::unexpected(range.error());
    if (range->size() != size) co_return MakeError(ErrorCode::kIo, "corrupt blob: short range");
    out->append(*range);
    co_return Result<void>{};
  }

 private:
  s3::S3Client* client_;
  std::string path_;
};

}  // namespace

Task<Result<std::unique_ptr<BlobReader>>> S3BlobStore::OpenReader(BlobKey key) {
  const std::string path = key.ObjectPath();
  Result<std::unique_ptr<BlobReader>> reader =
      co_await OpenVerifiedReader(std::make_unique<RangeSource>(client_.get(), path), std::nullopt);
  if (!reader && reader.error().code == ErrorCode::kIo) {
    Log(LogLevel::kError, "blob_corrupt", "backend", "s3", "key", path, "error",
        reader.error().message);
  }
  co_return reader;
}

}  // namespace ringmail
