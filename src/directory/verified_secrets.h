// VerifiedSecrets: passwords recently checked against a stored secret, so that a client
// that logs in again and again (an IMAP client opening its usual handful of connections, a
// phone reconnecting, SMTP submission after IMAP) does not cost a slow hash (yescrypt,
// Argon2: tens of milliseconds of CPU and megabytes of memory on the worker pool) each time.
//
// An entry is keyed by an HMAC, under a key drawn at random for this object, of the stored
// secret and the password: no password is kept in a form that could be read back, a changed
// secret (new password, new hash) never matches an old entry, and only a correct password
// can hit. The Authenticator still asks the directory and the rate limiter before it looks
// here, so a disabled account or a blocked source fails at once; failures are never kept.
// Entries live `ttl_ms` ([authentication] login-cache-ttl, docs/config.md); 0 turns the
// cache off. Bounded: at `entries_max`, expired entries go first, else all of them.
//
// One per core (the Authenticator keeps them by core index): no locks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>

namespace ringmail {

class VerifiedSecrets {
 public:
  VerifiedSecrets(uint64_t ttl_ms, size_t entries_max);

  // Whether `password` was verified against `secret` less than ttl_ms before `now_ms`.
  bool Contains(std::string_view secret, std::string_view password, uint64_t now_ms);
  // After the password matched the secret (the slow way): remembered until now_ms + ttl_ms.
  void Remember(std::string_view secret, std::string_view password, uint64_t now_ms);

  size_t size() const { return entries_.size(); }
  uint64_t hits() const { return hits_; }  // Contains answers true (tests, metrics)

 private:
  using Key = std::array<uint8_t, 32>;
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  Key KeyOf(std::string_view secret, std::string_view password) const;

  uint64_t ttl_ms_;
  size_t entries_max_;
  std::array<uint8_t, 32> hmac_key_{};
  std::unordered_map<Key, uint64_t, KeyHash> entries_;  // key -> expiry (ms)
  uint64_t hits_ = 0;
};

inline constexpr size_t kVerifiedSecretsMax = 10000;  // per core

}  // namespace ringmail
