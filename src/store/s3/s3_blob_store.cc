#include "store/s3/s3_blob_store.h"

#include <optional>

#include "base/check.h"
#include "base/log.h"

namespace ringmail {
namespace {

// The key named by an object path "ab/cd/abcd…" (BlobKey::ObjectPath), or nullopt.
std::optional<BlobKey> KeyOfPath(std::string_view path) {
  if (path.size() != 70 || path[2] != '/' || path[5] != '/') return std::nullopt;
  Result<BlobKey> key = BlobKey::FromHex(path.substr(6));
  if (!key || key->ObjectPath() != path) return std::nullopt;  // upper case, wrong directories
  return *key;
}

}  // namespace

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

Task<Result<BlobPage>> S3BlobStore::List(std::string cursor, size_t max) {
  if (max == 0 || max > kBlobPageMax) {
    co_return MakeError(ErrorCode::kInvalidArgument, "blob listing: page size out of range");
  }
  Result<s3::ListPage> listed =
      co_await client_->List("", std::move(cursor), static_cast<uint32_t>(max));
  if (!listed) co_return std::unexpected(listed.error());
  BlobPage page;
  for (const s3::ListEntry& entry : listed->entries) {
    const std::optional<BlobKey> key = KeyOfPath(entry.key);
    const std::optional<int64_t> modified = s3::ParseIsoTime(entry.last_modified);
    if (!key || !modified) continue;
    page.entries.push_back({*key, *modified, entry.size});
  }
  if (listed->truncated) page.cursor = std::move(listed->next_continuation_token);
  co_return page;
}

}  // namespace ringmail
