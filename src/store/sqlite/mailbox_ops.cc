// Mailboxes: list, create, rename (children follow), delete.
#include <algorithm>
#include <ctime>

#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {
namespace {

// The mailbox, if it belongs to the account (kNotFound otherwise: one account cannot probe
// another's ids).
Result<MailboxRecord> ReadOwnMailbox(SqliteDb& db, int64_t account_id, int64_t mailbox_id) {
  Result<MailboxRecord> m = ReadMailbox(db, mailbox_id);
  if (m && m->account_id != account_id) {
    return MakeError(ErrorCode::kNotFound, "no mailbox " + std::to_string(mailbox_id));
  }
  return m;
}

Result<bool> NameTaken(SqliteDb& db, int64_t account_id, std::string_view name) {
  const int64_t n = TRY(db.QueryInt(
      "SELECT count(*) FROM mailboxes WHERE account_id = ? AND name = ?", account_id, name));
  return n > 0;
}

}  // namespace

Result<MailboxRecord> InsertMailbox(SqliteDb& db, int64_t account_id, std::string_view name,
                                    std::string_view special_use, ModseqAllocator& modseqs) {
  TRY(ValidateSpecialUse(special_use));
  Result<int64_t> last =
      db.QueryInt("SELECT last_uid_validity FROM accounts WHERE id = ?", account_id);
  if (!last) {
    if (last.error().code != ErrorCode::kNotFound) return std::unexpected(last.error());
    return MakeError(ErrorCode::kNotFound, "no account " + std::to_string(account_id));
  }
  if (TRY(NameTaken(db, account_id, name))) {
    return MakeError(ErrorCode::kAlreadyExists, "mailbox '" + std::string(name) + "' exists");
  }
  // Time-based, so that even a database rebuilt from scratch does not hand a client a
  // uid_validity it has cached; strictly increasing per account, so never repeated.
  const int64_t uid_validity = std::max<int64_t>(*last + 1, std::time(nullptr));
  if (uid_validity > static_cast<int64_t>(kUidMax)) {
    return MakeError(ErrorCode::kLimitExceeded, "uid_validity space exhausted");
  }
  TRY(db.Run("UPDATE accounts SET last_uid_validity = ? WHERE id = ?", uid_validity, account_id));
  const uint64_t modseq = TRY(modseqs.Take(db, account_id));
  const int64_t id = TRY(db.QueryInt(
      "INSERT INTO mailboxes (account_id, name, special_use, uid_validity, highest_modseq) "
      "VALUES (?, ?, NULLIF(?, ''), ?, ?) RETURNING id",
      account_id, name, special_use, uid_validity, modseq));
  TRY(RecordChange(db, account_id, modseq, "mailbox", id, "created"));
  return ReadMailbox(db, id);
}

Result<std::vector<MailboxRecord>> ListMailboxes(SqliteDb& db, int64_t account_id) {
  Statement st = TRY(db.Query("SELECT " RINGMAIL_SQL_MAILBOX_COLUMNS
                              " FROM mailboxes WHERE account_id = ? ORDER BY name",
                              account_id));
  std::vector<MailboxRecord> mailboxes;
  for (;;) {
    const bool row = TRY(st.Step());
    if (!row) return mailboxes;
    mailboxes.push_back(MailboxFromRow(st));
  }
}

Result<std::optional<MailboxRecord>> FindMailbox(SqliteDb& db, int64_t account_id,
                                                 std::string_view name) {
  Statement st = TRY(db.Query("SELECT " RINGMAIL_SQL_MAILBOX_COLUMNS
                              " FROM mailboxes WHERE account_id = ? AND name = ?",
                              account_id, name));
  const bool row = TRY(st.Step());
  if (!row) return std::optional<MailboxRecord>();
  return std::optional<MailboxRecord>(MailboxFromRow(st));
}

Result<MailboxRecord> CreateMailbox(SqliteDb& db, int64_t account_id, std::string_view name,
                                    std::string_view special_use) {
  const std::string normal = TRY(NormalizeMailboxName(name));
  ModseqAllocator modseqs;
  return InsertMailbox(db, account_id, normal, special_use, modseqs);
}

Result<void> RenameMailbox(SqliteDb& db, int64_t account_id, int64_t mailbox_id,
                           std::string_view new_name) {
  const std::string target = TRY(NormalizeMailboxName(new_name));
  const MailboxRecord m = TRY(ReadOwnMailbox(db, account_id, mailbox_id));
  const std::string& old = m.name;
  if (old == "INBOX") {
    return MakeError(ErrorCode::kInvalidArgument, "INBOX is not renamed (move its messages)");
  }
  if (target == old) return {};
  if (target.starts_with(old + "/")) {
    return MakeError(ErrorCode::kInvalidArgument, "a mailbox cannot move below itself");
  }
  // The mailbox and every mailbox below it, whose names start with the old path + '/'
  // (compared here, in bytes: SQLite's substr() counts characters), in byte order.
  std::vector<std::pair<int64_t, std::string>> moving;
  {
    Statement st = TRY(
        db.Query("SELECT id, name FROM mailboxes WHERE account_id = ? ORDER BY name", account_id));
    for (;;) {
      const bool row = TRY(st.Step());
      if (!row) break;
      const std::string name = st.Text(1);
      if (name == old || name.starts_with(old + "/")) {
        moving.emplace_back(st.Int(0), target + name.substr(old.size()));
      }
    }
  }
  const uint64_t modseq = TRY(ModseqAllocator().Take(db, account_id));
  for (const auto& [id, name] : moving) {
    if (name.size() > kMailboxNameMax) {
      return MakeError(ErrorCode::kInvalidArgument, "mailbox name too long after rename");
    }
    if (TRY(NameTaken(db, account_id, name))) {
      return MakeError(ErrorCode::kAlreadyExists, "mailbox '" + name + "' exists");
    }
    TRY(db.Run("UPDATE mailboxes SET name = ? WHERE id = ?", name, id));
    TRY(RecordChange(db, account_id, modseq, "mailbox", id, "updated"));
  }
  return {};
}

Result<void> DeleteMailbox(SqliteDb& db, int64_t account_id, int64_t mailbox_id) {
  const MailboxRecord m = TRY(ReadOwnMailbox(db, account_id, mailbox_id));
  if (m.name == "INBOX") return MakeError(ErrorCode::kInvalidArgument, "INBOX is not deleted");
  ModseqAllocator modseqs;
  TRY(RemoveAllMessages(db, m, modseqs));
  const uint64_t modseq = TRY(modseqs.Take(db, account_id));
  TRY(db.Run("DELETE FROM mailboxes WHERE id = ?", m.id));
  return RecordChange(db, account_id, modseq, "mailbox", m.id, "destroyed");
}

Result<void> SetSubscribed(SqliteDb& db, int64_t account_id, int64_t mailbox_id, bool subscribed) {
  TRY(ReadOwnMailbox(db, account_id, mailbox_id));
  return db.Run("UPDATE mailboxes SET subscribed = ? WHERE id = ?", subscribed, mailbox_id);
}

}  // namespace ringmail::sqlite
