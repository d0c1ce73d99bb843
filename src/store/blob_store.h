// BlobStore: where message bytes live, content-addressed by BlobKey (SHA-256). Backends: a
// local directory (the embedded default, store/fs_blob_store.h) and S3.
//
// Every operation runs on the calling reactor core and completes there. Put is durable
// before it succeeds; Get verifies checksums and never returns corrupted bytes; a backend
// outage is kUnavailable (a temporary failure for the caller to report as such).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "runtime/task.h"
#include "store/blob_format.h"
#include "store/blob_key.h"
#include "store/blob_stream.h"

namespace ringmail {

struct StoredBlob {
  uint64_t stored_size = 0;  // bytes in the store
  blob_format::Compression compression = blob_format::Compression::kNone;
};

// One object of a listing (List).
struct BlobListing {
  BlobKey key;
  int64_t modified_at = 0;   // Unix seconds: when the object was last written
  uint64_t stored_size = 0;  // bytes in the store
};

struct BlobPage {
  std::vector<BlobListing> entries;  // ascending key order
  std::string cursor;                // for the next List call; "" : there is no next page
};

// The most objects one List call returns.
inline constexpr size_t kBlobPageMax = 1000;

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Stores `message` under `key`. REQUIRES: key == BlobKey::Of(message). Idempotent: storing
  // an existing key succeeds. `message` must stay valid until the task completes.
  virtual Task<Result<StoredBlob>> Put(BlobKey key, std::string_view message) = 0;

  // The whole message. kNotFound when absent; kIo when the object is corrupt.
  virtual Task<Result<std::string>> Get(BlobKey key) = 0;

  // The message piece by piece, each piece verified before it is returned
  // (store/blob_stream.h): a download of any size in bounded memory. kNotFound when absent.
  // The default reads the whole message with Get; the backends override it.
  virtual Task<Result<std::unique_ptr<BlobReader>>> OpenReader(BlobKey key);

  // Stores the `size` bytes of the open file `fd` (read from offset 0 with positional reads;
  // the caller owns it and keeps it open until the task completes) under `key`: an upload
  // spooled to disk. REQUIRES: key is the SHA-256 of those bytes. Durable and idempotent as
  // Put. The default reads the file whole and calls Put; the directory store streams it.
  virtual Task<Result<StoredBlob>> PutFile(BlobKey key, int fd, uint64_t size);

  // Removes the object; an absent object is not an error.
  virtual Task<Result<void>> Delete(BlobKey key) = 0;

  // One page of at most `max` (1..kBlobPageMax) objects, in ascending key order, after
  // `cursor`: "" for the first page, else the previous page's cursor (opaque). Only objects
  // named as blobs are listed; anything else in the directory or bucket is never touched.
  // An object written or deleted during a listing may or may not appear in it. For the orphan
  // sweep (store/orphan_sweep.h).
  virtual Task<Result<BlobPage>> List(std::string cursor, size_t max) = 0;

  // Removes what writes that never finished (a crash in the middle of a Put) left behind and
  // was last modified before `before` (Unix seconds); returns how many. None by default: an S3
  // PUT leaves nothing behind.
  virtual Task<Result<size_t>> RemoveStaleTemporaries(int64_t /*before*/) { co_return size_t{0}; }
};

}  // namespace ringmail
