// The local-directory blob store: ROOT/ab/cd/<sha256 hex>, each object in the format of
// store/blob_format.h. A write goes to ROOT/tmp, is fsynced, renamed into place, and the
// directories it touched are fsynced: durable before Put succeeds. The syncing is shared by
// the Puts of one core made at the same moment (group commit, store/fs_blob_sync.h). All file
// operations go through the reactor's ring (runtime/file_io.h); no reactor thread blocks on the
// disk. The directory walks of List and RemoveStaleTemporaries (store/fs_blob_listing.h), which the
// ring cannot do, run on the worker pool.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "runtime/worker_pool.h"
#include "store/blob_store.h"
#include "store/fs_blob_sync.h"

namespace ringmail {

struct FsBlobStoreOptions {
  std::string root;  // created if missing
  blob_format::Compression compression = blob_format::Compression::kNone;
  // Runs the directory walks; must outlive the store. Null: they run on the calling thread
  // (tests and tools, not a serving reactor).
  WorkerPool* workers = nullptr;
};

class FsBlobStore : public BlobStore {
 public:
  // Creates ROOT, ROOT/tmp and the 256 first-level fan-out directories if needed, and fsyncs
  // them (fs_blob_fanout.h). Runs at start-up (blocking calls are fine there).
  static Result<std::unique_ptr<FsBlobStore>> Open(const FsBlobStoreOptions& options);
  ~FsBlobStore() override;

  Task<Result<StoredBlob>> Put(BlobKey key, std::string_view message) override;
  Task<Result<std::string>> Get(BlobKey key) override;
  Task<Result<void>> Delete(BlobKey key) override;
  // Streaming entry points (fs_blob_stream.cc): the file read in verified windows, and an
  // object encoded from a spooled file piece by piece, with Put's durability.
  Task<Result<std::unique_ptr<BlobReader>>> OpenReader(BlobKey key) override;
  Task<Result<StoredBlob>> PutFile(BlobKey key, int fd, uint64_t size) override;
  // The cursor is the last key of the previous page, in hex.
  Task<Result<BlobPage>> List(std::string cursor, size_t max) override;
  // The files in ROOT/tmp (each Put's own, named KEY.N) older than `before`.
  Task<Result<size_t>> RemoveStaleTemporaries(int64_t before) override;

  // What the grouped syncs did so far (tests, benchmarks).
  FsSyncGroups::Stats sync_stats() const { return syncs_.stats(); }

 private:
  FsBlobStore(FsBlobStoreOptions options, int root_fd)
      : options_(std::move(options)), root_fd_(root_fd), syncs_(root_fd) {}
  // PutFile's parts: the object already stored under `path`, if complete; one encoding of
  // the file into the temporary `out_fd` (the header it wrote, or an error).
  Task<std::optional<StoredBlob>> Existing(std::string path, uint64_t size);
  Task<Result<blob_format::Header>> EncodeFile(int in_fd, uint64_t size, int out_fd,
                                               blob_format::Compression compression);

  FsBlobStoreOptions options_;
  int root_fd_;
  FsSyncGroups syncs_;
};

}  // namespace ringmail
