// Domains and accounts.
#include <algorithm>
#include <array>

#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {
namespace {

struct DefaultMailbox {
  const char* name;
  const char* special_use;
};
// What every new account starts with (metadata_store.h, CreateAccount).
constexpr std::array<DefaultMailbox, 6> kDefaultMailboxes = {{
    {"INBOX", ""},
    {"Drafts", "\\Drafts"},
    {"Sent", "\\Sent"},
    {"Junk", "\\Junk"},
    {"Trash", "\\Trash"},
    {"Archive", "\\Archive"},
}};

// Lower-cases an A-label (punycode) domain name and checks its form.
Result<std::string> NormalizeDomain(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool chars_ok = std::all_of(lower.begin(), lower.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
  if (lower.empty() || lower.size() > kDomainNameMax || !chars_ok || lower.front() == '.' ||
      lower.back() == '.' || lower.find("..") != std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid domain name '" + std::string(name) + "' (expected the A-label form)");
  }
  return lower;
}

Result<void> ValidateAccount(const AccountRecord& a) {
  const bool name_ok = !a.name.empty() && a.name.size() <= kAccountNameMax &&
                       std::none_of(a.name.begin(), a.name.end(), [](char c) {
                         return static_cast<unsigned char>(c) < ' ' || c == 0x7f;
                       });
  if (!name_ok) return MakeError(ErrorCode::kInvalidArgument, "invalid account name");
  if (a.type != "individual" && a.type != "group" && a.type != "list") {
    return MakeError(ErrorCode::kInvalidArgument, "invalid account type '" + a.type + "'");
  }
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
