// Addresses and group memberships of accounts: what the internal directory resolves.
#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {
namespace {

Result<std::vector<std::string>> Column0(Statement st) {
  std::vector<std::string> out;
  for (;;) {
    const bool row = TRY(st.Step());
    if (!row) return out;
    out.push_back(st.Text(0));
  }
}

Result<void> InsertAddress(SqliteDb& db, int64_t account_id, const std::string& address,
                           const char* kind) {
  const auto [local, domain] = TRY(SplitStoredAddress(address));
  Statement st = TRY(db.Query("SELECT id FROM domains WHERE name = ?", domain));
  const bool found = TRY(st.Step());
  if (!found) {
    return MakeError(ErrorCode::kNotFound, "'" + domain + "' is not a local domain (domain add)");
  }
  Result<void> r = db.Run(
      "INSERT INTO addresses (account_id, domain_id, local_part, display, kind) "
      "VALUES (?, ?, ?, ?, ?)",
      account_id, st.Int(0), local, address, kind);
  if (!r && r.error().code == ErrorCode::kAlreadyExists) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "address '" + address + "' belongs to another account");
  }
  return r;
}

}  // namespace

Result<std::vector<std::string>> ReadAddresses(SqliteDb& db, int64_t account_id) {
  return Column0(TRY(db.Query(
      "SELECT ad.local_part || '@' || d.name FROM addresses ad JOIN domains d "
      "ON d.id = ad.domain_id WHERE ad.account_id = ? ORDER BY ad.kind <> 'primary', ad.id",
      account_id)));
}

Result<std::vector<std::string>> ReadMemberOf(SqliteDb& db, int64_t account_id) {
  return Column0(
      TRY(db.Query("SELECT g.name FROM group_members gm JOIN accounts g ON g.id = gm.group_id "
                   "WHERE gm.member_id = ? ORDER BY g.name",
                   account_id)));
}

Result<void> SetAddresses(SqliteDb& db, int64_t account_id, std::string_view type,
                          const std::vector<std::string>& emails) {
  TRY(db.Run("DELETE FROM addresses WHERE account_id = ?", account_id));
  for (size_t i = 0; i < emails.size(); ++i) {
    const char* kind = type == "list" ? "list" : i == 0 ? "primary" : "alias";
    TRY(InsertAddress(db, account_id, emails[i], kind));
  }
  return {};
}

Result<void> SetMemberOf(SqliteDb& db, int64_t account_id, const std::vector<std::string>& groups) {
  TRY(db.Run("DELETE FROM group_members WHERE member_id = ?", account_id));
  for (const std::string& name : groups) {
    Statement st = TRY(db.Query("SELECT id, type FROM accounts WHERE name = ?", name));
    const bool found = TRY(st.Step());
    if (!found) return MakeError(ErrorCode::kNotFound, "no group '" + name + "'");
    if (st.Text(1) == "individual" || st.Int(0) == account_id) {
      return MakeError(ErrorCode::kInvalidArgument, "'" + name + "' is not a group or list");
    }
    TRY(db.Run("INSERT INTO group_members (group_id, member_id) VALUES (?, ?)", st.Int(0),
               account_id));
  }
  return {};
}

Result<std::vector<std::string>> FindAddress(SqliteDb& db, std::string_view address) {
  const auto [local, domain] = TRY(SplitStoredAddress(address));
  return Column0(
      TRY(db.Query("SELECT a.name FROM addresses ad JOIN domains d ON d.id = ad.domain_id "
                   "JOIN accounts a ON a.id = ad.account_id WHERE d.name = ? AND ad.local_part = ? "
                   "ORDER BY a.name",
                   domain, local)));
}

Result<std::vector<std::string>> ListMembers(SqliteDb& db, std::string_view name) {
  return Column0(
      TRY(db.Query("SELECT m.name FROM accounts g JOIN group_members gm ON gm.group_id = g.id "
                   "JOIN accounts m ON m.id = gm.member_id WHERE g.name = ? ORDER BY m.name",
                   name)));
}

}  // namespace ringmail::sqlite
