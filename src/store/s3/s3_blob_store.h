// The S3 blob store: each blob is one object, key BlobKey::ObjectPath() ("ab/cd/abcd…") in
// the bucket, in the format of store/blob_format.h (the same bytes as the directory
// backend's files). Put is one PUT (S3 makes an object durable before answering it; a
// repeated PUT of a content-addressed key is harmless); Get verifies every checksum; Delete
// of an absent object succeeds.
//
// Calls run on the calling reactor core (see S3Client for errors, retries and shutdown).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/worker_pool.h"
#include "store/blob_store.h"
#include "store/s3/s3_client.h"

namespace ringmail {

struct S3BlobStoreOptions {
  s3::S3ClientOptions client;
  blob_format::Compression compression = blob_format::Compression::kNone;
};

class S3BlobStore : public BlobStore {
 public:
  // Options from the configuration: the `[storage] blobs` URL (s3://BUCKET?endpoint=…), the
  // `[storage.s3]` credentials (both empty: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), and
  // the worker pool that resolves a DNS-name endpoint (may be null for a numeric one).
  // kConfig with the reason.
  static Result<S3BlobStoreOptions> OptionsFromConfig(std::string_view url, std::string access_key,
                                                      std::string secret_key, WorkerPool* workers);
  // Validates the options; no I/O (CheckBucket does the start-up check).
  static Result<std::unique_ptr<S3BlobStore>> Open(S3BlobStoreOptions options);

  // The start-up check: the bucket exists and answers (kConfig / kUnavailable otherwise).
  Task<Result<void>> CheckBucket() { return client_->CheckBucket(); }

  Task<Result<StoredBlob>> Put(BlobKey key, std::string_view message) override;
  Task<Result<std::string>> Get(BlobKey key) override;
  // Ranged GETs of kBlobPieceMax payload bytes each (and of the trailer in blocks), verified
  // as they come (s3_blob_stream.cc).
  Task<Result<std::unique_ptr<BlobReader>>> OpenReader(BlobKey key) override;
  // Up to kS3PartSize bytes: BlobStore's default (read whole, one PUT). Larger: encoded piece
  // by piece and sent as a multipart upload of kS3PartSize parts (s3_blob_put_file.cc), so
  // an upload holds about two parts in memory whatever its size.
  Task<Result<StoredBlob>> PutFile(BlobKey key, int fd, uint64_t size) override;
  Task<Result<void>> Delete(BlobKey key) override;
  // ListObjectsV2 of the whole bucket (blob keys have no common prefix); the cursor is S3's
  // continuation token. Keys that are not ab/cd/<hex> of a blob, and entries without a
  // readable LastModified, are left out.
  Task<Result<BlobPage>> List(std::string cursor, size_t max) override;

  // Closes this core's idle connections; each core, before its reactor stops.
  Task<void> CloseConnections() { return client_->CloseIdleConnections(); }

  // The client underneath, for tools (the orphan sweep lists the bucket) and tests.
  s3::S3Client& client() { return *client_; }

 private:
  S3BlobStore(std::unique_ptr<s3::S3Client> client, blob_format::Compression compression)
      : client_(std::move(client)), compression_(compression) {}

  // One encoding and upload of the file; nullopt (nothing stored) when zstd did not make
  // the payload smaller than the message: the caller stores it as it is then.
  Task<Result<std::optional<blob_format::Header>>> PutFileOnce(
      BlobKey key, int fd, uint64_t size, blob_format::Compression compression);

  std::unique_ptr<s3::S3Client> client_;
  blob_format::Compression compression_;
};

// The size of a multipart upload's parts (S3's least is 5 MiB, s3::S3Client::kPartSizeMin).
inline constexpr uint64_t kS3PartSize = s3::S3Client::kPartSizeMin;

}  // namespace ringmail
