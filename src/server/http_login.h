// How the HTTP endpoints that take directory logins (the admin API, JMAP) authenticate a
// request, so that every endpoint does it and answers failures the same way (docs/http.md):
// `Authorization: Basic` is a directory login, `Authorization: Bearer` an API key, both
// checked by the directory's Authenticator (plain-text policy, rate limiter, timing).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "directory/authenticator.h"
#include "http/router.h"

namespace ringmail {

// 401 with `WWW-Authenticate: challenge` and `message`.
http::Response Unauthorized(std::string_view message, std::string challenge);
// 429 while blocked, 503 while the directory is down, 403 for a password over plain text
// where that is refused, else 401 "invalid credentials" with `challenge`.
http::Response LoginFailure(AuthFailure failure, std::string challenge);

struct HttpLogin {
  std::optional<AuthenticatedPrincipal> who;  // set when authenticated
  http::Response refused;                     // the answer when not
  // For logs: the user name given (Basic) or "api-key:ID" (Bearer), even when refused; ""
  // without credentials. Never a secret.
  std::string claimed;
};

// Checks the request's credentials. Without any: 401 with both challenges (Basic and
// Bearer) for `realm`.
Task<HttpLogin> AuthenticateHttp(Authenticator* authenticator, const http::Request& request,
                                 std::string realm);

}  // namespace ringmail
