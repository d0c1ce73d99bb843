// Authenticator: the one interface protocol code asks to authenticate (docs/directory.md,
// "Authentication"). It answers with the principal or a typed failure, and applies, in this
// order: the plain-text policy (no password over an unencrypted connection outside
// `plain_text_networks`), the brute-force limiter (a blocked attempt is refused before any
// lookup or hash), the fallback administrator, the directory lookup, and the password check
// on the worker pool (hashes are slow on purpose; never on a reactor thread).
//
// Unknown names, inactive principals, groups and lists, wrong passwords and refused
// authorization identities all fail alike (kInvalidCredentials), after the same password
// work, so a client cannot tell them apart. A directory or worker-pool outage is
// kUnavailable and is not counted as a failed attempt.
//
// Runs on reactor cores: one rate limiter per core (auth_rate_limiter.h). The directory, the
// worker pool and the settings must outlive it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/socket_address.h"
#include "directory/auth_rate_limiter.h"
#include "directory/directory.h"
#include "directory/network_list.h"
#include "directory/sasl.h"
#include "directory/verified_secrets.h"
#include "runtime/task.h"
#include "runtime/worker_pool.h"

namespace ringmail {

struct FallbackAdmin {
  std::string user;
  std::string secret;  // a hashed secret (IsHashedSecret)
};

struct AuthSettings {
  NetworkList plain_text_networks = NetworkList::Loopback();
  AuthRateLimiterConfig rate_limits;
  std::optional<FallbackAdmin> fallback_admin;
  // How long a password verified against a stored secret is remembered per core, so that
  // logging in again skips the slow hash (verified_secrets.h); 0: every login hashes.
  uint64_t verified_secret_ttl_ms = 0;
};

// Where an attempt comes from. `protocol` is a literal ("imap", "smtp", ...), for logs.
struct AuthContext {
  SocketAddress peer;
  bool encrypted = false;
  const char* protocol = "";
};

enum class AuthFailure {
  kInvalidCredentials,  // IMAP NO [AUTHENTICATIONFAILED], SMTP 535 5.7.8
  kBlocked,             // too many failures: IMAP NO [UNAVAILABLE], SMTP 454 4.7.0
  kUnavailable,         // directory or workers down: IMAP NO [UNAVAILABLE], SMTP 454 4.7.0
  kEncryptionRequired,  // IMAP NO [PRIVACYREQUIRED], SMTP 538 5.7.11
  kMalformed,           // SASL grammar or limits: IMAP BAD, SMTP 501 5.5.2
  kCancelled,           // the client sent "*": IMAP BAD, SMTP 501 5.0.0
  kUnsupported,         // a mechanism or feature not offered: IMAP NO, SMTP 504 5.5.4
};
const char* AuthFailureName(AuthFailure failure);

struct AuthenticatedPrincipal {
  std::string name;  // the principal acted as (the authorization identity)
  // May administer: the fallback administrator, or a principal with the admin role.
  bool is_admin = false;
  Principal principal;  // empty for the fallback administrator
  std::string api_key;  // the name of the API key it authenticated with; "" for a password
};
using AuthResult = std::expected<AuthenticatedPrincipal, AuthFailure>;

class Authenticator {
 public:
  // `metrics`: the ids RegisterAuthRateLimiterMetrics gave (before the registry was frozen);
  // each core's limiter counts into that core's shard. nullptr: no metrics (tests).
  Authenticator(Directory* directory, WorkerPool* workers, const AuthSettings* settings,
                size_t cores, const AuthRateLimiterMetrics* metrics = nullptr);
  ~Authenticator();

  // Whether a password may be sent on this connection (IMAP LOGINDISABLED, which SASL
  // mechanisms SMTP advertises). SCRAM never sends the password and is always allowed.
  bool PlainTextAllowed(const AuthContext& context) const;
  // The mechanisms to advertise, in preference order.
  std::vector<SaslMechanismKind> Mechanisms(const AuthContext& context) const;

