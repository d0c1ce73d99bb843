// What the HTTP endpoints that take directory logins (the admin API, JMAP) answer when an
// HTTP Basic login fails, so that every endpoint says the same thing (docs/http.md).
#pragma once

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

}  // namespace ringmail
