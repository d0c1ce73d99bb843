// REPLACE and UID REPLACE (RFC 8508): APPEND a new message to a mailbox, then expunge the
// old one from the selected mailbox.
//
// The message is read like APPEND's (literals, LITERAL+, literal8, APPENDLIMIT: the reader
// treats both alike) and checked first: an unknown message number is BAD (UID REPLACE: NO),
// a read-only selection NO [READ-ONLY], a missing target NO [TRYCREATE], and the quota
// counts the new size minus the old one (NO [OVERQUOTA]). Then the delivery (quota not
// enforced again: the replaced message is about to go), an untagged OK [APPENDUID ...], the
// expunge, and the EXISTS / EXPUNGE (or VANISHED) they cause. Two store transactions, as
// MOVE: a failure of the expunge leaves both messages (docs/imap.md, "COPY, MOVE and
// REPLACE").
#include "imap/session.h"
#include "store/delivery.h"

namespace ringmail::imap {

Task<void> Session::Replace(Command c) {
  ReplaceArgs& args = std::get<ReplaceArgs>(c.args);
  if (selected_->read_only) {
    Tagged(c.tag, "NO", "[READ-ONLY] Mailbox is read-only");
    co_return;
  }
  SequenceSet one;
  one.ranges.push_back({args.number, args.number});
  const std::vector<size_t> positions = Resolve(one, c.uid);
  if (positions.empty()) {
    Tagged(c.tag, c.uid ? "NO" : "BAD", "No such message");
    co_return;
  }
  const int64_t source = selected_->mailbox_id;
  const uint32_t old_uid = shown().messages[positions.front()].uid;
  std::vector<uint32_t> old_uids(1, old_uid);
  Result<std::vector<MessageRecord>> old =
      co_await services_->metadata->LoadMessages(source, old_uids);
  if (!old) {
    StoreFailure(c.tag, old.error());
    co_return;
  }
  if (old->empty()) {
    Tagged(c.tag, "NO", "[EXPUNGEISSUED] The message was expunged");
    co_return;
  }
  std::optional<MailboxRecord> found =
      co_await MailboxOrReply(c.tag, args.mailbox, "[TRYCREATE] No such mailbox");
  if (!found) co_return;
  const MailboxRecord target = std::move(*found);
  DeliveryRequest request;
  if (!AppendRequest(c.tag, args.message, target.id, &request)) co_return;
  const bool fits = co_await QuotaAllows(c.tag, args.message.data.size(), old->front().size, 1, 1);
  if (!fits) co_return;
  request.enforce_quota = false;  // checked above, with the replaced message's bytes freed
  Result<std::vector<PlacedMessage>> placed = co_await DeliverMessage(
      *services_->blobs, *services_->metadata, std::move(args.message.data), std::move(request));
  if (!placed) {
    StoreFailure(c.tag, placed.error());
    co_return;
  }
  Notify(target.id);
  Untagged("OK [APPENDUID " + std::to_string(target.uid_validity) + " " +
           std::to_string(placed->front().uid) + "] Replacement message ready");
  Result<std::vector<uint32_t>> removed =
      co_await services_->metadata->Expunge(source, std::move(old_uids));
  if (!removed) {
    StoreFailure(c.tag, removed.error());
    co_return;
  }
  Notify(source);
  Result<void> synced = co_await Sync(true, true);
  (void)synced;  // an outage shows at the next command
  Tagged(c.tag, "OK", c.uid ? "UID REPLACE completed" : "REPLACE completed");
}

}  // namespace ringmail::imap
