#include "store/orphan_sweep.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "base/check.h"

namespace ringmail {

Task<Result<OrphanSweepPass>> SweepOrphanBlobs(BlobStore& blobs, MetadataStore& metadata,
                                               int64_t now, std::string cursor,
                                               OrphanSweepOptions options) {
  CHECK(options.page_max > 0 && options.page_max <= std::min(kBlobPageMax, kAdoptBlobsMax));
  OrphanSweepPass pass;
  if (cursor.empty()) {
    Result<size_t> removed = co_await blobs.RemoveStaleTemporaries(now - options.temporary_age_s);
    if (!removed) co_return std::unexpected(removed.error());
    pass.temporaries_removed = *removed;
  }
  pass.cursor = std::move(cursor);
  const int64_t written_before = now - options.grace_s;
  for (size_t pages = 0; pages < options.pages_max; ++pages) {
    if (options.stop != nullptr && options.stop->stopped()) break;
    Result<BlobPage> page = co_await blobs.List(pass.cursor, options.page_max);
    if (!page) co_return std::unexpected(page.error());
    pass.listed += page->entries.size();
    std::vector<OrphanBlob> old;
    for (const BlobListing& entry : page->entries) {
      if (entry.modified_at <= written_before) {
        old.push_back({entry.key, entry.stored_size, std::max<int64_t>(entry.modified_at, 0)});
      }
    }
    // Adopting a key that has a row changes nothing, so every old key goes: one statement
    // per page instead of a lookup per key.
    if (!old.empty()) {
      Result<size_t> adopted = co_await metadata.AdoptOrphanBlobs(std::move(old));
      if (!adopted) co_return std::unexpected(adopted.error());
      pass.adopted += *adopted;
    }
    pass.cursor = std::move(page->cursor);
    if (pass.cursor.empty()) break;
  }
  co_return pass;
}

}  // namespace ringmail
