#include "store/delivery.h"

#include <algorithm>

#include "runtime/awaitables.h"

namespace ringmail {

Task<Result<void>> WaitUntilBlobForgotten(MetadataStore& metadata, BlobKey key, DeliveryRetry retry,
                                          Error refusal, int* waits, uint64_t* backoff_ms) {
  for (;;) {
    if ((*waits)++ >= retry.waits_max) co_return std::unexpected(refusal);
    co_await Sleep(*backoff_ms);
    *backoff_ms = std::min(*backoff_ms * 2, retry.backoff_max_ms);
    Result<bool> has = co_await metadata.HasBlob(key);
    if (!has && has.error().code != ErrorCode::kBusy) co_return std::unexpected(has.error());
    if (has && !*has) co_return Result<void>{};
  }
}

// Why a retry stores the object again only after seeing the blobs row gone: the collector
// deletes the object (its step b) after marking the row and before forgetting it (step c).
// An object written — or found present — before step b is deleted under us; one written
// after step c stays, because the row this delivery then creates is live and referenced.
// Calling Deliver again without that would be wrong even when the row is still there when
// we look: it may be forgotten an instant later, and Deliver would then create a fresh row
// for an object that is gone.
Task<Result<std::vector<PlacedMessage>>> DeliverMessage(BlobStore& blobs, MetadataStore& metadata,
                                                        std::string message,
                                                        DeliveryRequest request,
                                                        DeliveryRetry retry) {
  request.blob = BlobKey::Of(message);
  request.size = message.size();
  Result<StoredBlob> stored = co_await blobs.Put(request.blob, message);
  if (!stored) co_return std::unexpected(stored.error());
  uint64_t backoff_ms = retry.backoff_first_ms;
  int waits = 0;
  int stale = 0;
  for (;;) {
    request.stored_size = stored->stored_size;
    request.compression = stored->compression;
    request.blob_stored_at_ms = MonotonicMs();
    Result<std::vector<PlacedMessage>> placed = co_await metadata.Deliver(request);
    if (!placed && placed.error().code == ErrorCode::kTimeout && ++stale <= retry.waits_max) {
      // The store took longer than the blob write's validity: store the object again.
      stored = co_await blobs.Put(request.blob, message);
      if (!stored) co_return std::unexpected(stored.error());
      continue;
    }
    if (placed || placed.error().code != ErrorCode::kBusy) co_return placed;
    // Refused: the blob is being collected (or the store's queue is full). Wait until its
    // row is gone, then store the object again.
    Result<void> gone = co_await WaitUntilBlobForgotten(metadata, request.blob, retry,
                                                        placed.error(), &waits, &backoff_ms);
    if (!gone) co_return std::unexpected(gone.error());
    stored = co_await blobs.Put(request.blob, message);
    if (!stored) co_return std::unexpected(stored.error());
  }
}

}  // namespace ringmail
