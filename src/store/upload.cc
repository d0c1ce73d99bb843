#include "store/upload.h"

namespace ringmail {

// Why the object is stored again only after its row is gone: store/delivery.cc.
Task<Result<BlobKey>> StoreUpload(BlobStore& blobs, MetadataStore& metadata, std::string bytes,
                                  BlobUploadRequest request, DeliveryRetry retry) {
  request.blob = BlobKey::Of(bytes);
  request.size = bytes.size();
  uint64_t backoff_ms = retry.backoff_first_ms;
  int waits = 0;
  for (int attempt = 0;; ++attempt) {
    Result<StoredBlob> stored = co_await blobs.Put(request.blob, bytes);
    if (!stored) co_return std::unexpected(stored.error());
    request.stored_size = stored->stored_size;
    request.compression = stored->compression;
    request.blob_stored_at_ms = MonotonicMs();
    Result<void> recorded = co_await metadata.RecordUpload(request);
    if (recorded) co_return request.blob;
    const ErrorCode code = recorded.error().code;
    if (code == ErrorCode::kTimeout && attempt < retry.waits_max) continue;
    if (code != ErrorCode::kBusy) co_return std::unexpected(recorded.error());
    Result<void> gone = co_await WaitUntilBlobForgotten(metadata, request.blob, retry,
                                                        recorded.error(), &waits, &backoff_ms);
    if (!gone) co_return std::unexpected(gone.error());
  }
}

}  // namespace ringmail
