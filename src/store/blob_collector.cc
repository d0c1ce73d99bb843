#include "store/blob_collector.h"

#include <utility>
#include <vector>

#include "base/log.h"
#include "runtime/awaitables.h"

namespace ringmail {
namespace {

// The collector lease through one pass. Its expiry is the database's clock, which this node
// cannot read; but a claim sent at monotonic time T that succeeded holds at least until
// T + ttl, so a step sent before T + ttl/2 lands well before another node can take over
// (an S3 delete with all its retries takes minutes at most; the clock rates of two machines
// agree closely enough over minutes).
class PassLease {
 public:
  PassLease(MetadataStore& metadata, const BlobCollectorOptions& options)
      : metadata_(metadata),
        holder_(options.lease_holder),
        ttl_ms_(options.lease_ttl_s * 1000ull) {}

  // Claims the lease; false when another node holds it. Errors are the pass's.
  Task<Result<bool>> Claim() {
    if (holder_.empty()) co_return true;
    const uint64_t sent_ms = MonotonicMs();
    Result<bool> claimed = co_await metadata_.ClaimCollectorLease(holder_, ttl_ms_ / 1000);
    if (claimed && *claimed) {
      claimed_at_ms_ = sent_ms;
      held_ = true;
    }
    co_return claimed;
  }

  // Before a step: whether the pass may still take it (renewing the lease when due).
  Task<bool> Keep() {
    if (holder_.empty()) co_return true;
    if (!held_) co_return false;
    if (MonotonicMs() - claimed_at_ms_ > ttl_ms_ / 4) {
      Result<bool> renewed = co_await Claim();
      if (!renewed || !*renewed) {
        Log(LogLevel::kWarn, "blob_collector_lease_lost", "holder", holder_, "error",
            renewed ? std::string("held by another node") : renewed.error().ToString());
        held_ = false;
        co_return false;
      }
    }
    co_return MonotonicMs() - claimed_at_ms_ < ttl_ms_ / 2;
  }

  // Frees the lease if this pass claimed it. A failure only delays the next pass elsewhere:
  // the lease expires.
  Task<void> Release() {
    if (holder_.empty() || claimed_at_ms_ == 0) co_return;
    Result<void> released = co_await metadata_.ReleaseCollectorLease(holder_);
    if (!released) {
      Log(LogLevel::kWarn, "blob_collector_lease_release_failed", "error",
          released.error().ToString());
    }
  }

 private:
  MetadataStore& metadata_;
  std::string holder_;
  uint64_t ttl_ms_;
  uint64_t claimed_at_ms_ = 0;  // when the last successful claim was sent; 0: never
  bool held_ = false;
};

// Steps (b) and (c) of the pass for the rows `marked` has marked.
Task<Result<void>> DeleteAndForget(BlobStore& blobs, MetadataStore& metadata,
                                   std::vector<BlobKey> marked, BlobCollectorOptions options,
                                   PassLease* lease, BlobCollectorPass* pass) {
  std::vector<BlobKey> gone;
  for (const BlobKey& key : marked) {
    if (options.stop != nullptr && options.stop->stopped()) {
      pass->stopped = true;  // the rows of these objects, deleted or not, stay marked
      co_return Result<void>{};
    }
    const bool kept = co_await lease->Keep();
    if (!kept) {
      pass->stopped = pass->lease_lost = true;
      co_return Result<void>{};
    }
    Result<void> deleted = co_await blobs.Delete(key);
    if (deleted) {
      gone.push_back(key);
    } else {
      ++pass->failed;
      Log(LogLevel::kWarn, "blob_delete_failed", "key", key.Hex(), "error",
          deleted.error().ToString());
    }
  }
  if (gone.empty()) co_return Result<void>{};
  // Any delivery that found one of these objects present before we deleted it either
  // commits while the rows still say 'deleting' (and is refused, then stores the object
  // again) or is refused as stale: its Put is older than its validity by then.
  if (options.stop != nullptr) {
    const bool waited = co_await options.stop->Sleep(options.forget_delay_ms);
    if (!waited) {
      pass->stopped = true;
      co_return Result<void>{};
    }
  } else {
    co_await Sleep(options.forget_delay_ms);
  }
  const bool kept = co_await lease->Keep();
  if (!kept) {
    pass->stopped = pass->lease_lost = true;
    co_return Result<void>{};
  }
  pass->deleted = gone.size();
  co_return co_await metadata.ForgetBlobs(std::move(gone));
}

}  // namespace

Task<Result<BlobCollectorPass>> CollectBlobsOnce(BlobStore& blobs, MetadataStore& metadata,
                                                 int64_t now, BlobCollectorOptions options) {
  BlobCollectorPass pass;
  PassLease lease(metadata, options);
  Result<bool> claimed = co_await lease.Claim();
  if (!claimed) co_return std::unexpected(claimed.error());
  if (!*claimed) {
    pass.skipped = true;
    co_return pass;
  }
  Result<std::vector<BlobKey>> marked =
      co_await metadata.MarkBlobsForDeletion(now - options.grace_s, options.batch_max);
  Result<void> done = marked ? Result<void>{} : Result<void>(std::unexpected(marked.error()));
  if (marked) {
    pass.marked = marked->size();
    done = co_await DeleteAndForget(blobs, metadata, std::move(*marked), options, &lease, &pass);
  }
  co_await lease.Release();
  if (!done) co_return std::unexpected(done.error());
  co_return pass;
}

}  // namespace ringmail
