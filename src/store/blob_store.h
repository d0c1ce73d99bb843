// BlobStore: where message bytes live, content-addressed by BlobKey (SHA-256). Backends: a
// local directory (the embedded default, store/fs_blob_store.h) and S3.
//
// Every operation runs on the calling reactor core and completes there. Put is durable
// before it succeeds; Get verifies checksums and never returns corrupted bytes; a backend
// outage is kUnavailable (a temporary failure for the caller to report as such).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "runtime/task.h"
#include "store/blob_format.h"
#include "store/blob_key.h"

namespace ringmail {

struct StoredBlob {
  uint64_t stored_size = 0;  // bytes in the store
  blob_format::Compression compression = blob_format::Compression::kNone;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Stores `message` under `key`. REQUIRES: key == BlobKey::Of(message). Idempotent: storing
  // an existing key succeeds. `message` must stay valid until the task completes.
  virtual Task<Result<StoredBlob>> Put(BlobKey key, std::string_view message) = 0;

  // The whole message. kNotFound when absent; kIo when the object is corrupt.
  virtual Task<Result<std::string>> Get(BlobKey key) = 0;

  // Removes the object; an absent object is not an error.
  virtual Task<Result<void>> Delete(BlobKey key) = 0;
};

}  // namespace ringmail
