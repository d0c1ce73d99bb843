// DeliverMessage: a message into mailboxes, across both stores (docs/storage.md, "Delivery,
// step by step"): the blob is stored durably first, then one metadata transaction references
// it. Only when this returns success may the delivery be acknowledged (SMTP 250, IMAP APPEND
// OK).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "runtime/task.h"
#include "store/blob_store.h"
#include "store/metadata_store.h"

namespace ringmail {

struct DeliveryRetry {
  int waits_max = 12;             // waits after refusals before giving up (kBusy)
  uint64_t backoff_first_ms = 5;  // the first wait; doubled after each…
  uint64_t backoff_max_ms = 500;  // …up to this (the defaults wait about 2.6 s in all)
};

// Computes the key, Put()s the blob, fills in blob, size, stored_size and compression of
// `request` (its targets, flags, summary and received_at are the caller's) and calls
// MetadataStore::Deliver. When Deliver answers kBusy (the blob is being collected, or the
// store's queue is full) it waits until the blob has no row any more — the collector has
// deleted the object and forgotten the row — stores the object again and calls Deliver
// again. After `retry.waits_max` waits it returns kBusy (a temporary failure). Runs on the
// calling core; both stores must outlive the call.
Task<Result<std::vector<PlacedMessage>>> DeliverMessage(BlobStore& blobs, MetadataStore& metadata,
                                                        std::string message,
                                                        DeliveryRequest request,
                                                        DeliveryRetry retry = {});

// Waits, with `retry`'s backoff, until blob `key` has no blobs row any more (the collector
// deleted its object and forgot the row), so that the caller may store the object again.
// `*waits` and `*backoff_ms` carry the count and the next wait across calls; past
// `retry.waits_max` waits in all it returns `refusal`. The store's error when it fails.
Task<Result<void>> WaitUntilBlobForgotten(MetadataStore& metadata, BlobKey key, DeliveryRetry retry,
                                          Error refusal, int* waits, uint64_t* backoff_ms);

}  // namespace ringmail
