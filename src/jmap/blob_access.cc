#include "jmap/blob_access.h"

#include "jmap/ids.h"
#include "server/protocol_setup.h"
#include "store/metadata_store.h"

namespace ringmail::jmap {
namespace {

// The key of `blob_id` when the account may read it; kNotFound otherwise.
Task<Result<BlobKey>> AccountBlobKey(const MailServices& services, int64_t account_id,
                                     std::string blob_id) {
  std::optional<BlobKey> key = ParseBlobId(blob_id);
  if (!key) co_return std::unexpected(Error{ErrorCode::kNotFound, "no such blob"});
  Result<bool> owned = co_await services.stores->metadata->AccountHasBlob(account_id, *key);
  if (!owned) co_return std::unexpected(owned.error());
  if (!*owned) co_return std::unexpected(Error{ErrorCode::kNotFound, "no such blob"});
  co_return *key;
}

}  // namespace

Task<Result<std::string>> ReadAccountBlob(const MailServices& services, int64_t account_id,
                                          std::string blob_id) {
  Result<BlobKey> key = co_await AccountBlobKey(services, account_id, std::move(blob_id));
  if (!key) co_return std::unexpected(key.error());
  Result<std::string> bytes = co_await services.stores->blobs->Get(*key);
  co_return bytes;
}

Task<Result<std::unique_ptr<BlobReader>>> OpenAccountBlob(const MailServices& services,
                                                          int64_t account_id, std::string blob_id) {
  Result<BlobKey> key = co_await AccountBlobKey(services, account_id, std::move(blob_id));
  if (!key) co_return std::unexpected(key.error());
  Result<std::unique_ptr<BlobReader>> reader = co_await services.stores->blobs->OpenReader(*key);
  co_return reader;
}

}  // namespace ringmail::jmap
