// The orphan sweep (docs/storage.md, "Collection"): finds objects in the blob store that no
// blobs row knows — left by a crash between writing a delivery's object and committing its
// transaction — and hands them to the collector.
//
// It never deletes an object itself: a delivery may have found that object present (and
// skipped writing it) and be about to commit a row for it. Instead it adopts every object
// written before the grace period as an unreferenced row (MetadataStore::AdoptOrphanBlobs,
// which leaves existing rows alone), and the collector's next pass deletes it with the usual
// protocol: a delivery racing the adoption either references the new row (which is then not
// collected) or made its own row first (the adoption does nothing), and one racing the
// collection is refused as for any collected blob. It also removes what unfinished writes
// left behind (BlobStore::RemoveStaleTemporaries) at the start of each full listing.
//
// The listing is long for a large store, so one call does a bounded part of it and returns
// where the next call continues. Runs on the calling core; the stores must outlive the call.
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

struct OrphanSweepOptions {
  int64_t grace_s = 3600;          // [storage] blob-grace: objects written since are left alone
  size_t page_max = kBlobPageMax;  // objects per listing page (at most kAdoptBlobsMax)
  size_t pages_max = 100;          // pages per call; the next call continues from the cursor
  // Temporaries of unfinished writes older than this are removed. A write's temporary lives
  // for the seconds of one Put; an hour leaves a slow disk ample time.
  int64_t temporary_age_s = 3600;
  StopSignal* stop = nullptr;  // when set (on this core), Stop() ends the call between pages
};

struct OrphanSweepPass {
  size_t listed = 0;               // objects seen
  size_t adopted = 0;              // rows created for objects that had none
  size_t temporaries_removed = 0;  // leftovers of unfinished writes
  std::string cursor;              // where the next call continues; "" : the listing is done
};

// One call at Unix time `now`, listing from `cursor` ("" : from the start, and then it
// removes stale temporaries first). Stops after `pages_max` pages, at the end of the listing,
// or on `stop`. A listing or metadata failure is the call's error; the caller may retry from
// the same cursor.
Task<Result<OrphanSweepPass>> SweepOrphanBlobs(BlobStore& blobs, MetadataStore& metadata,
                                               int64_t now, std::string cursor,
                                               OrphanSweepOptions options = {});

}  // namespace ringmail
