#include "server/http_login.h"

namespace ringmail {

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
      return http::JsonError(403, "passwords are accepted only over HTTPS here");
    default: return Unauthorized("invalid credentials", std::move(challenge));
  }
}

}  // namespace ringmail
