// A principal: what the directory knows about a name that can log in or receive mail
// (docs/directory.md). Plain data; every directory backend returns these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringmail {

enum class PrincipalType {
  kIndividual,  // logs in, has mailboxes
  kGroup,       // its members receive its mail; may have mailboxes of its own (shared)
  kList,        // its members receive its mail; nothing of its own
};

// "individual" | "group" | "list"
std::string_view PrincipalTypeName(PrincipalType type);
// Also accepts the SQL directory's spellings "individual"/"personal"/"user", "group",
// "list"/"mailing-list", case-insensitively; nullopt otherwise.
std::optional<PrincipalType> ParsePrincipalType(std::string_view name);

struct Principal {
  std::string name;  // the login name, as stored (case preserved)
  PrincipalType type = PrincipalType::kIndividual;
  // The stored secret (directory/secret/: crypt(3), Argon2, {SCHEME}, SCRAM-SHA-256 forms);
  // empty: the principal cannot log in with a password.
  std::string secret;
  std::string description;
  bool active = true;        // inactive principals neither log in nor receive
  bool admin = false;        // the admin role: may use the admin API (docs/directory.md)
  uint64_t quota_bytes = 0;  // 0: unlimited
  // Addresses in their normalized form (directory/address.h): primary first, then aliases.
  std::vector<std::string> emails;
  std::vector<std::string> member_of;  // names of the groups and lists it belongs to

  // The metadata store's account row behind the principal, as read with it, when the
  // directory is the store's own (internal); unset from the others, whose principals get an
  // account row on first delivery. Spares delivery reading the row again.
  struct StoreAccount {
    int64_t id = 0;
    uint64_t used_bytes = 0;
  };
  std::optional<StoreAccount> account;
};

}  // namespace ringmail
