#include "store/sqlite/op_support.h"

#include <algorithm>

namespace ringmail::sqlite {

MailboxRecord MailboxFromRow(const Statement& st) {
  MailboxRecord m;
  m.id = st.Int(0);
  m.account_id = st.Int(1);
  m.name = st.Text(2);
  m.special_use = st.Text(3);
  m.subscribed = st.Int(4) != 0;
  m.uid_validity = static_cast<uint32_t>(st.Int(5));
  m.uid_next = static_cast<uint32_t>(st.Int(6));
  m.highest_modseq = static_cast<uint64_t>(st.Int(7));
  m.message_count = static_cast<uint64_t>(st.Int(8));
  m.unseen_count = static_cast<uint64_t>(st.Int(9));
  m.total_bytes = static_cast<uint64_t>(st.Int(10));
  return m;
}

Result<MailboxRecord> ReadMailbox(SqliteDb& db, int64_t mailbox_id) {
  Statement st = TRY(
      db.Query("SELECT " RINGMAIL_SQL_MAILBOX_COLUMNS " FROM mailboxes WHERE id = ?", mailbox_id));
  const bool row = TRY(st.Step());
  if (!row) return MakeError(ErrorCode::kNotFound, "no mailbox " + std::to_string(mailbox_id));
  return MailboxFromRow(st);
}

MessageRecord MessageFromRow(const Statement& st) {
  MessageRecord m;
  m.uid = static_cast<uint32_t>(st.Int(0));
  m.modseq = static_cast<uint64_t>(st.Int(1));
  m.email_id = st.Int(2);
  m.thread_id = st.Int(3);
  m.size = static_cast<uint64_t>(st.Int(4));
  m.received_at = st.Int(5);
  m.saved_at = st.Int(6);
  m.flags = FlagsFromRow(st, 7);
  m.blob = st.Key(13);
  return m;
}

MessageFlags FlagsFromRow(const Statement& st, int first) {
  MessageFlags f;
  f.seen = st.Int(first) != 0;
  f.answered = st.Int(first + 1) != 0;
  f.flagged = st.Int(first + 2) != 0;
  f.deleted = st.Int(first + 3) != 0;
  f.draft = st.Int(first + 4) != 0;
  f.keywords = SplitKeywords(st.Text(first + 5));
  return f;
}

Result<uint64_t> ModseqAllocator::Take(SqliteDb& db, int64_t account_id) {
  for (const auto& [account, modseq] : taken_) {
    if (account == account_id) return modseq;
  }
  const int64_t modseq =
      TRY(db.QueryInt("UPDATE accounts SET highest_modseq = highest_modseq + 1 WHERE id = ? "
                      "RETURNING highest_modseq",
                      account_id));
  taken_.emplace_back(account_id, static_cast<uint64_t>(modseq));
  return static_cast<uint64_t>(modseq);
}

Result<void> ChargeUsage(SqliteDb& db, int64_t account_id, uint64_t bytes, uint64_t messages,
                         bool enforce) {
  Statement st = TRY(db.Query(
      "SELECT quota_bytes, quota_messages, used_bytes, used_messages FROM accounts WHERE id = ?",
      account_id));
  const bool row = TRY(st.Step());
  if (!row) return MakeError(ErrorCode::kNotFound, "no account " + std::to_string(account_id));
  const auto quota_bytes = static_cast<uint64_t>(st.Int(0));
  const auto quota_messages = static_cast<uint64_t>(st.Int(1));
  const auto used_bytes = static_cast<uint64_t>(st.Int(2));
  const auto used_messages = static_cast<uint64_t>(st.Int(3));
  if (enforce && ((quota_bytes > 0 && used_bytes + bytes > quota_bytes) ||
                  (quota_messages > 0 && used_messages + messages > quota_messages))) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "account " + std::to_string(account_id) + " is over its quota");
  }
  return db.Run(
      "UPDATE accounts SET used_bytes = used_bytes + ?, used_messages = used_messages + ? "
      "WHERE id = ?",
      bytes, messages, account_id);
}

Result<void> RecordChange(SqliteDb& db, int64_t account_id, uint64_t modseq,
                          const char* object_type, int64_t object_id, const char* change) {
  return db.Run(
      "INSERT INTO changes (account_id, modseq, object_type, object_id, change) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET change = CASE "
      "WHEN excluded.change = 'destroyed' OR changes.change = 'destroyed' THEN 'destroyed' "
      "WHEN changes.change = 'created' THEN 'created' ELSE excluded.change END",
      account_id, modseq, object_type, object_id, change);
}

}  // namespace ringmail::sqlite
