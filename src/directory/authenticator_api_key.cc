// Authenticator::ApiKey: `Authorization: Bearer KEY` (docs/directory.md, "API keys").
#include <ctime>
#include <utility>

#include "base/log.h"
#include "directory/api_key.h"
#include "directory/authenticator.h"

namespace ringmail {
namespace {

// The limiter's account key for a presented key: its public id (the account is not known
// before the lookup, and a guessed id must count against something stable).
std::string LimiterName(const std::optional<ApiKeyParts>& parts) {
  return parts ? "api-key:" + parts->key_id : std::string("api-key");
}

}  // namespace

Task<AuthResult> Authenticator::ApiKey(std::string key, AuthContext context) {
  if (!PlainTextAllowed(context)) co_return std::unexpected(AuthFailure::kEncryptionRequired);
  const std::string name = LimiterName(ParseApiKey(key));
  if (!Limiter().Check(context.peer, name, now_ms_()).allowed) {
    co_return std::unexpected(AuthFailure::kBlocked);
  }
  AuthResult result = co_await CheckApiKey(std::move(key), context);
  if (result) {
    Limiter().RecordSuccess(context.peer, name, now_ms_());
  } else if (result.error() == AuthFailure::kInvalidCredentials) {
    co_await Failed(name, context);
  }
  co_return result;
}

Task<AuthResult> Authenticator::CheckApiKey(std::string key, AuthContext context) {
  const std::optional<ApiKeyParts> parts = ParseApiKey(key);
  if (!parts) co_return std::unexpected(AuthFailure::kInvalidCredentials);
  Result<ApiKeyRecord> stored = co_await directory_->FindApiKey(parts->key_id);
  if (!stored) {
    if (stored.error().code == ErrorCode::kNotFound) {
      co_return std::unexpected(AuthFailure::kInvalidCredentials);
    }
    Log(LogLevel::kWarn, "auth_directory_unavailable", "protocol", context.protocol, "error",
        stored.error().ToString());
    co_return std::unexpected(AuthFailure::kUnavailable);
  }
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (!ApiKeySecretMatches(parts->secret, stored->secret_sha256) ||
      (stored->expires_at && *stored->expires_at <= now)) {
    co_return std::unexpected(AuthFailure::kInvalidCredentials);
  }
  Result<Principal> p = co_await directory_->FindPrincipal(stored->account);
  if (!p && p.error().code != ErrorCode::kNotFound) {
    Log(LogLevel::kWarn, "auth_directory_unavailable", "protocol", context.protocol, "error",
        p.error().ToString());
    co_return std::unexpected(AuthFailure::kUnavailable);
  }
  if (!p || !p->active || p->type != PrincipalType::kIndividual) {
    co_return std::unexpected(AuthFailure::kInvalidCredentials);
  }
  if (!stored->last_used_at || *stored->last_used_at + kApiKeyTouchIntervalS <= now) {
    // Best effort: a failed write must not refuse a good key.
    Result<void> touched = co_await directory_->ApiKeyUsed(stored->id, now);
    if (!touched) {
      Log(LogLevel::kWarn, "api_key_touch_failed", "key", stored->name, "error",
          touched.error().ToString());
    }
  }
  AuthenticatedPrincipal who;
  who.name = p->name;
  who.is_admin = p->admin;
  who.api_key = stored->name;
  who.principal = std::move(*p);
  co_return who;
}

}  // namespace ringmail
