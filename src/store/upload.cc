#include "store/upload.h"

namespace ringmail {
namespace {

// What an upload stores: bytes in memory, or the first `size` bytes of a spooled file.
struct UploadBody {
  std::string_view bytes;
  int fd = -1;
  uint64_t size = 0;
};

Task<Result<StoredBlob>> PutBody(BlobStore& blobs, BlobKey key, UploadBody body) {
  if (body.fd < 0) co_return co_await blobs.Put(key, body.bytes);
  co_return co_await blobs.PutFile(key, body.fd, body.size);
}

// Why the object is stored again only after its row is gone: store/delivery.cc.
Task<Result<BlobKey>> StoreBody(BlobStore& blobs, MetadataStore& metadata, UploadBody body,
                                BlobUploadRequest request, DeliveryRetry retry) {
  uint64_t backoff_ms = retry.backoff_first_ms;
  int waits = 0;
  for (int attempt = 0;; ++attempt) {
    Result<StoredBlob> stored = co_await PutBody(blobs, request.blob, body);
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

}  // namespace

Task<Result<BlobKey>> StoreUpload(BlobStore& blobs, MetadataStore& metadata, std::string bytes,
                                  BlobUploadRequest request, DeliveryRetry retry) {
  request.blob = BlobKey::Of(bytes);
  request.size = bytes.size();
  UploadBody body;  // not braced in the co_await (GCC 12)
  body.bytes = bytes;
  co_return co_await StoreBody(blobs, metadata, body, std::move(request), retry);
}

Task<Result<BlobKey>> StoreUploadFile(BlobStore& blobs, MetadataStore& metadata, int fd,
                                      uint64_t size, BlobKey key, BlobUploadRequest request,
                                      DeliveryRetry retry) {
  request.blob = key;
  request.size = size;
  UploadBody body;
  body.fd = fd;
  body.size = size;
  co_return co_await StoreBody(blobs, metadata, body, std::move(request), retry);
}

}  // namespace ringmail
