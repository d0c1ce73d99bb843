// The Authorization field's credentials (RFC 9110 §11): HTTP Basic (RFC 7617) for
// directory logins and Bearer (RFC 6750) reserved for API keys. Parsing only; the server
// layer checks them through the directory's Authenticator. Pure code; any core.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ringmail::http {

struct BasicCredentials {
  std::string user;
  std::string password;
};

// "Basic base64(user:password)" (scheme case-insensitive); nullopt when the value is not
// Basic, the base64 is invalid, there is no ':' or the user is empty. Control bytes in the
// user-id are refused (RFC 7617 §2).
std::optional<BasicCredentials> ParseBasic(std::string_view authorization);

// The token of "Bearer TOKEN" (RFC 6750 §2.1 token68 syntax), nullopt otherwise.
std::optional<std::string_view> ParseBearer(std::string_view authorization);

// The WWW-Authenticate value of a 401: Basic for `realm` (RFC 7617 with charset UTF-8).
std::string BasicChallenge(std::string_view realm);

}  // namespace ringmail::http
