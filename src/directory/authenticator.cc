#include "directory/authenticator.h"

#include <utility>

#include "base/check.h"
#include "base/log.h"
#include "directory/address.h"
#include "directory/secret.h"
#include "runtime/awaitables.h"
#include "runtime/reactor.h"
#include "store/metadata_store.h"

namespace ringmail {

const char* AuthFailureName(AuthFailure failure) {
  switch (failure) {
    case AuthFailure::kInvalidCredentials: return "invalid_credentials";
    case AuthFailure::kBlocked: return "blocked";
    case AuthFailure::kUnavailable: return "unavailable";
    case AuthFailure::kEncryptionRequired: return "encryption_required";
    case AuthFailure::kMalformed: return "malformed";
    case AuthFailure::kCancelled: return "cancelled";
    case AuthFailure::kUnsupported: return "unsupported";
  }
  return "unknown";
}

Authenticator::Authenticator(Directory* directory, WorkerPool* workers,
                             const AuthSettings* settings, size_t cores,
                             const AuthRateLimiterMetrics* metrics)
    : directory_(directory),
      workers_(workers),
      settings_(settings),
      metrics_attached_(cores, 0),
      metrics_(metrics),
      now_ms_(&MonotonicMs) {
  for (size_t i = 0; i < cores; ++i) {
    limiters_.push_back(std::make_unique<AuthRateLimiter>(settings->rate_limits));
    verified_.push_back(
        std::make_unique<VerifiedSecrets>(settings->verified_secret_ttl_ms, kVerifiedSecretsMax));
  }
  // A secret of the default scheme for a password nobody knows (the name does not matter: a
  // random salt makes it unguessable).
  Result<std::string> dummy = HashSecret("unknown principal", SecretScheme::kYescrypt);
  CHECK(dummy.has_value(), "the system gives no randomness");
  dummy_secret_ = std::move(*dummy);
}

Authenticator::~Authenticator() = default;

AuthRateLimiter& Authenticator::Limiter() {
  Reactor* reactor = Reactor::Current();
  CHECK(reactor != nullptr, "authentication runs on a reactor core");
  const size_t core = static_cast<size_t>(reactor->core());
  CHECK(core < limiters_.size(), "core index over the cores given");
  // The core's metrics shard exists once its reactor runs: attached at the first use there.
  if (metrics_ != nullptr && !metrics_attached_[core]) {
    limiters_[core]->AttachMetrics(&reactor->metrics(), *metrics_);
    metrics_attached_[core] = 1;
  }
  return *limiters_[core];
}

VerifiedSecrets& Authenticator::Verified() {
  Reactor* reactor = Reactor::Current();
  CHECK(reactor != nullptr, "authentication runs on a reactor core");
  const size_t core = static_cast<size_t>(reactor->core());
  CHECK(core < verified_.size(), "core index over the cores given");
  return *verified_[core];
}

bool Authenticator::PlainTextAllowed(const AuthContext& context) const {
  return context.encrypted || settings_->plain_text_networks.Contains(context.peer);
}

std::vector<SaslMechanismKind> Authenticator::Mechanisms(const AuthContext& context) const {
  std::vector<SaslMechanismKind> kinds;
  kinds.push_back(SaslMechanismKind::kScramSha256);
  if (PlainTextAllowed(context)) {
    kinds.push_back(SaslMechanismKind::kPlain);
    kinds.push_back(SaslMechanismKind::kLogin);
  }
  return kinds;
}

Task<Result<Principal>> Authenticator::FindLoginPrincipal(std::string name) {
  Result<Principal> p = co_await directory_->FindPrincipal(name);
  if (p || p.error().code != ErrorCode::kNotFound || name.find('@') == std::string::npos) {
    co_return p;
  }
  Result<MailAddress> address = ParseMailAddress(name);
  if (!address) co_return MakeError(ErrorCode::kNotFound, "no principal");
  Result<std::vector<std::string>> owners =
      co_await directory_->FindAddress(NormalizedAddress(*address));
  if (!owners) co_return std::unexpected(owners.error());
  if (owners->size() != 1) co_return MakeError(ErrorCode::kNotFound, "no principal");
  Result<Principal> owner = co_await directory_->FindPrincipal(owners->front());
  co_return owner;
}

Task<void> Authenticator::Failed(std::string name, AuthContext context) {
  AuthRateLimiter& limiter = Limiter();
  const FailureOutcome outcome = limiter.RecordFailure(context.peer, name, now_ms_());
  limiter.LogNewBlocks(context.protocol, context.peer, name, outcome);
  if (outcome.delay_ms > 0) co_await Sleep(outcome.delay_ms);
}

Task<AuthResult> Authenticator::Login(std::string name, std::string password, AuthContext context) {
  if (!PlainTextAllowed(context)) co_return std::unexpected(AuthFailure::kEncryptionRequired);
  AuthResult result = co_await CheckPassword(std::move(name), std::move(password), context);
  co_return result;
}

Task<AuthResult> Authenticator::CheckPassword(std::string name, std::string password,
                                              AuthContext context) {
  if (!Limiter().Check(context.peer, name, now_ms_()).allowed) {
    co_return std::unexpected(AuthFailure::kBlocked);
  }
  AuthenticatedPrincipal who;
  // The limiter's account key: the principal once known, so that other spellings of its
  // addresses count against it too.
  std::string key = name;
  const std::string* secret = &dummy_secret_;
  const std::optional<FallbackAdmin>& admin = settings_->fallback_admin;
  if (admin && name == admin->user) {
    who.name = name;
    who.is_admin = true;
    secret = &admin->secret;
  } else {
    Result<Principal> p = co_await FindLoginPrincipal(name);
    if (!p && p.error().code != ErrorCode::kNotFound) {
      Log(LogLevel::kWarn, "auth_directory_unavailable", "protocol", context.protocol, "error",
          p.error().ToString());
      co_return std::unexpected(AuthFailure::kUnavailable);
    }
    if (p && p->name != name) {
      if (!Limiter().Check(context.peer, p->name, now_ms_()).allowed) {
        co_return std::unexpected(AuthFailure::kBlocked);
      }
      key = p->name;
    }
    if (p && p->active && p->type == PrincipalType::kIndividual && !p->secret.empty()) {
      who.name = p->name;
      who.is_admin = p->admin;
      who.principal = std::move(*p);
      secret = &who.principal.secret;
    }
  }
  // A password this core verified against this very secret lately needs no hash (only a
  // correct one can be found there, so answering sooner tells a client nothing).
  if (!who.name.empty() && Verified().Contains(*secret, password, now_ms_())) {
    Limiter().RecordSuccess(context.peer, key, now_ms_());
    co_return who;
  }
  // The same work whether or not the name exists; a malformed stored secret fails the login.
  Result<Result<bool>> match =
      co_await workers_->Run([&] { return VerifySecret(*secret, password); });
  if (!match) co_return std::unexpected(AuthFailure::kUnavailable);  // worker queue full
  if (!who.name.empty() && match->value_or(false)) {
    Verified().Remember(*secret, password, now_ms_());
    Limiter().RecordSuccess(context.peer, key, now_ms_());
    co_return who;
  }
  if (!match->has_value() && !who.name.empty()) {
    Log(LogLevel::kWarn, "auth_secret_unusable", "principal", who.name, "error",
        match->error().ToString());
  }
  co_await Failed(key, context);
  co_return std::unexpected(AuthFailure::kInvalidCredentials);
}

std::unique_ptr<Authenticator::Exchange> Authenticator::StartExchange(SaslMechanismKind kind,
                                                                      AuthContext context,
                                                                      bool success_carries_data) {
  return std::make_unique<Exchange>(this, kind, context, success_carries_data);
}

}  // namespace ringmail
