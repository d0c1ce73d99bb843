#include "store/blob_collector.h"

#include <utility>
#include <vector>

#include "base/log.h"
#include "runtime/awaitables.h"

namespace ringmail {

Task<Result<BlobCollectorPass>> CollectBlobsOnce(BlobStore& blobs, MetadataStore& metadata,
                                                 int64_t now, BlobCollectorOptions options) {
  BlobCollectorPass pass;
  Result<std::vector<BlobKey>> marked =
      co_await metadata.MarkBlobsForDeletion(now - options.grace_s, options.batch_max);
  if (!marked) co_return std::unexpected(marked.error());
  pass.marked = marked->size();
  std::vector<BlobKey> gone;
  for (const BlobKey& key : *marked) {
    Result<void> deleted = co_await blobs.Delete(key);
    if (deleted) {
      gone.push_back(key);
    } else {
      ++pass.failed;
      Log(LogLevel::kWarn, "blob_delete_failed", "key", key.Hex(), "error",
          deleted.error().ToString());
    }
  }
  if (gone.empty()) co_return pass;
  pass.deleted = gone.size();
  // Any delivery that found one of these objects present before we deleted it either
  // commits while the rows still say 'deleting' (and is refused, then stores the object
  // again) or is refused as stale: its Put is older than its validity by then.
  co_await Sleep(options.forget_delay_ms);
  Result<void> forgotten = co_await metadata.ForgetBlobs(std::move(gone));
  if (!forgotten) co_return std::unexpected(forgotten.error());
  co_return pass;
}

}  // namespace ringmail
