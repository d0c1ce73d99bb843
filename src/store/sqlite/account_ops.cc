// Domains and accounts.
#include <algorithm>
#include <array>

#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {
namespace {

// The columns AccountFromRow reads, in its order; FROM accounts a.
constexpr char kAccountSelect[] =
    "SELECT a.id, a.name, a.type, coalesce(a.secret, ''), a.active, a.quota_bytes, "
    "a.used_bytes, a.used_messages, a.highest_modseq, a.description, a.role, a.quota_messages "
    "FROM accounts a ";

AccountRecord AccountFromRow(const Statement& st) {
  AccountRecord a;
  a.id = st.Int(0);
  a.name = st.Text(1);
  a.type = st.Text(2);
  a.secret = st.Text(3);
  a.active = st.Int(4) != 0;
  a.quota_bytes = static_cast<uint64_t>(st.Int(5));
  a.used_bytes = static_cast<uint64_t>(st.Int(6));
  a.used_messages = static_cast<uint64_t>(st.Int(7));
  a.highest_modseq = static_cast<uint64_t>(st.Int(8));
  a.description = st.Text(9);
  a.role = st.Text(10);
  a.quota_messages = static_cast<uint64_t>(st.Int(11));
  return a;
}

// Fills in the addresses and memberships of an account read by AccountFromRow.
Result<void> ReadAccountLists(SqliteDb& db, AccountRecord& a) {
  a.emails = TRY(ReadAddresses(db, a.id));
  a.member_of = TRY(ReadMemberOf(db, a.id));
  return {};
}

Result<void> ApplyUpdate(SqliteDb& db, int64_t id, const std::string& type,
                         const AccountUpdate& u) {
  if (u.secret)
    TRY(db.Run("UPDATE accounts SET secret = NULLIF(?, '') WHERE id = ?", *u.secret, id));
  if (u.description) {
    TRY(db.Run("UPDATE accounts SET description = ? WHERE id = ?", *u.description, id));
  }
  if (u.active) TRY(db.Run("UPDATE accounts SET active = ? WHERE id = ?", *u.active, id));
  if (u.role) TRY(db.Run("UPDATE accounts SET role = ? WHERE id = ?", *u.role, id));
  if (u.quota_bytes) {
    TRY(db.Run("UPDATE accounts SET quota_bytes = ? WHERE id = ?", *u.quota_bytes, id));
  }
  if (u.quota_messages) {
    TRY(db.Run("UPDATE accounts SET quota_messages = ? WHERE id = ?", *u.quota_messages, id));
  }
  if (u.emails) TRY(SetAddresses(db, id, type, *u.emails));
  if (u.member_of) TRY(SetMemberOf(db, id, *u.member_of));
  return {};
}

}  // namespace

Result<int64_t> CreateDomain(SqliteDb& db, std::string_view name) {
  const std::string domain = TRY(NormalizeDomain(name));
  Result<int64_t> id = db.QueryInt("INSERT INTO domains (name) VALUES (?) RETURNING id", domain);
  if (!id && id.error().code == ErrorCode::kAlreadyExists) {
    return MakeError(ErrorCode::kAlreadyExists, "domain '" + domain + "' exists");
  }
  return id;
}

Result<std::vector<std::string>> ListDomains(SqliteDb& db) {
  Statement st = TRY(db.Query("SELECT name FROM domains ORDER BY name"));
  std::vector<std::string> names;
  for (;;) {
    const bool row = TRY(st.Step());
    if (!row) return names;
    names.push_back(st.Text(0));
  }
}

Result<bool> HasDomain(SqliteDb& db, std::string_view name) {
  const int64_t n = TRY(db.QueryInt("SELECT count(*) FROM domains WHERE name = ?", name));
  return n > 0;
}

