// CopyMessages: IMAP COPY and MOVE in one operation (one transaction: every message or none;
// docs/storage.md "Copy and move"). PostgreSQL's rm_copy_messages does the same.
#include <algorithm>

#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {
namespace {

struct Source {
  uint32_t uid = 0;
  int64_t email_id = 0;
  int64_t blob_id = 0;
  int64_t size = 0;
  int64_t thread_id = 0;
  bool seen = false;
  bool target_holds = false;  // the target has a placement of this email already
};

// The source messages (read whole before anything is written: a copy into the same mailbox
// must not meet its own new rows).
Result<std::vector<Source>> ReadSources(SqliteDb& db, int64_t source, int64_t target,
                                        std::span<const uint32_t> uids) {
  std::vector<Source> out;
  for (uint32_t uid : uids) {
    Statement st = TRY(db.Query(
        "SELECT mm.email_id, e.blob_id, e.size, e.thread_id, e.seen, EXISTS (SELECT 1 FROM "
        "mailbox_messages "
        "t WHERE t.mailbox_id = ? AND t.email_id = mm.email_id) FROM mailbox_messages mm JOIN "
        "emails e ON e.id = mm.email_id WHERE mm.mailbox_id = ? AND mm.uid = ?",
        target, source, uid));
    const bool row = TRY(st.Step());
    if (row)
      out.push_back(
          {uid, st.Int(0), st.Int(1), st.Int(2), st.Int(3), st.Int(4) != 0, st.Int(5) != 0});
  }
  return out;
}

// A new email with the source's content, flags and thread, and one more blob reference.
Result<int64_t> CopyEmail(SqliteDb& db, const Source& s) {
  const int64_t id = TRY(db.QueryInt(
      "INSERT INTO emails (account_id, blob_id, size, received_at, thread_id, seen, answered, "
      "flagged, deleted, draft, keywords, message_id, subject, from_display, sent_at, preview, "
      "envelope, bodystructure) SELECT account_id, blob_id, size, received_at, thread_id, seen, "
      "answered, flagged, deleted, draft, keywords, message_id, subject, from_display, sent_at, "
      "preview, envelope, bodystructure FROM emails WHERE id = ? RETURNING id",
      s.email_id));
  TRY(db.Run("UPDATE blobs SET refcount = refcount + 1, unreferenced_since = NULL WHERE id = ?",
             s.blob_id));
  return id;
}

// Takes the target's next UID and places email `email_id` there.
Result<uint32_t> PlaceEmail(SqliteDb& db, int64_t target, int64_t email_id, const Source& s,
                            uint64_t modseq) {
  const int64_t uid =
      TRY(db.QueryInt("UPDATE mailboxes SET uid_next = uid_next + 1, highest_modseq = ?, "
                      "message_count = message_count + 1, unseen_count = unseen_count + ?, "
                      "total_bytes = total_bytes + ? WHERE id = ? RETURNING uid_next - 1",
                      modseq, s.seen ? 0 : 1, s.size, target));
  if (uid >= static_cast<int64_t>(kUidMax)) {
    return MakeError(ErrorCode::kLimitExceeded, "mailbox UID space exhausted");
  }
  TRY(
      db.Run("INSERT INTO mailbox_messages (mailbox_id, uid, email_id, modseq, thread_id, size, "
             "received_at, seen, answered, flagged, deleted, draft, keywords, sha256) "
             "SELECT ?, ?, e.id, ?, e.thread_id, e.size, e.received_at, e.seen, e.answered, "
             "e.flagged, e.deleted, e.draft, e.keywords, b.sha256 FROM emails e JOIN blobs b ON "
             "b.id = e.blob_id WHERE e.id = ?",
             target, uid, modseq, email_id));
  return static_cast<uint32_t>(uid);
}

}  // namespace

Result<CopyResult> CopyMessages(SqliteDb& db, const CopyRequest& request) {
  const std::vector<uint32_t> uids = TRY(SortedUids(request.uids));
  const MailboxRecord source = TRY(ReadMailbox(db, request.source_mailbox_id));
  const MailboxRecord target = TRY(ReadMailbox(db, request.target_mailbox_id));
  if (source.account_id != target.account_id) {
    return MakeError(ErrorCode::kNotFound, "no such mailbox in the source's account");
  }
  const std::vector<Source> sources = TRY(ReadSources(db, source.id, target.id, uids));
  CopyResult result;
  if (sources.empty()) return result;
  // Which messages become new emails: all of a COPY; of a MOVE, those the target holds.
  auto copies = [&](const Source& s) { return !request.move || s.target_holds; };
  uint64_t bytes = 0, count = 0;
  for (const Source& s : sources) {
    if (!copies(s)) continue;
    bytes += static_cast<uint64_t>(s.size);
    ++count;
  }
  TRY(ChargeUsage(db, source.account_id, bytes, count, request.enforce_quota));
  ModseqAllocator modseqs;
  result.modseq = TRY(modseqs.Take(db, source.account_id));
  for (const Source& s : sources) {
    int64_t email_id = s.email_id;
    if (copies(s)) {
      email_id = TRY(CopyEmail(db, s));
      TRY(RecordChange(db, source.account_id, result.modseq, "email", email_id, "created"));
      TRY(RecordChange(db, source.account_id, result.modseq, "thread", s.thread_id, "updated"));
    } else {
      TRY(RecordChange(db, source.account_id, result.modseq, "email", email_id, "updated"));
    }
    const uint32_t uid = TRY(PlaceEmail(db, target.id, email_id, s, result.modseq));
    result.source_uids.push_back(s.uid);
    result.target_uids.push_back(uid);
  }
  TRY(RecordChange(db, source.account_id, result.modseq, "mailbox", target.id, "updated"));
  if (request.move) {
    // The same modseq (the allocator hands it out again); reloaded: counters changed above
    // when source and target are one mailbox.
    const MailboxRecord now = TRY(ReadMailbox(db, source.id));
    TRY(RemoveMessages(db, now, result.source_uids, modseqs, true));
  }
  return result;
}

}  // namespace ringmail::sqlite
