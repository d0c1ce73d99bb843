// Emails across mailboxes (JMAP Email): read them whole, add placements.
#include <algorithm>
#include <map>

#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {
namespace {

// The columns EmailFromRow reads; a WHERE on e (emails) follows.
#define RINGMAIL_SQL_EMAIL_SELECT                                                        \
  "SELECT e.id, e.thread_id, b.sha256, e.size, "                                         \
  "CAST(strftime('%s', e.received_at) AS INTEGER), e.seen, e.answered, e.flagged, "      \
  "e.deleted, e.draft, e.keywords, e.message_id, e.subject, e.from_display, "            \
  "CAST(strftime('%s', e.sent_at) AS INTEGER), e.preview FROM emails e JOIN blobs b ON " \
  "b.id = e.blob_id "

EmailRecord EmailFromRow(const Statement& st) {
  EmailRecord e;
  e.id = st.Int(0);
  e.thread_id = st.Int(1);
  e.blob = st.Key(2);
  e.size = static_cast<uint64_t>(st.Int(3));
  e.received_at = st.Int(4);
  e.flags = FlagsFromRow(st, 5);
  e.message_id = st.Text(11);
  e.subject = st.Text(12);
  e.from_display = st.Text(13);
  if (!st.IsNull(14)) e.sent_at = st.Int(14);
  e.preview = st.Text(15);
  return e;
}

// Fills in the placements of `emails` (ascending id) from rows (email_id, mailbox_id, uid)
// ordered by email_id then mailbox_id.
Result<void> ReadPlacements(Statement& st, std::vector<EmailRecord>& emails) {
  auto e = emails.begin();
  for (;;) {
    const bool row = TRY(st.Step());
    if (!row) return {};
    const int64_t email_id = st.Int(0);
    while (e != emails.end() && e->id < email_id) ++e;
    if (e == emails.end()) return {};
    if (e->id == email_id) {
      e->placements.push_back({st.Int(1), static_cast<uint32_t>(st.Int(2))});
    }
  }
}

}  // namespace

Result<std::vector<EmailRecord>> LoadEmails(SqliteDb& db, int64_t account_id,
                                            std::span<const int64_t> ids) {
  if (ids.size() > kEmailsPerCallMax) {
    return MakeError(ErrorCode::kInvalidArgument, "too many emails in one call");
  }
  std::vector<int64_t> sorted(ids.begin(), ids.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<EmailRecord> emails;
  for (int64_t id : sorted) {
    Statement st = TRY(
        db.Query(RINGMAIL_SQL_EMAIL_SELECT "WHERE e.id = ? AND e.account_id = ?", id, account_id));
    const bool row = TRY(st.Step());
    if (!row) continue;
    emails.push_back(EmailFromRow(st));
    Statement places =
        TRY(db.Query("SELECT email_id, mailbox_id, uid FROM mailbox_messages WHERE email_id = ? "
                     "ORDER BY mailbox_id",
                     id));
    TRY(ReadPlacements(places, emails));
  }
  return emails;
}

Result<std::vector<EmailRecord>> ListEmails(SqliteDb& db, int64_t account_id) {
  std::vector<EmailRecord> emails;
  {
    Statement st =
        TRY(db.Query(RINGMAIL_SQL_EMAIL_SELECT "WHERE e.account_id = ? ORDER BY e.id", account_id));
    for (;;) {
      const bool row = TRY(st.Step());
      if (!row) break;
      emails.push_back(EmailFromRow(st));
    }
  }
  Statement places = TRY(db.Query(
      "SELECT mm.email_id, mm.mailbox_id, mm.uid FROM mailbox_messages mm JOIN mailboxes m ON "
      "m.id = mm.mailbox_id WHERE m.account_id = ? ORDER BY mm.email_id, mm.mailbox_id",
      account_id));
  TRY(ReadPlacements(places, emails));
  return emails;
}

Result<std::vector<PlacedMessage>> AddEmailPlacements(SqliteDb& db, int64_t account_id,
                                                      int64_t email_id,
                                                      std::span<const int64_t> mailbox_ids) {
  if (mailbox_ids.size() > kEmailsPerCallMax) {
    return MakeError(ErrorCode::kInvalidArgument, "too many mailboxes in one call");
  }
  const std::vector<EmailRecord> found = TRY(LoadEmails(db, account_id, {&email_id, 1}));
  if (found.empty()) {
    return MakeError(ErrorCode::kNotFound, "no email " + std::to_string(email_id));
  }
  const EmailRecord& email = found.front();
  std::vector<int64_t> targets(mailbox_ids.begin(), mailbox_ids.end());
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  for (int64_t id : targets) {
    const MailboxRecord m = TRY(ReadMailbox(db, id));
    if (m.account_id != account_id) return MakeError(ErrorCode::kNotFound, "no such mailbox");
  }
  ModseqAllocator modseqs;
  std::vector<PlacedMessage> placed;
  for (int64_t mailbox_id : targets) {
    const bool held =
        std::any_of(email.placements.begin(), email.placements.end(),
                    [&](const EmailPlacement& p) { return p.mailbox_id == mailbox_id; });
    if (held) continue;
    const uint64_t modseq = TRY(modseqs.Take(db, account_id));
    const int64_t uid =
        TRY(db.QueryInt("UPDATE mailboxes SET uid_next = uid_next + 1, highest_modseq = ?, "
                        "message_count = message_count + 1, unseen_count = unseen_count + ?, "
                        "total_bytes = total_bytes + ? WHERE id = ? RETURNING uid_next - 1",
                        modseq, email.flags.seen ? 0 : 1, email.size, mailbox_id));
    if (uid >= static_cast<int64_t>(kUidMax)) {
      return MakeError(ErrorCode::kLimitExceeded, "mailbox UID space exhausted");
    }
    TRY(db.Run(
        "INSERT INTO mailbox_messages (mailbox_id, uid, email_id, modseq, thread_id, size, "
        "received_at, seen, answered, flagged, deleted, draft, keywords, sha256) "
        "SELECT ?, ?, id, ?, thread_id, size, received_at, seen, answered, flagged, deleted, "
        "draft, keywords, ? FROM emails WHERE id = ?",
        mailbox_id, uid, modseq, email.blob, email_id));
    TRY(RecordChange(db, account_id, modseq, "mailbox", mailbox_id, "updated"));
    TRY(RecordChange(db, account_id, modseq, "email", email_id, "updated"));
    placed.push_back({account_id, mailbox_id, email_id, static_cast<uint32_t>(uid), modseq});
  }
  return placed;
}

}  // namespace ringmail::sqlite