  // A name and a password (IMAP LOGIN, HTTP Basic; PLAIN and LOGIN end here). `name` may be
  // the principal's name or one of its addresses.
  Task<AuthResult> Login(std::string name, std::string password, AuthContext context);

  // An API key (`Authorization: Bearer KEY`; directory/api_key.h, docs/directory.md "API
  // keys"). The same policy as a password: refused over plain text outside
  // `plain_text_networks`, rate limited (per source address, and per key id as the account
  // key), failing alike for a malformed, unknown, wrong, expired key or one whose principal
  // is inactive or not an individual. Never logs the key. Updates the key's last use at most
  // every kApiKeyTouchIntervalS.
  Task<AuthResult> ApiKey(std::string key, AuthContext context);
  static constexpr int64_t kApiKeyTouchIntervalS = 60;

  class Exchange;
  // One AUTHENTICATE / AUTH command (SASL). REQUIRES: the Authenticator outlives it.
  std::unique_ptr<Exchange> StartExchange(SaslMechanismKind kind, AuthContext context,
                                          bool success_carries_data);

  // Used by Exchange. The principal a login name means: its name, or its address when the
  // name has '@' and exactly one active individual owns it. kNotFound when none.
  Task<Result<Principal>> FindLoginPrincipal(std::string name);
  // After a failed attempt: counts it and waits the limiter's delay.
  Task<void> Failed(std::string name, AuthContext context);
  AuthRateLimiter& Limiter();
  // This core's recently verified passwords (settings().verified_secret_ttl_ms).
  VerifiedSecrets& Verified();
  const AuthSettings& settings() const { return *settings_; }

  // Test hook: a clock other than MonotonicMs().
  void SetClockForTest(uint64_t (*now_ms)()) { now_ms_ = now_ms; }

 private:
  Task<AuthResult> CheckPassword(std::string name, std::string password, AuthContext context);
  // ApiKey's checks past the limiter: the principal when the key is good, kInvalidCredentials
  // or kUnavailable otherwise (not counted yet).
  Task<AuthResult> CheckApiKey(std::string key, AuthContext context);

  Directory* directory_;
  WorkerPool* workers_;
  const AuthSettings* settings_;
  std::vector<std::unique_ptr<AuthRateLimiter>> limiters_;  // by core index
  std::vector<std::unique_ptr<VerifiedSecrets>> verified_;  // by core index
  // By core index; char, not bool: cores write their own entries concurrently.
  std::vector<char> metrics_attached_;
  const AuthRateLimiterMetrics* metrics_;
  // Checked instead of a real secret when the name is unknown, so both cost the same.
  std::string dummy_secret_;
  uint64_t (*now_ms_)();
};

// What the protocol loop does next in an AUTHENTICATE exchange.
struct SaslReply {
  enum class Kind { kChallenge, kSuccess, kFailure };
  Kind kind = Kind::kFailure;
  std::string data;  // kChallenge / kSuccess: decoded bytes to send (base64 them)
  AuthFailure failure = AuthFailure::kInvalidCredentials;
  AuthenticatedPrincipal principal;  // kSuccess
};

class Authenticator::Exchange {
 public:
  Exchange(Authenticator* auth, SaslMechanismKind kind, AuthContext context,
           bool success_carries_data)
      : auth_(auth), context_(context), sasl_(kind, success_carries_data) {}

  // `initial_response`: the decoded SASL-IR argument, nullopt when none was sent.
  Task<SaslReply> Start(std::optional<std::string> initial_response);
  // The client's next line, as received (DecodeSaslResponse is applied here).
  Task<SaslReply> Continue(std::string line);

 private:
  Task<SaslReply> Handle(SaslStep step);
  Task<SaslReply> Finish(SaslStep step);

  Authenticator* auth_;
  AuthContext context_;
  SaslExchange sasl_;
  // The limiter's account key: the principal's name once looked up, else the authcid.
  const std::string& LimiterKey() const {
    return limiter_key_.empty() ? sasl_.authcid() : limiter_key_;
  }

  std::optional<Principal> principal_;  // SCRAM: looked up at kNeedScramCredentials
  std::string limiter_key_;
};

}  // namespace ringmail
