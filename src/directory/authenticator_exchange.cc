// Authenticator::Exchange: drives one SaslExchange (sasl.h) against the directory.
#include <utility>

#include "directory/authenticator.h"
#include "directory/secret.h"

namespace ringmail {
namespace {

SaslReply FailureReply(AuthFailure failure) {
  SaslReply r;
  r.kind = SaslReply::Kind::kFailure;
  r.failure = failure;
  return r;
}

AuthFailure FromSasl(SaslError error) {
  switch (error) {
    case SaslError::kCancelled: return AuthFailure::kCancelled;
    case SaslError::kUnsupported: return AuthFailure::kUnsupported;
    case SaslError::kAuthenticationFailed: return AuthFailure::kInvalidCredentials;
    case SaslError::kMalformed:
    case SaslError::kTooLong: return AuthFailure::kMalformed;
  }
  return AuthFailure::kMalformed;
}

}  // namespace

Task<SaslReply> Authenticator::Exchange::Start(std::optional<std::string> initial_response) {
  if (sasl_.kind() != SaslMechanismKind::kScramSha256 && !auth_->PlainTextAllowed(context_)) {
    co_return FailureReply(AuthFailure::kEncryptionRequired);
  }
  SaslStep step = initial_response ? sasl_.Start(std::string_view(*initial_response))
                                   : sasl_.Start(std::nullopt);
  SaslReply reply = co_await Handle(std::move(step));
  co_return reply;
}

Task<SaslReply> Authenticator::Exchange::Continue(std::string line) {
  std::expected<std::string, SaslFailure> decoded = DecodeSaslResponse(line);
  if (!decoded) co_return FailureReply(FromSasl(decoded.error().error));
  SaslReply reply = co_await Handle(sasl_.Step(*decoded));
  co_return reply;
}

Task<SaslReply> Authenticator::Exchange::Handle(SaslStep step) {
  if (step.kind == SaslStep::Kind::kNeedScramCredentials) {
    const std::string name = sasl_.authcid();
    if (!auth_->Limiter().Check(context_.peer, name, auth_->now_ms_()).allowed) {
      co_return FailureReply(AuthFailure::kBlocked);
    }
    Result<Principal> p = co_await auth_->FindLoginPrincipal(name);
    if (!p && p.error().code != ErrorCode::kNotFound) {
      co_return FailureReply(AuthFailure::kUnavailable);
    }
    if (p && p->name != name) {  // the principal's own key, as Authenticator::CheckPassword
      if (!auth_->Limiter().Check(context_.peer, p->name, auth_->now_ms_()).allowed) {
        co_return FailureReply(AuthFailure::kBlocked);
      }
      limiter_key_ = p->name;
    }
    std::optional<ScramCredentials> credentials;
    if (p && p->active && p->type == PrincipalType::kIndividual) {
      // On a worker: for a {PLAIN} secret this derives the keys (4096 PBKDF2 rounds).
      Result<std::optional<ScramCredentials>> derived =
          co_await auth_->workers_->Run([&] { return ScramCredentialsOf(p->secret, p->name); });
      if (!derived) co_return FailureReply(AuthFailure::kUnavailable);
      credentials = std::move(*derived);
      principal_ = std::move(*p);
    }
    // Unknown names go on with fake credentials and fail at the proof (sasl.h).
    step = sasl_.ProvideScramCredentials(credentials ? &*credentials : nullptr);
  }
  SaslReply reply = co_await Finish(std::move(step));
  co_return reply;
}

Task<SaslReply> Authenticator::Exchange::Finish(SaslStep step) {
  SaslReply reply;
  switch (step.kind) {
    case SaslStep::Kind::kChallenge:
      reply.kind = SaslReply::Kind::kChallenge;
      reply.data = std::move(step.data);
      co_return reply;
    case SaslStep::Kind::kNeedScramCredentials:  // handled before
    case SaslStep::Kind::kFailure:
      if (step.failure.error == SaslError::kAuthenticationFailed) {
        co_await auth_->Failed(LimiterKey(), context_);
      }
      co_return FailureReply(FromSasl(step.failure.error));
    case SaslStep::Kind::kCheckPassword: {
      if (!sasl_.authzid().empty() && sasl_.authzid() != sasl_.authcid()) {
        // Acting as another principal is not offered (yet): refused like a wrong password.
        co_await auth_->Failed(sasl_.authcid(), context_);
        co_return FailureReply(AuthFailure::kInvalidCredentials);
      }
      AuthResult who = co_await auth_->Login(sasl_.authcid(), sasl_.password(), context_);
      if (!who) co_return FailureReply(who.error());
      reply.kind = SaslReply::Kind::kSuccess;
      reply.principal = std::move(*who);
      co_return reply;
    }
    case SaslStep::Kind::kSuccess:
      if (!principal_ || (!sasl_.authzid().empty() && sasl_.authzid() != sasl_.authcid())) {
        co_await auth_->Failed(LimiterKey(), context_);
        co_return FailureReply(AuthFailure::kInvalidCredentials);
      }
      auth_->Limiter().RecordSuccess(context_.peer, LimiterKey(), auth_->now_ms_());
      reply.kind = SaslReply::Kind::kSuccess;
      reply.data = std::move(step.data);
      reply.principal.name = principal_->name;
      reply.principal.principal = std::move(*principal_);
      co_return reply;
  }
  co_return FailureReply(AuthFailure::kMalformed);
}

}  // namespace ringmail
