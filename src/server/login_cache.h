// Recently verified HTTP Basic logins. A JMAP client sends its password with every request
// (RFC 8620 leaves auth to HTTP), and checking a yescrypt or Argon2 hash costs tens of
// milliseconds of CPU: without this a core answers a few dozen requests a second. A login
// verified less than `ttl` ago (same user, same password, same plain-text-or-TLS transport)
// is answered from here without the directory or the store.
//
// Only successes are kept, so failures still go through the Authenticator's rate limiter.
// Entries are keyed by an HMAC of the credentials under a per-process random key (no
// password is kept in memory in a form that could be read back). A password change or a
// disabled account takes effect here within `ttl` ([authentication] login-cache-ttl,
// docs/config.md). One cache per core (thread-local): no locks; each core warms its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tls/digest.h"

namespace ringmail {

struct CachedLogin {
  std::string name;        // the principal the directory answered
  int64_t account_id = 0;  // its mail account in the store
};

class LoginCache {
 public:
  using Clock = std::chrono::steady_clock;

  LoginCache(std::chrono::seconds ttl, size_t entries_max);

  // The login verified for these credentials within ttl, else nullopt.
  std::optional<CachedLogin> Find(std::string_view user, std::string_view password, bool encrypted,
                                  Clock::time_point now) const;
  // Keeps a verified login until now + ttl. When full, expired entries go first; if none
  // has expired, the whole cache is dropped (bounded memory, rare: entries_max logins a ttl).
  void Remember(std::string_view user, std::string_view password, bool encrypted, CachedLogin login,
                Clock::time_point now);

  size_t size() const { return entries_.size(); }

  // This core's cache for the HTTP endpoints, with `ttl` on first use (0: caching off).
  static LoginCache& ForThisCore(std::chrono::seconds ttl);

 private:
  struct Entry {
    CachedLogin login;
    Clock::time_point expires;
  };
  std::string Key(std::string_view user, std::string_view password, bool encrypted) const;

  std::chrono::seconds ttl_;
  size_t entries_max_;
  std::unordered_map<std::string, Entry> entries_;
};

inline constexpr size_t kLoginCacheEntriesMax = 10000;  // per core

}  // namespace ringmail
