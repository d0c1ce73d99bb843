// COPY, MOVE and their UID forms (RFC 9051 §6.4.7-6.4.8, RFC 6851, COPYUID RFC 4315).
//
// Each message is delivered again to the target (the blob store deduplicates the bytes and
// the metadata store adds a reference), one transaction per message: a failure midway leaves
// the messages copied so far. MOVE then expunges the sources. A store operation copying in
// one transaction would make both atomic (docs/imap.md, "COPY, MOVE and REPLACE").
//
// Quota (commands/quota.cc): COPY checks the total size first and stores nothing over it
// (NO [OVERQUOTA]); MOVE does not change the account's usage and is not refused.
#include "imap/session.h"
#include "mime/imap_forms.h"
#include "store/delivery.h"

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
  std::vector<uint32_t> uids;
  for (size_t p : Resolve(args.set, c.uid)) uids.push_back(shown().messages[p].uid);
  Result<std::vector<MessageRecord>> records;
  if (!uids.empty()) records = co_await services_->metadata->LoadMessages(source, uids);
  if (!uids.empty() && !records) {
    StoreFailure(c.tag, records.error());
    co_return;
  }
  if (!move && !uids.empty()) {
    uint64_t total = 0;
    for (const MessageRecord& rec : *records) total += rec.size;
    const bool fits = co_await QuotaAllows(c.tag, total, 0);
    if (!fits) co_return;
  }
  std::vector<uint32_t> from, to;
  for (const MessageRecord& rec : uids.empty() ? std::vector<MessageRecord>() : *records) {
    Result<std::string> bytes = co_await services_->blobs->Get(rec.blob);
    if (!bytes) {
      StoreFailure(c.tag, bytes.error());
      co_return;
    }
    DeliveryRequest request;
    request.received_at = rec.received_at;
    request.targets.push_back({target.id, rec.flags});
    request.enforce_quota = !move;  // the sources go: usage does not grow
    mime::ImapForms forms = mime::MakeImapForms(*bytes);
    request.summary.envelope = std::move(forms.envelope);
    request.summary.bodystructure = std::move(forms.bodystructure);
    Result<std::vector<PlacedMessage>> placed = co_await DeliverMessage(
        *services_->blobs, *services_->metadata, std::move(*bytes), std::move(request));
    if (!placed) {
      StoreFailure(c.tag, placed.error());
      co_return;
    }
    from.push_back(rec.uid);
    to.push_back(placed->front().uid);
  }
  if (!to.empty()) Notify(target.id);
  std::string copyuid;
  if (!to.empty()) {
    copyuid = "[COPYUID " + std::to_string(target.uid_validity) + " " + CompactUidSet(from) + " " +
              CompactUidSet(to) + "] ";
  }
  if (!move) {
    Tagged(c.tag, "OK", copyuid + (c.uid ? "UID COPY completed" : "COPY completed"));
    co_return;
  }
  if (!copyuid.empty()) Untagged("OK " + copyuid + "Moved");
  if (!from.empty()) {
    Result<std::vector<uint32_t>> removed = co_await services_->metadata->Expunge(source, from);
    if (!removed) {
      StoreFailure(c.tag, removed.error());
      co_return;
    }
    Notify(source);
  }
  Result<void> synced = co_await Sync(true, true);
  (void)synced;
  Tagged(c.tag, "OK", c.uid ? "UID MOVE completed" : "MOVE completed");
}

}  // namespace ringmail::imap
