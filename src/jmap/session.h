// The JMAP Session resource (RFC 8620 §2, RFC 8621 §1.3): what GET /jmap/session answers
// for an authenticated user. Pure code; any core.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "jmap/limits.h"

namespace ringmail::jmap {

// The URL paths the session names (server/http_jmap.cc routes them).
inline constexpr std::string_view kApiPath = "/jmap/api/";
inline constexpr std::string_view kSessionPath = "/jmap/session";
inline constexpr std::string_view kDownloadPath = "/jmap/download/";
inline constexpr std::string_view kUploadPath = "/jmap/upload/";
inline constexpr std::string_view kEventSourcePath = "/jmap/eventsource/";

struct SessionUser {
  std::string username;    // the login name
  int64_t account_id = 0;  // the store's id of the user's account
};

// The session's state: changes when what the session says (besides its URLs) changes.
std::string SessionState(const SessionUser& user, const Limits& limits);

// The Session object. `base_url`: scheme and authority the client reached us by
// ("https://mail.example.com"), no trailing '/'.
std::string SessionJson(const SessionUser& user, const Limits& limits, std::string_view base_url);

}  // namespace ringmail::jmap
