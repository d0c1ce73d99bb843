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
    if (options.stop != nullptr && options.stop->stopped()) {
      pass.stopped = true;  // the rows of these objects, deleted or not, stay marked
      co_return pass;
    }
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
  // Any delivery that found one of these objects present before we deleted it either
  // commits while the rows still say 'deleting' (and is refused, then stores the object
  // again) or is refused as stale: its Put is older than its validity by then.
  if (options.stop != nullptr) {
    const bool waited = co_await options.stop->Sleep(options.forget_delay_ms);
    if (!waited) {
      pass.stopped = true;
      co_return pass;
    }
  } else {
    co_await Sleep(options.forget_delay_ms);
  }
  pass.deleted = gone.size();
  Result<void> forgotten = co_await metadata.ForgetBlobs(std::move(gone));
  if (!forgotten) co_return std::unexpected(forgotten.error());
  co_return pass;
}

}  // namespace ringmail