Result<void> DeleteDomain(SqliteDb& db, std::string_view name) {
  Statement st =
      TRY(db.Query("SELECT d.id, (SELECT count(*) FROM addresses ad WHERE ad.domain_id = d.id) "
                   "FROM domains d WHERE d.name = ?",
                   name));
  const bool row = TRY(st.Step());
  if (!row) return MakeError(ErrorCode::kNotFound, "no domain '" + std::string(name) + "'");
  const int64_t id = st.Int(0), addresses = st.Int(1);
  if (addresses > 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "domain '" + std::string(name) + "' still has " + std::to_string(addresses) +
                         " address(es); remove or change those accounts first");
  }
  return db.Run("DELETE FROM domains WHERE id = ?", id);
}

Result<AccountRecord> CreateAccount(SqliteDb& db, const AccountRecord& account) {
  TRY(ValidateAccount(account));
  Result<int64_t> id = db.QueryInt(
      "INSERT INTO accounts (name, type, secret, description, active, quota_bytes, "
      "quota_messages, role) VALUES (?, ?, NULLIF(?, ''), ?, ?, ?, ?, ?) RETURNING id",
      account.name, account.type, account.secret, account.description, account.active,
      account.quota_bytes, account.quota_messages, account.role);
  if (!id && id.error().code == ErrorCode::kAlreadyExists) {
    return MakeError(ErrorCode::kAlreadyExists, "account '" + account.name + "' exists");
  }
  if (!id) return std::unexpected(id.error());
  TRY(SetAddresses(db, *id, account.type, account.emails));
  TRY(SetMemberOf(db, *id, account.member_of));
  ModseqAllocator modseqs;
  for (const DefaultMailbox& m : kDefaultMailboxes) {
    TRY(InsertMailbox(db, *id, m.name, m.special_use, modseqs));
  }
  return GetAccount(db, account.name);
}

Result<AccountRecord> GetAccount(SqliteDb& db, std::string_view name) {
  // Static: the statement cache is keyed by the text's address, so a temporary string could
  // share an address with another query's and be given its statement.
  static const std::string kByName = std::string(kAccountSelect) + "WHERE a.name = ?";
  Statement st = TRY(db.Query(kByName.c_str(), name));
  const bool row = TRY(st.Step());
  if (!row) return MakeError(ErrorCode::kNotFound, "no account '" + std::string(name) + "'");
  AccountRecord a = AccountFromRow(st);
  TRY(ReadAccountLists(db, a));
  return a;
}

Result<std::vector<AccountRecord>> ListAccounts(SqliteDb& db) {
  std::vector<AccountRecord> accounts;
  {
    static const std::string kAll = std::string(kAccountSelect) + "ORDER BY a.name";  // as above
    Statement st = TRY(db.Query(kAll.c_str()));
    for (;;) {
      const bool row = TRY(st.Step());
      if (!row) break;
      accounts.push_back(AccountFromRow(st));
    }
  }
  for (AccountRecord& a : accounts) TRY(ReadAccountLists(db, a));
  return accounts;
}

Result<AccountRecord> UpdateAccount(SqliteDb& db, const AccountUpdate& update) {
  if (update.role) TRY(ValidateRole(*update.role));
  TRY(ValidateAccountLists(update.emails.value_or(std::vector<std::string>{}),
                           update.member_of.value_or(std::vector<std::string>{})));
  const AccountRecord before = TRY(GetAccount(db, update.name));
  TRY(ApplyUpdate(db, before.id, before.type, update));
  return GetAccount(db, update.name);
}

Result<void> DeleteAccount(SqliteDb& db, std::string_view name) {
  const AccountRecord a = TRY(GetAccount(db, name));
  // Messages leave as in an expunge, so blob references and counters follow; the mailboxes,
  // addresses, memberships and history go with the account row (ON DELETE CASCADE).
  ModseqAllocator modseqs;
  for (const MailboxRecord& m : TRY(ListMailboxes(db, a.id))) {
    TRY(RemoveAllMessages(db, m, modseqs));
  }
  return db.Run("DELETE FROM accounts WHERE id = ?", a.id);
}

}  // namespace ringmail::sqlite
