// The blob collector (docs/storage.md, "Collection"): frees the space of blobs no email
// references any more. One pass: mark up to `batch_max` blobs unreferenced for longer than
// the grace period as deleting, delete their objects, forget their rows. A periodic task
// (the server's) calls it. Passes must not overlap — two of them could both take rows left
// 'deleting' — so in a cluster a pass runs only under the collector lease (below).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/result.h"
#include "runtime/stop_signal.h"
#include "runtime/task.h"
#include "store/blob_store.h"
#include "store/metadata_store.h"

namespace ringmail {

struct BlobCollectorOptions {
  int64_t grace_s = 3600;  // [storage] blob-grace
  size_t batch_max = 1000;
  // Wait between deleting objects and forgetting their rows; must exceed the
  // blob_write_validity_ms of every delivery (kBlobWriteValidityMs) plus clock-rate slack.
  uint64_t forget_delay_ms = kBlobWriteValidityMs + 5000;
  // When set (on the pass's core), Stop() ends the pass early — between object deletions or
  // in the wait above — without forgetting anything: its rows stay marked deleting, and the
  // next pass (after a restart too) takes them again. So a server shutting down need not
  // wait for the delay.
  StopSignal* stop = nullptr;
  // The collector lease (MetadataStore::ClaimCollectorLease; docs/storage.md, "Collection"):
  // when set, the pass claims the lease as `lease_holder` first and is `skipped` when another
  // node holds it. Before each step that deletes or marks, it renews the lease if a quarter
  // of `lease_ttl_s` has passed since it last claimed it, and stops (as with `stop`) when it
  // cannot renew it or half the ttl has passed: a request sent then lands before the lease
  // can expire. It frees the lease at its end. Empty: no lease (a node known to be alone).
  std::string lease_holder;
  uint32_t lease_ttl_s = 600;
};

struct BlobCollectorPass {
  size_t marked = 0;
  size_t deleted = 0;       // objects deleted and rows forgotten
  size_t failed = 0;        // objects that could not be deleted: left marked for the next pass
  bool stopped = false;     // options.stop ended the pass before it forgot the deleted objects
  bool skipped = false;     // another node holds the collector lease: nothing was done
  bool lease_lost = false;  // the lease could not be kept: the pass stopped as on `stop`
};

// One pass at Unix time `now`. An object whose deletion fails keeps its row (still marked
// deleting; the next pass takes it again) and is counted in `failed`; a metadata failure is
// the pass's error (the lease, if claimed, is freed all the same).
Task<Result<BlobCollectorPass>> CollectBlobsOnce(BlobStore& blobs, MetadataStore& metadata,
                                                 int64_t now, BlobCollectorOptions options = {});

}  // namespace ringmail
