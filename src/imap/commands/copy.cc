// COPY, MOVE and their UID forms (RFC 9051 §6.4.7-6.4.8, RFC 6851, COPYUID RFC 4315).
//
// One store call (MetadataStore::CopyMessages), one transaction: every message is copied (or
// moved) or, on any failure, none, so a crash or a store error leaves neither duplicates nor
// losses. A copy is a new message (the blob is shared); a move keeps the message (its email)
// and gives it a new UID in the target, removing it from the source in the same transaction.
//
// Quota (commands/quota.cc, RFC 9208 §4.2): COPY checks the size and count of the copies first
// and stores nothing over either limit (NO [OVERQUOTA]); the store checks the same in its
// transaction. MOVE does not change the account's usage and is not refused.
#include "imap/session.h"

namespace ringmail::imap {

Task<void> Session::Copy(Command c) {
  CopyArgs& args = std::get<CopyArgs>(c.args);
  const bool move = c.name == CommandName::kMove;
  if (move && selected_->read_only) {
    Tagged(c.tag, "NO", "[READ-ONLY] Mailbox is read-only");
    co_return;
  }
  std::optional<MailboxRecord> found =
      co_await MailboxOrReply(c.tag, args.mailbox, "[TRYCREATE] No such mailbox");
  if (!found) co_return;
  const MailboxRecord target = std::move(*found);
  const int64_t source = selected_->mailbox_id;
  CopyRequest request;
  request.source_mailbox_id = source;
  request.target_mailbox_id = target.id;
  request.move = move;
  request.enforce_quota = !move;  // a move does not grow the usage
  for (size_t p : Resolve(args.set, c.uid)) request.uids.push_back(shown().messages[p].uid);
  if (!move && !request.uids.empty()) {
    Result<std::vector<MessageRecord>> records =
        co_await services_->metadata->LoadMessages(source, request.uids);
    if (!records) {
      StoreFailure(c.tag, records.error());
      co_return;
    }
    uint64_t total = 0;
    for (const MessageRecord& rec : *records) total += rec.size;
    const bool fits = co_await QuotaAllows(c.tag, total, 0, records->size(), 0);
    if (!fits) co_return;
  }
  CopyResult copied;
  if (!request.uids.empty()) {
    Result<CopyResult> done = co_await services_->metadata->CopyMessages(std::move(request));
    if (!done) {
      StoreFailure(c.tag, done.error());
      co_return;
    }
    copied = std::move(*done);
  }
  std::string copyuid;
  if (!copied.target_uids.empty()) {
    Notify(target.id);
    copyuid = "[COPYUID " + std::to_string(target.uid_validity) + " " +
              CompactUidSet(copied.source_uids) + " " + CompactUidSet(copied.target_uids) + "] ";
  }
  if (!move) {
    Tagged(c.tag, "OK", copyuid + (c.uid ? "UID COPY completed" : "COPY completed"));
    co_return;
  }
  // RFC 6851 §4.3: COPYUID goes in an untagged OK before the expunges.
  if (!copyuid.empty()) {
    Untagged("OK " + copyuid + "Moved");
    Notify(source);
  }
  Result<void> synced = co_await Sync(true, true);
  (void)synced;  // a failed reload leaves the change pending: shown at the next command
  Tagged(c.tag, "OK", c.uid ? "UID MOVE completed" : "MOVE completed");
}

}  // namespace ringmail::imap
