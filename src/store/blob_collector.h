// The blob collector (docs/storage.md, "Collection"): frees the space of blobs no email
// references any more. One pass: mark up to `batch_max` blobs unreferenced for longer than
// the grace period as deleting, delete their objects, forget their rows. A periodic task
// (the server's) calls it; PostgreSQL deployments run it on one node at a time.
#pragma once

#include <cstddef>
#include <cstdint>

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
};

struct BlobCollectorPass {
  size_t marked = 0;
  size_t deleted = 0;    // objects deleted and rows forgotten
  size_t failed = 0;     // objects that could not be deleted: left marked for the next pass
  bool stopped = false;  // options.stop ended the pass before it forgot the deleted objects
};

// One pass at Unix time `now`. An object whose deletion fails keeps its row (still marked
// deleting; the next pass takes it again) and is counted in `failed`; a metadata failure is
// the pass's error.
Task<Result<BlobCollectorPass>> CollectBlobsOnce(BlobStore& blobs, MetadataStore& metadata,
                                                 int64_t now, BlobCollectorOptions options = {});

}  // namespace ringmail
