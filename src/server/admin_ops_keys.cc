// API key operations shared by the CLI (cli_api_key.cc) and the admin API
// (http_admin_keys.cc).
#include <cstdio>
#include <ctime>

#include "directory/api_key.h"
#include "server/admin_ops.h"

namespace ringmail::admin {
namespace {

constexpr int64_t kExpiryDaysMax = 36500;

std::unexpected<Error> BadExpiry(const std::string& text, const char* why) {
  return MakeError(ErrorCode::kInvalidArgument, "expiry '" + text + "': " + why);
}

// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" as Unix seconds (UTC); nullopt when not that form.
std::optional<int64_t> ParseUtc(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, n = 0;
  const bool date_only = text.size() == 10 &&
                         std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 &&
                         n == 10;
  const bool full =
      text.size() == 20 &&
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &s, &n) == 6 &&
      n == 20;
  if (!date_only && !full) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || y < 1970) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  const int64_t t = static_cast<int64_t>(timegm(&tm));
  std::tm back{};
  const time_t tt = static_cast<time_t>(t);
  gmtime_r(&tt, &back);
  if (back.tm_mday != d) return std::nullopt;  // 31 April and the like
  return t;
}

}  // namespace

Result<std::optional<int64_t>> ParseExpiry(const std::string& text, int64_t now) {
  if (text.empty()) return std::optional<int64_t>();
  int64_t at = 0;
  if (text.back() == 'd') {
    const std::string digits = text.substr(0, text.size() - 1);
    if (digits.empty() || digits.size() > 5 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      return BadExpiry(text, "expected DAYSd, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    }
    const int64_t days = std::stoll(digits);
    if (days > kExpiryDaysMax) return BadExpiry(text, "too far ahead");
    at = now + days * 86400;
  } else {
    std::optional<int64_t> parsed = ParseUtc(text);
    if (!parsed) return BadExpiry(text, "expected DAYSd, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    at = *parsed;
  }
  if (at <= now) return BadExpiry(text, "not in the future");
  return std::optional<int64_t>(at);
}

std::string FormatTime(int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

Task<Result<CreatedApiKey>> CreateApiKey(MetadataStore* store, ApiKeyRequest key) {
  Result<AccountRecord> account = co_await store->GetAccount(key.account);
  if (!account) co_return std::unexpected(account.error());
  if (account->type != "individual") {
    co_return MakeError(ErrorCode::kInvalidArgument,
                        "'" + key.account + "' is a " + account->type + ": it cannot log in");
  }
  Result<ApiKeyParts> parts = NewApiKey();
  if (!parts) co_return std::unexpected(parts.error());
  ApiKeyRecord record;
  record.account = std::move(key.account);
  record.name = std::move(key.name);
  record.key_id = parts->key_id;
  record.secret_sha256 = ApiKeySecretHash(parts->secret);
  record.expires_at = key.expires_at;
  Result<ApiKeyRecord> stored = co_await store->CreateApiKey(std::move(record));
  if (!stored) co_return std::unexpected(stored.error());
  co_return CreatedApiKey{std::move(*stored), FormatApiKey(*parts)};
}

Task<Result<std::vector<ApiKeyRecord>>> ListApiKeys(MetadataStore* store, std::string account) {
  Result<std::vector<ApiKeyRecord>> keys = co_await store->ListApiKeys(std::move(account));
  co_return keys;
}

Task<Result<void>> RevokeApiKey(MetadataStore* store, std::string account, std::string name) {
  Result<void> removed = co_await store->DeleteApiKey(std::move(account), std::move(name));
  co_return removed;
}

}  // namespace ringmail::admin
