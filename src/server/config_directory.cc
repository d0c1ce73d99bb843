// [directory] and [authentication] (docs/config.md, docs/directory.md). Values are checked
// for shape here; addresses, networks and secrets by the directory layer's parsers, so that
// the config and the running server agree on what is valid.
#include <algorithm>

#include "directory/network_list.h"
#include "directory/secret.h"
#include "server/config_reader.h"

namespace ringmail::config_internal {
namespace {

constexpr uint64_t kRateLimitTimeMaxMs = 7 * 86400 * 1000ull;  // a week

std::vector<std::string> Values(const std::optional<std::vector<LinedString>>& strings) {
  std::vector<std::string> out;
  if (strings) {
    for (const LinedString& s : *strings) out.push_back(s.value);
  }
  return out;
}

Result<void> ReadSql(const Section& s, SqlDirectoryConfig* sql) {
  TRY(s.AllowOnly({"url", "query-principal", "query-emails", "query-member-of", "query-members",
                   "query-recipient", "query-domain"}));
  TRY(s.RequiredString("url", &sql->url));
  TRY(s.String("query-principal", &sql->queries.principal));
  TRY(s.String("query-emails", &sql->queries.emails));
  TRY(s.String("query-member-of", &sql->queries.member_of));
  TRY(s.String("query-members", &sql->queries.members));
  TRY(s.String("query-recipient", &sql->queries.recipient));
  TRY(s.String("query-domain", &sql->queries.domain));
  return {};
}

Result<void> ReadPrincipal(const Section& s, MemoryPrincipalConfig* p) {
  TRY(s.AllowOnly(
      {"name", "type", "secret", "description", "quota", "active", "emails", "member-of"}));
  TRY(s.RequiredString("name", &p->name));
  TRY(s.String("type", &p->type));
  TRY(s.String("secret", &p->secret));
  TRY(s.String("description", &p->description));
  TRY(s.Uint64("quota", 0, uint64_t{1} << 62, &p->quota_bytes));
  TRY(s.Bool("active", &p->active));
  p->emails = Values(TRY(s.Strings("emails", /*single_allowed=*/true)));
  p->member_of = Values(TRY(s.Strings("member-of", /*single_allowed=*/true)));
  p->line = s.line();
  if (!p->secret.empty() && !IdentifySecret(p->secret)) {
    return s.Fail(LineOf(*s.Find("secret")),
                  "secret is not a stored secret form (a crypt(3) or Argon2 hash, "
                  "{SCHEME}..., SCRAM-SHA-256$...; plain text is written {PLAIN}...)");
  }
  return {};
}

Result<void> ReadPrincipals(const Section& s, DirectoryConfig* directory) {
  const toml::node* node = s.Find("principal");
  if (node == nullptr) return {};
  const toml::array* array = node->as_array();
  if (array == nullptr) return s.Fail(LineOf(*node), "principal must be [[directory.principal]]");
  for (const toml::node& element : *array) {
    const toml::table* table = element.as_table();
    if (table == nullptr) return s.Fail(LineOf(element), "principal must be a table");
    MemoryPrincipalConfig p;
    TRY(ReadPrincipal(Section(s.path(), *table, "[[directory.principal]]"), &p));
    directory->principals.push_back(std::move(p));
  }
  return {};
}

Result<void> ReadRateLimits(const Section& s, AuthRateLimits* limits) {
  TRY(s.AllowOnly({"failures-before-delay", "delay-step-ms", "delay-max-ms",
                   "failures-before-block", "window-ms", "block-ms", "tracked-max"}));
  TRY(s.Uint32("failures-before-delay", 0, 1000000, &limits->failures_before_delay));
  TRY(s.Uint64("delay-step-ms", 0, 60000, &limits->delay_step_ms));
  TRY(s.Uint64("delay-max-ms", 0, 60000, &limits->delay_max_ms));
  TRY(s.Uint32("failures-before-block", 0, 1000000, &limits->failures_before_block));
  TRY(s.Uint64("window-ms", 1, kRateLimitTimeMaxMs, &limits->window_ms));
  TRY(s.Uint64("block-ms", 1, kRateLimitTimeMaxMs, &limits->block_ms));
  uint64_t tracked = limits->tracked_max;
  TRY(s.Uint64("tracked-max", 1, kAuthTrackedMax, &tracked));
  limits->tracked_max = static_cast<size_t>(tracked);
  return {};
}

Result<void> ReadRateLimit(const Section& s, AuthRateLimiterConfig* config) {
  TRY(s.AllowOnly({"per-address", "per-account"}));
  if (const toml::table* t = TRY(s.Table("per-address"))) {
    TRY(ReadRateLimits(Section(s.path(), *t, "[authentication.rate-limit.per-address]"),
                       &config->per_address));
  }
  if (const toml::table* t = TRY(s.Table("per-account"))) {
    TRY(ReadRateLimits(Section(s.path(), *t, "[authentication.rate-limit.per-account]"),
                       &config->per_account));
  }
  Result<void> valid = ValidateAuthRateLimits(*config);
  if (!valid) return s.Fail(s.line(), valid.error().message);
  return {};
}

Result<void> ReadFallbackAdmin(const Section& s, FallbackAdminConfig* admin) {
  TRY(s.AllowOnly({"user", "secret"}));
  TRY(s.RequiredString("user", &admin->user));
  TRY(s.RequiredString("secret", &admin->secret));
  if (admin->user.empty()) return s.Fail(LineOf(*s.Find("user")), "user must not be empty");
  // Whether a plain or default secret is acceptable depends on the listeners: the server
  // decides at start (server/directory_setup.cc).
  if (!IdentifySecret(admin->secret)) {
    return s.Fail(LineOf(*s.Find("secret")),
                  "secret must be a password hash (crypt(3) such as $6$... or $y$..., "
                  "Argon2, {SCHEME}..., SCRAM-SHA-256$...)");
  }
  admin->present = true;
  admin->line = s.line();
  return {};
}

}  // namespace

Result<void> ReadDirectory(const Section& s, DirectoryConfig* directory) {
  TRY(s.AllowOnly({"type", "subaddress-separators", "domains", "sql", "principal"}));
  static constexpr std::string_view kTypes[] = {"internal", "sql", "memory"};
  size_t index = 0;
  if (s.Find("type") != nullptr) {
    TRY(s.OneOf("type", "directory type", kTypes, &index));
    directory->type = kTypes[index];
  }
  TRY(s.String("subaddress-separators", &directory->subaddress_separators));
  const std::string& seps = directory->subaddress_separators;
  if (std::any_of(seps.begin(), seps.end(), [](char c) {
        return c == '@' || c == '"' || c == '\\' || static_cast<unsigned char>(c) <= ' ' ||
               static_cast<unsigned char>(c) >= 0x7f;
      })) {
    return s.Fail(LineOf(*s.Find("subaddress-separators")),
                  "subaddress-separators must be printable ASCII other than @, \" and \\");
  }
  directory->domains = Values(TRY(s.Strings("domains", /*single_allowed=*/false)));
  const toml::table* sql = TRY(s.Table("sql"));
  if (sql != nullptr) TRY(ReadSql(Section(s.path(), *sql, "[directory.sql]"), &directory->sql));
  TRY(ReadPrincipals(s, directory));
  if (directory->type == "sql" && sql == nullptr) {
    return s.Fail(s.line(), "type \"sql\" needs a [directory.sql] table with its url");
  }
  return {};
}

Result<void> ReadAuthentication(const Section& s, Config* config) {
  TRY(s.AllowOnly({"password-scheme", "plain-text-networks", "rate-limit", "fallback-admin",
                   "login-cache-ttl"}));
  AuthenticationConfig& auth = config->authentication;
  TRY(s.Uint32("login-cache-ttl", 0, 3600, &auth.login_cache_ttl_s));
  TRY(s.String("password-scheme", &auth.password_scheme));
  const std::optional<SecretScheme> scheme = ParseSecretSchemeName(auth.password_scheme);
  if (!scheme) {
    return s.Fail(LineOf(*s.Find("password-scheme")),
                  "unknown password-scheme (expected yescrypt, sha512-crypt, bcrypt, argon2id "
                  "or scram-sha-256)");
  }
  if (auto networks = TRY(s.Strings("plain-text-networks", /*single_allowed=*/false))) {
    auth.plain_text_networks = Values(networks);
    Result<NetworkList> parsed = NetworkList::Parse(auth.plain_text_networks);
    if (!parsed) {
      return s.Fail(LineOf(*s.Find("plain-text-networks")),
                    "plain-text-networks: " + parsed.error().message);
    }
  }
  if (const toml::table* t = TRY(s.Table("rate-limit"))) {
    TRY(ReadRateLimit(Section(s.path(), *t, "[authentication.rate-limit]"), &auth.rate_limits));
  }
  if (const toml::table* t = TRY(s.Table("fallback-admin"))) {
    TRY(ReadFallbackAdmin(Section(s.path(), *t, "[authentication.fallback-admin]"),
                          &config->fallback_admin));
  }
  return {};
}

}  // namespace ringmail::config_internal
