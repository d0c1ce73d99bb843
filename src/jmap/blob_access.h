// Which blobs an account may read (RFC 8620 §6: a blob id is a content hash anyone can
// compute, so holding the id proves nothing): the one check behind download, Email/import,
// Email/parse, Email/set's attachments and Blob/copy. A blob is the account's when one of its
// emails is stored under it or it uploaded the blob and the upload has not expired
// (MetadataStore::AccountHasBlob, one indexed lookup). Any core; suspends on the store.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "runtime/task.h"
#include "store/blob_stream.h"

namespace ringmail {
struct MailServices;
}

namespace ringmail::jmap {

// The bytes of blob `blob_id` ("B" + SHA-256 hex, jmap/ids.h) for `account_id`:
// kNotFound when the id is malformed, unknown, or another account's (one answer for all, so
// ids never reveal what other accounts hold); the store's error when it fails.
Task<Result<std::string>> ReadAccountBlob(const MailServices& services, int64_t account_id,
                                          std::string blob_id);

// The same check, then the blob as a reader of verified pieces (BlobStore::OpenReader), for
// a download of any size in bounded memory.
Task<Result<std::unique_ptr<BlobReader>>> OpenAccountBlob(const MailServices& services,
                                                          int64_t account_id, std::string blob_id);

}  // namespace ringmail::jmap
