// RemoveMessages (op_support.h): the one path by which messages leave a mailbox, shared by
// Expunge and DeleteMailbox so that counters, refcounts and usage cannot drift apart.
#include <optional>

#include "store/sqlite/op_support.h"

namespace ringmail::sqlite {
namespace {

struct Placement {
  int64_t email_id = 0;
  int64_t size = 0;
  bool seen = false;
  int64_t blob_id = 0;
  int64_t thread_id = 0;
};

Result<std::optional<Placement>> FindPlacement(SqliteDb& db, int64_t mailbox_id, uint32_t uid) {
  Statement st = TRY(db.Query(
      "SELECT mm.email_id, e.size, e.seen, e.blob_id, e.thread_id FROM mailbox_messages mm "
      "JOIN emails e ON e.id = mm.email_id WHERE mm.mailbox_id = ? AND mm.uid = ?",
      mailbox_id, uid));
  const bool row = TRY(st.Step());
  if (!row) return std::nullopt;
  return Placement{st.Int(0), st.Int(1), st.Int(2) != 0, st.Int(3), st.Int(4)};
}

// The email lost a placement. With its last one it goes: its blob loses the reference (at 0
// the blob becomes collectable, docs/storage.md "Collection") and the account's usage drops.
Result<void> ReleaseEmail(SqliteDb& db, int64_t account_id, const Placement& p, uint64_t modseq) {
  const int64_t remaining =
      TRY(db.QueryInt("SELECT count(*) FROM mailbox_messages WHERE email_id = ?", p.email_id));
  if (remaining > 0) return RecordChange(db, account_id, modseq, "email", p.email_id, "updated");
  TRY(db.Run("DELETE FROM emails WHERE id = ?", p.email_id));
  TRY(
      db.Run("UPDATE blobs SET refcount = refcount - 1, unreferenced_since = CASE WHEN "
             "refcount = 1 THEN " RINGMAIL_SQL_NOW " ELSE unreferenced_since END WHERE id = ?",
             p.blob_id));
  TRY(
      db.Run("UPDATE accounts SET used_bytes = used_bytes - ?, used_messages = used_messages - 1 "
             "WHERE id = ?",
             p.size, account_id));
  TRY(RecordChange(db, account_id, modseq, "email", p.email_id, "destroyed"));
  const int64_t in_thread =
      TRY(db.QueryInt("SELECT count(*) FROM emails WHERE account_id = ? AND thread_id = ?",
                      account_id, p.thread_id));
  return RecordChange(db, account_id, modseq, "thread", p.thread_id,
                      in_thread > 0 ? "updated" : "destroyed");
}

}  // namespace

Result<std::vector<uint32_t>> RemoveMessages(SqliteDb& db, const MailboxRecord& mailbox,
                                             std::span<const uint32_t> uids,
                                             ModseqAllocator& modseqs, bool record_expunged) {
  const std::vector<uint32_t> sorted = TRY(SortedUids(uids));
  std::vector<uint32_t> removed;
  uint64_t modseq = 0;
  for (uint32_t uid : sorted) {
    const std::optional<Placement> p = TRY(FindPlacement(db, mailbox.id, uid));
    if (!p) continue;
    modseq = TRY(modseqs.Take(db, mailbox.account_id));
    TRY(db.Run("DELETE FROM mailbox_messages WHERE mailbox_id = ? AND uid = ?", mailbox.id, uid));
    if (record_expunged) {
      TRY(db.Run("INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) VALUES (?, ?, ?)",
                 mailbox.id, uid, modseq));
    }
    TRY(
        db.Run("UPDATE mailboxes SET message_count = message_count - 1, unseen_count = "
               "unseen_count - ?, total_bytes = total_bytes - ?, highest_modseq = ? WHERE id = ?",
               p->seen ? 0 : 1, p->size, modseq, mailbox.id));
    TRY(ReleaseEmail(db, mailbox.account_id, *p, modseq));
    removed.push_back(uid);
  }
  if (!removed.empty()) {
    TRY(RecordChange(db, mailbox.account_id, modseq, "mailbox", mailbox.id, "updated"));
  }
  return removed;
}

Result<void> RemoveAllMessages(SqliteDb& db, const MailboxRecord& mailbox,
                               ModseqAllocator& modseqs) {
  std::vector<uint32_t> uids;
  {
    Statement st =
        TRY(db.Query("SELECT uid FROM mailbox_messages WHERE mailbox_id = ?", mailbox.id));
    for (;;) {
      const bool row = TRY(st.Step());
      if (!row) break;
      uids.push_back(static_cast<uint32_t>(st.Int(0)));
    }
  }
  for (size_t i = 0; i < uids.size(); i += kUidsPerCallMax) {
    const size_t n = std::min(kUidsPerCallMax, uids.size() - i);
    TRY(RemoveMessages(db, mailbox, std::span(uids).subspan(i, n), modseqs, false));
  }
  return {};
}

}  // namespace ringmail::sqlite
