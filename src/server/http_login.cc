#include "server/http_login.h"

#include "directory/api_key.h"
#include "http/auth.h"

namespace ringmail {
namespace {

std::string BearerChallenge(std::string_view realm, bool invalid) {
  return "Bearer realm=\"" + std::string(realm) + "\"" +
         (invalid ? ", error=\"invalid_token\"" : "");
}

}  // namespace

http::Response Unauthorized(std::string_view message, std::string challenge) {
  http::Response r = http::JsonError(401, message);
  r.With("WWW-Authenticate", std::move(challenge));
  return r;
}

http::Response LoginFailure(AuthFailure failure, std::string challenge) {
  switch (failure) {
    case AuthFailure::kBlocked: return http::JsonError(429, "too many failed logins");
    case AuthFailure::kUnavailable: return http::JsonError(503, "directory unavailable");
    case AuthFailure::kEncryptionRequired:
      return http::JsonError(403, "credentials are accepted only over HTTPS here");
    default: return Unauthorized("invalid credentials", std::move(challenge));
  }
}

Task<HttpLogin> AuthenticateHttp(Authenticator* authenticator, const http::Request& request,
                                 std::string realm) {
  HttpLogin login;
  const std::string_view authorization = request.Header("Authorization");
  const AuthContext context{request.peer, request.encrypted, "http"};
  AuthResult result = std::unexpected(AuthFailure::kInvalidCredentials);
  std::string challenge;
  const std::optional<std::string_view> token = http::ParseBearer(authorization);
  std::optional<http::BasicCredentials> basic;
  if (!token) basic = http::ParseBasic(authorization);
  if (token) {
    const std::optional<ApiKeyParts> parts = ParseApiKey(*token);
    login.claimed = parts ? "api-key:" + parts->key_id : "api-key:malformed";
    challenge = BearerChallenge(realm, true);
    result = co_await authenticator->ApiKey(std::string(*token), context);
  } else if (basic) {
    login.claimed = basic->user;
    challenge = http::BasicChallenge(realm);
    result = co_await authenticator->Login(basic->user, basic->password, context);
  } else {
    login.refused = Unauthorized("authentication required", http::BasicChallenge(realm));
    login.refused.With("WWW-Authenticate", BearerChallenge(realm, false));
    co_return login;
  }
  if (!result) {
    login.refused = LoginFailure(result.error(), std::move(challenge));
    co_return login;
  }
  login.who = std::move(*result);
  co_return login;
}

}  // namespace ringmail
