#include "server/storage_setup.h"

#include <cstring>
#include <string_view>
#include <utility>

#include "store/fs_blob_store.h"
#include "store/sqlite/sqlite_store.h"

namespace ringmail {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";
constexpr std::string_view kFileScheme = "file://";

// "PATH:LINE: [storage]: KEY: ", or "PATH: [storage]: KEY: " for a defaulted key.
std::string Where(const Config& config, int line, std::string_view key) {
  std::string out = config.path;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": [storage]: ";
  out += key;
  out += ": ";
  return out;
}

// The error with `where` in front. Local stores that cannot be opened become kConfig: the
// path in the configuration is what has to change.
Error Located(const Error& error, const std::string& where, bool local) {
  Error out = error;
  out.message = where + error.message;
  if (error.sys_errno != 0) out.message += std::string(": ") + std::strerror(error.sys_errno);
  out.sys_errno = 0;
  if (local) out.code = ErrorCode::kConfig;
  return out;
}

}  // namespace

Result<void> OpenMetadataStore(const Config& config, WorkerPool* workers, Stores* stores) {
  const StorageConfig& storage = config.storage;
  const std::string where = Where(config, storage.metadata_line, "metadata");
  if (!storage.metadata.starts_with(kSqliteScheme)) {  // postgresql:// or postgres://
    PostgresStoreOptions options;
    options.uri = storage.metadata;
    options.workers = workers;
    Result<std::unique_ptr<PostgresMetadataStore>> store = PostgresMetadataStore::Create(options);
    if (!store) return std::unexpected(Located(store.error(), where, false));
    stores->postgres = store->get();
    stores->metadata = std::move(*store);
    return {};
  }
  std::string path = storage.metadata.substr(kSqliteScheme.size());
  Result<std::unique_ptr<SqliteMetadataStore>> store = SqliteMetadataStore::Open(path);
  if (!store) return std::unexpected(Located(store.error(), where + path + ": ", true));
  stores->metadata = std::move(*store);
  return {};
}

namespace {

blob_format::Compression BlobCompression(const Config& config) {
  return config.storage.compress_blobs ? blob_format::Compression::kZstd
                                       : blob_format::Compression::kNone;
}

Result<void> OpenBlobs(const Config& config, WorkerPool* workers, Stores* stores) {
  const StorageConfig& storage = config.storage;
  const std::string where = Where(config, storage.blobs_line, "blobs");
  if (storage.blobs.starts_with(kFileScheme)) {
    FsBlobStoreOptions options;
    options.root = storage.blobs.substr(kFileScheme.size());
    options.workers = workers;  // the orphan sweep's directory walks
    options.compression = BlobCompression(config);
    Result<std::unique_ptr<FsBlobStore>> store = FsBlobStore::Open(options);
    if (!store) return std::unexpected(Located(store.error(), where, true));  // names the path
    stores->blobs = std::move(*store);
    return {};
  }
  // The parser admits only file:// and s3://.
  Result<S3BlobStoreOptions> options = S3BlobStore::OptionsFromConfig(
      storage.blobs, storage.s3_access_key, storage.s3_secret_key, workers);
  if (!options) return std::unexpected(Located(options.error(), where, false));
  options->compression = BlobCompression(config);
  Result<std::unique_ptr<S3BlobStore>> store = S3BlobStore::Open(std::move(*options));
  if (!store) return std::unexpected(Located(store.error(), where, false));
  stores->s3 = store->get();
  stores->blobs = std::move(*store);
  return {};
}

}  // namespace

Result<Stores> OpenStores(const Config& config, WorkerPool* workers) {
  Stores stores;
  stores.workers = workers;
  TRY(OpenMetadataStore(config, workers, &stores));
  TRY(OpenBlobs(config, workers, &stores));
  return stores;
}

Task<std::optional<StoreProblem>> CheckStores(Stores* stores, const Config* config) {
  if (stores->postgres != nullptr) {
    PostgresMetadataStore* postgres = stores->postgres;
    Result<Result<void>> migrated =
        co_await stores->workers->Run([postgres] { return postgres->Migrate(); });
    const Result<void> outcome = migrated ? *migrated : std::unexpected(migrated.error());
    if (!outcome) {
      const std::string where = Where(*config, config->storage.metadata_line, "metadata");
      co_return StoreProblem{"metadata", outcome.error(), Located(outcome.error(), where, false)};
    }
  }
  if (stores->s3 != nullptr) {
    Result<void> bucket = co_await stores->s3->CheckBucket();
    if (!bucket) {
      const std::string where = Where(*config, config->storage.blobs_line, "blobs");
      co_return StoreProblem{"blobs", bucket.error(), Located(bucket.error(), where, false)};
    }
  }
  co_return std::nullopt;
}

bool IsUnavailable(const Error& error) {
  return error.code == ErrorCode::kUnavailable || error.code == ErrorCode::kTimeout ||
         error.code == ErrorCode::kBusy;
}

}  // namespace ringmail
