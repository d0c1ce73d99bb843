#include "jmap/blob_access.h"

#include <vector>

#include "jmap/ids.h"
#include "server/protocol_setup.h"
#include "store/metadata_store.h"

namespace ringmail::jmap {
namespace {

// Whether the account holds a message whose bytes are `key`: linear in the account's
// messages until the store has an index for it.
Task<Result<bool>> AccountHasBlob(MetadataStore* store, int64_t account_id, BlobKey key) {
  Result<std::vector<MailboxRecord>> list = co_await store->ListMailboxes(account_id);
  if (!list) co_return std::unexpected(list.error());
  for (const MailboxRecord& m : *list) {
    Result<MailboxSnapshot> snap = co_await store->LoadMailbox(m.id);
    if (!snap) co_return std::unexpected(snap.error());
    for (const MessageRecord& r : snap->messages) {
      if (r.blob == key) co_return true;
    }
  }
  co_return false;
}

}  // namespace

Task<Result<std::string>> ReadAccountBlob(const MailServices& services, int64_t account_id,
                                          std::string blob_id) {
  std::optional<BlobKey> key = ParseBlobId(blob_id);
  if (!key) co_return std::unexpected(Error{ErrorCode::kNotFound, "no such blob"});
  Result<bool> owned = co_await AccountHasBlob(services.stores->metadata.get(), account_id, *key);
  if (!owned) co_return std::unexpected(owned.error());
  if (!*owned) co_return std::unexpected(Error{ErrorCode::kNotFound, "no such blob"});
  Result<std::string> bytes = co_await services.stores->blobs->Get(*key);
  co_return bytes;
}

}  // namespace ringmail::jmap
