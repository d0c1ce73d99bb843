// Deliver: docs/storage.md "Delivery, step by step", step 2. One email per account reached
// (an email placed in several mailboxes of an account is one JMAP Email), one blob reference
// per email, UIDs from each mailbox's uid_next, one modseq per account.
#include <algorithm>

#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {
namespace {

struct AccountTargets {
  int64_t account_id = 0;
  std::vector<size_t> targets;  // indexes into the deduplicated targets
  MessageFlags flags;           // the union of the targets' flags: flags are per email
};

Result<std::vector<AccountTargets>> GroupByAccount(
    SqliteDb& db, const std::vector<DeliveryRequest::Target>& targets) {
  std::vector<AccountTargets> groups;
  for (size_t i = 0; i < targets.size(); ++i) {
    const MailboxRecord m = TRY(ReadMailbox(db, targets[i].mailbox_id));
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const auto& a) { return a.account_id == m.account_id; });
    if (g == groups.end()) {
      groups.push_back({m.account_id, {i}, targets[i].flags});
    } else {
      g->targets.push_back(i);
      g->flags = UnionFlags(g->flags, targets[i].flags);
    }
  }
  return groups;
}

// Upserts the blobs row and adds `references`. A row being collected refuses (kBusy): the
// caller waits for the collector to finish with it and stores the object again.
Result<int64_t> ReferenceBlob(SqliteDb& db, const DeliveryRequest& r, int64_t references) {
  {
    Statement st = TRY(db.Query("SELECT id, state FROM blobs WHERE sha256 = ?", r.blob));
    const bool row = TRY(st.Step());
    if (row) {
      const int64_t id = st.Int(0);
      if (st.Text(1) != "live") {
        return MakeError(ErrorCode::kBusy, "blob " + r.blob.Hex() + " is being collected");
      }
      TRY(
          db.Run("UPDATE blobs SET refcount = refcount + ?, unreferenced_since = NULL "
                 "WHERE id = ?",
                 references, id));
      return id;
    }
  }
  const char* compression = r.compression == blob_format::Compression::kZstd ? "zstd" : "none";
  return db.QueryInt(
      "INSERT INTO blobs (sha256, size, stored_size, compression, refcount) "
      "VALUES (?, ?, ?, ?, ?) RETURNING id",
      r.blob, r.size, r.stored_size, compression, references);
}

// Checks the account's quotas (when asked), adds the message to its usage, and returns the
// operation's modseq in it.
Result<uint64_t> ChargeAccount(SqliteDb& db, int64_t account_id, uint64_t size, bool enforce,
                               ModseqAllocator& modseqs) {
  TRY(ChargeUsage(db, account_id, size, 1, enforce));
  return modseqs.Take(db, account_id);
}

Result<int64_t> InsertEmail(SqliteDb& db, int64_t account_id, int64_t blob_id,
                            const DeliveryRequest& r, const MessageFlags& f) {
  const EmailSummary& s = r.summary;
  const int64_t id =
      TRY(db.QueryInt(
          "INSERT INTO emails (account_id, blob_id, size, received_at, thread_id, seen, answered, "
          "flagged, deleted, draft, keywords, message_id, subject, from_display, sent_at, preview, "
          "envelope, bodystructure) VALUES (?, ?, ?, " RINGMAIL_SQL_ISO_PARAM ", 0, "
          "?, ?, ?, ?, ?, ?, ?, ?, ?, " RINGMAIL_SQL_ISO_PARAM ", ?, ?, ?) RETURNING id",
          account_id, blob_id, r.size, r.received_at, f.seen, f.answered, f.flagged, f.deleted,
          f.draft, JoinKeywords(f.keywords), s.message_id, s.subject, s.from_display, s.sent_at,
          s.preview, s.envelope, s.bodystructure));
  // Every new email starts its own thread (thread_id: the thread's first email); joining
  // threads by References/In-Reply-To belongs to the mail layer's threading.
  TRY(db.Run("UPDATE emails SET thread_id = id WHERE id = ?", id));
  return id;
}

// Takes the mailbox's next UID and places the email there.
Result<uint32_t> Place(SqliteDb& db, int64_t mailbox_id, int64_t account_id, int64_t email_id,
                       uint64_t modseq, const DeliveryRequest& r, bool seen) {
  const int64_t uid =
      TRY(db.QueryInt("UPDATE mailboxes SET uid_next = uid_next + 1, highest_modseq = ?, "
                      "message_count = message_count + 1, unseen_count = unseen_count + ?, "
                      "total_bytes = total_bytes + ? WHERE id = ? RETURNING uid_next - 1",
                      modseq, seen ? 0 : 1, r.size, mailbox_id));
  if (uid >= static_cast<int64_t>(kUidMax)) {
    return MakeError(ErrorCode::kLimitExceeded, "mailbox UID space exhausted");
  }
  TRY(
      db.Run("INSERT INTO mailbox_messages (mailbox_id, uid, email_id, modseq, thread_id, size, "
             "received_at, seen, answered, flagged, deleted, draft, keywords, sha256) "
             "SELECT ?, ?, id, ?, thread_id, size, received_at, seen, answered, flagged, deleted, "
             "draft, keywords, ? FROM emails WHERE id = ?",
             mailbox_id, uid, modseq, r.blob, email_id));
  TRY(RecordChange(db, account_id, modseq, "mailbox", mailbox_id, "updated"));
  return static_cast<uint32_t>(uid);
}

}  // namespace

Result<std::vector<PlacedMessage>> Deliver(SqliteDb& db, const DeliveryRequest& request) {
  TRY(CheckBlobValidity(request));
  const std::vector<DeliveryRequest::Target> targets = TRY(DistinctTargets(request));
  const std::vector<AccountTargets> groups = TRY(GroupByAccount(db, targets));
  const int64_t blob_id = TRY(ReferenceBlob(db, request, static_cast<int64_t>(groups.size())));
  std::vector<PlacedMessage> placed(targets.size());
  ModseqAllocator modseqs;
  for (const AccountTargets& g : groups) {
    const uint64_t modseq =
        TRY(ChargeAccount(db, g.account_id, request.size, request.enforce_quota, modseqs));
    const int64_t email_id = TRY(InsertEmail(db, g.account_id, blob_id, request, g.flags));
    TRY(RecordChange(db, g.account_id, modseq, "email", email_id, "created"));
    TRY(RecordChange(db, g.account_id, modseq, "thread", email_id, "created"));
    for (size_t i : g.targets) {
      const uint32_t uid = TRY(
          Place(db, targets[i].mailbox_id, g.account_id, email_id, modseq, request, g.flags.seen));
      placed[i] = {g.account_id, targets[i].mailbox_id, email_id, uid, modseq};
    }
  }
  return placed;
}

}  // namespace ringmail::sqlite
