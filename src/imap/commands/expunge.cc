// EXPUNGE and UID EXPUNGE (RFC 9051 §6.4.3, RFC 4315 §2.1).
#include "imap/session.h"

namespace ringmail::imap {

Task<void> Session::Expunge(Command c) {
  if (selected_->read_only) {
    Tagged(c.tag, "NO", "[READ-ONLY] Mailbox is read-only");
    co_return;
  }
  std::vector<size_t> positions;
  if (c.uid) {
    positions = Resolve(std::get<UidExpungeArgs>(c.args).set, true);
  } else {
    for (size_t i = 0; i < shown().messages.size(); ++i) positions.push_back(i);
  }
  std::vector<uint32_t> uids;
  for (size_t p : positions) {
    const IndexEntry& e = shown().messages[p];
    if ((e.flag_bits & kFlagBitDeleted) && !(e.flag_bits & kGhostBit)) uids.push_back(e.uid);
  }
  const int64_t id = selected_->mailbox_id;
  if (!uids.empty()) {
    Result<std::vector<uint32_t>> removed = co_await services_->metadata->Expunge(id, uids);
    if (!removed) {
      StoreFailure(c.tag, removed.error());
      co_return;
    }
    Notify(id);
  }
  // The reload announces our expunges and anyone else's, in order.
  Result<void> synced = co_await Sync(true, true);
  if (!synced) {
    StoreFailure(c.tag, synced.error());
    co_return;
  }
  Tagged(c.tag, "OK", c.uid ? "UID EXPUNGE completed" : "EXPUNGE completed");
}

}  // namespace ringmail::imap
