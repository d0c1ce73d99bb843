// AUTH (RFC 4954) on submission listeners, through the directory's Authenticator: the
// mechanisms it offers for this connection, its SASL exchange, and its failure mapping
// (authenticator.h: AuthFailure).
#include <utility>

#include "base/encoding.h"
#include "base/log.h"
#include "smtp/session.h"
#include "smtp/session_replies.h"

namespace ringmail::smtp {
namespace {

SmtpReply FailureReply(AuthFailure failure) {
  switch (failure) {
    case AuthFailure::kInvalidCredentials: return replies::kAuthFailed;
    case AuthFailure::kBlocked:
    case AuthFailure::kUnavailable: return replies::kAuthBlocked;
    case AuthFailure::kEncryptionRequired: return replies::kEncryptionRequired;
    case AuthFailure::kMalformed: return replies::kAuthMalformed;
    case AuthFailure::kCancelled: return replies::kAuthCancelled;
    case AuthFailure::kUnsupported: return replies::kAuthMechanism;
  }
  return replies::kAuthFailed;
}

}  // namespace

bool SmtpSession::AuthOffered() const {
  return config_->kind == ListenerKind::kSubmission && services_->authenticator != nullptr;
}

std::string SmtpSession::AuthMechanisms() const {
  const AuthContext context{stream_->peer(), stream_->encrypted(), "submission"};
  std::string out;
  for (SaslMechanismKind kind : services_->authenticator->Mechanisms(context)) {
    if (!out.empty()) out += ' ';
    out += SaslMechanismName(kind);
  }
  return out;
}

Task<bool> SmtpSession::Auth(SmtpCommand command) {
  if (!AuthOffered()) {
    Reply(replies::kAuthUnavailable);
    co_return true;
  }
  if (TlsPending()) {
    Reply(replies::kEncryptionRequired);  // RFC 4954 §6; no mechanism before STARTTLS
    co_return true;
  }
  if (principal_) {
    Reply(replies::kAlreadyAuthenticated);
    co_return true;
  }
  if (InTransaction()) {
    Reply(replies::kAuthInTransaction);
    co_return true;
  }
  const std::optional<SaslMechanismKind> kind = ParseSaslMechanism(command.argument);
  if (!kind) {
    Reply(replies::kAuthMechanism);
    co_return true;
  }
  const AuthContext context{stream_->peer(), stream_->encrypted(), "submission"};
  std::unique_ptr<Authenticator::Exchange> exchange =
      services_->authenticator->StartExchange(*kind, context, /*success_carries_data=*/false);
  SaslReply reply = co_await exchange->Start(std::move(command.initial_response));
  while (reply.kind == SaslReply::Kind::kChallenge) {
    ReplyText(334, "", Base64(reply.data));
    line_reader_.set_sasl_response(true);
    Line line = co_await NextLine();
    line_reader_.set_sasl_response(false);
    if (line.kind == Line::Kind::kEnd) co_return false;
    if (line.kind == Line::Kind::kError) {
      Reply(line.reply);
      co_return true;
    }
    reply = co_await exchange->Continue(std::move(line.text));
  }
  if (reply.kind == SaslReply::Kind::kSuccess) {
    Log(LogLevel::kInfo, "smtp_auth", "peer", peer_host_, "user", reply.principal.name);
    principal_ = std::move(reply.principal);
    Reply(replies::kAuthOk);
    co_return true;
  }
  Log(LogLevel::kInfo, "smtp_auth_failed", "peer", peer_host_, "reason",
      AuthFailureName(reply.failure));
  Reply(FailureReply(reply.failure));
  co_return true;
}

}  // namespace ringmail::smtp
