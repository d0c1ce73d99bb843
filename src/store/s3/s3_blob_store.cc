#include "store/s3/s3_blob_store.h"

#include "base/check.h"
#include "base/log.h"

namespace ringmail {

Result<S3BlobStoreOptions> S3BlobStore::OptionsFromConfig(std::string_view url,
                                                          std::string access_key,
                                                          std::string secret_key,
                                                          WorkerPool* workers) {
  S3BlobStoreOptions options;
  options.client.endpoint = TRY(s3::ParseS3Url(url));
  options.client.credentials =
      TRY(s3::ResolveCredentials(std::move(access_key), std::move(secret_key)));
  options.client.workers = workers;
  return options;
}

Result<std::unique_ptr<S3BlobStore>> S3BlobStore::Open(S3BlobStoreOptions options) {
  std::unique_ptr<s3::S3Client> client = TRY(s3::S3Client::Create(std::move(options.client)));
  return std::unique_ptr<S3BlobStore>(new S3BlobStore(std::move(client), options.compression));
}

Task<Result<StoredBlob>> S3BlobStore::Put(BlobKey key, std::string_view message) {
  const std::string object = blob_format::Encode(message, compression_);
  Result<blob_format::Header> header = blob_format::DecodeHeader(object);
  CHECK(header.has_value(), "blob_format::Encode produced an invalid header");
  const StoredBlob stored{object.size(), header->compression};
  Result<void> put = co_await client_->Put(key.ObjectPath(), object);
  if (!put) co_return std::unexpected(put.error());
  co_return stored;
}

Task<Result<std::string>> S3BlobStore::Get(BlobKey key) {
  const std::string path = key.ObjectPath();
  Result<std::string> object = co_await client_->Get(path);
  if (!object) co_return std::unexpected(object.error());
  Result<std::string> message = blob_format::Decode(*object);
  if (!message) {
    Log(LogLevel::kError, "blob_corrupt", "backend", "s3", "key", path, "error",
        message.error().message);
    co_return MakeError(ErrorCode::kIo, message.error().message + " (s3 " + path + ")");
  }
  co_return std::move(*message);
}

Task<Result<void>> S3BlobStore::Delete(BlobKey key) {
  co_return co_await client_->Delete(key.ObjectPath());
}

}  // namespace ringmail
