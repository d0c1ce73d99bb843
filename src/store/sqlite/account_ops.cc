// Domains and accounts.
#include <algorithm>
#include <array>

#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {
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

Result<AccountRecord> CreateAccount(SqliteDb& db, const AccountRecord& account) {
  TRY(ValidateAccount(account));
  Result<int64_t> id = db.QueryInt(
      "INSERT INTO accounts (name, type, secret, active, quota_bytes) "
      "VALUES (?, ?, NULLIF(?, ''), ?, ?) RETURNING id",
      account.name, account.type, account.secret, account.active, account.quota_bytes);
  if (!id && id.error().code == ErrorCode::kAlreadyExists) {
    return MakeError(ErrorCode::kAlreadyExists, "account '" + account.name + "' exists");
  }
  if (!id) return std::unexpected(id.error());
  ModseqAllocator modseqs;
  for (const DefaultMailbox& m : kDefaultMailboxes) {
    TRY(InsertMailbox(db, *id, m.name, m.special_use, modseqs));
  }
  return GetAccount(db, account.name);
}

Result<AccountRecord> GetAccount(SqliteDb& db, std::string_view name) {
  Statement st =
      TRY(db.Query("SELECT id, name, type, coalesce(secret, ''), active, quota_bytes, used_bytes, "
                   "used_messages, highest_modseq FROM accounts WHERE name = ?",
                   name));
  const bool row = TRY(st.Step());
  if (!row) return MakeError(ErrorCode::kNotFound, "no account '" + std::string(name) + "'");
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
  return a;
}

}  // namespace ringmail::sqlite
