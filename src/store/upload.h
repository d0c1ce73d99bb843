// StoreUpload: a JMAP upload into both stores (docs/storage.md, "Blob uploads"), the blob
// first, then MetadataStore::RecordUpload. Only when this returns success may the upload be
// acknowledged (the blob id handed out).
#pragma once

#include <string>

#include "base/result.h"
#include "runtime/task.h"
#include "store/blob_store.h"
#include "store/delivery.h"
#include "store/metadata_store.h"

namespace ringmail {

// Computes the key, Put()s the blob, fills in blob, size, stored_size and compression of
// `request` (account, type and expires_at are the caller's) and calls RecordUpload, retrying
// as DeliverMessage does: kTimeout stores the object again; kBusy (the blob is being
// collected) waits until its row is gone, then stores it again, up to `retry.waits_max`
// waits. Returns the key. Runs on the calling core; both stores must outlive the call.
Task<Result<BlobKey>> StoreUpload(BlobStore& blobs, MetadataStore& metadata, std::string bytes,
                                  BlobUploadRequest request, DeliveryRetry retry = {});

// The same for an upload spooled to a file: its first `size` bytes, whose SHA-256 the caller
// computed as they arrived (`key`), stored with BlobStore::PutFile. `fd` stays the caller's
// and must stay open until the task completes.
Task<Result<BlobKey>> StoreUploadFile(BlobStore& blobs, MetadataStore& metadata, int fd,
                                      uint64_t size, BlobKey key, BlobUploadRequest request,
                                      DeliveryRetry retry = {});

}  // namespace ringmail
