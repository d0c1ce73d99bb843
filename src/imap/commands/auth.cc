// CAPABILITY, NOOP, LOGOUT, LOGIN, AUTHENTICATE (SASL-IR), ENABLE, ID (RFC 9051 §6.1-6.2,
// RFC 4959, RFC 5161, RFC 2971).
#include "base/encoding.h"
#include "imap/client_line.h"
#include "imap/session.h"
#include "imap/wire.h"

namespace ringmail::imap {

Task<void> Session::Capability(Command c) {
  Untagged("CAPABILITY " + CapabilityList());
  Tagged(c.tag, "OK", "CAPABILITY completed");
  co_return;
}

Task<void> Session::Noop(Command c) {
  // Dispatch reloads the selected mailbox (forced) before the tagged answer.
  Tagged(c.tag, "OK", "NOOP completed");
  co_return;
}

Task<void> Session::Logout(Command c) {
  Untagged("BYE Logging out");
  Tagged(c.tag, "OK", "LOGOUT completed");
  Deselect();
  state_ = State::kLogout;
  co_return;
}

void Session::AuthFailed(const std::string& tag, AuthFailure failure) {
  switch (failure) {
    case AuthFailure::kInvalidCredentials:
      Tagged(tag, "NO", "[AUTHENTICATIONFAILED] Authentication failed");
      break;
    case AuthFailure::kBlocked:
    case AuthFailure::kUnavailable:
      Tagged(tag, "NO", "[UNAVAILABLE] Authentication temporarily unavailable");
      break;
    case AuthFailure::kEncryptionRequired:
      Tagged(tag, "NO", "[PRIVACYREQUIRED] Encryption required for this authentication");
      break;
    case AuthFailure::kMalformed: Tagged(tag, "BAD", "Malformed authentication data"); break;
    case AuthFailure::kCancelled: Tagged(tag, "BAD", "Authentication cancelled"); break;
    case AuthFailure::kUnsupported: Tagged(tag, "NO", "[CANNOT] Not supported"); break;
  }
}

Task<void> Session::LoggedIn(const std::string& tag, AuthenticatedPrincipal principal) {
  Result<AccountRecord> account = co_await services_->metadata->GetAccount(principal.name);
  if (!account) {
    if (account.error().code == ErrorCode::kNotFound) {
      // The fallback administrator, or a directory principal without a mailbox here.
      Tagged(tag, "NO", "[CONTACTADMIN] This account has no mailboxes");
    } else {
      StoreFailure(tag, account.error());
    }
    co_return;
  }
  user_ = principal.name;
  account_id_ = account->id;
  principal_quota_bytes_ = principal.principal.quota_bytes;
  state_ = State::kAuthenticated;
  stream_->set_read_timeout_ms(services_->limits.idle_timeout_ms);
  Tagged(tag, "OK", "[CAPABILITY " + CapabilityList() + "] Logged in");
}

Task<void> Session::Login(Command c) {
  LoginArgs& args = std::get<LoginArgs>(c.args);
  AuthContext context{stream_->peer(), stream_->encrypted(), "imap"};
  if (TlsPending()) {
    Tagged(c.tag, "NO", "[PRIVACYREQUIRED] Use STARTTLS before logging in");
    co_return;
  }
  if (!services_->authenticator->PlainTextAllowed(context)) {
    Tagged(c.tag, "NO", "[PRIVACYREQUIRED] LOGIN is disabled on unencrypted connections");
    co_return;
  }
  AuthResult r = co_await services_->authenticator->Login(std::move(args.user),
                                                          std::move(args.password), context);
  if (!r) {
    AuthFailed(c.tag, r.error());
    co_return;
  }
  co_await LoggedIn(c.tag, std::move(*r));
}

Task<void> Session::Authenticate(Command c) {
  AuthenticateArgs& args = std::get<AuthenticateArgs>(c.args);
  AuthContext context{stream_->peer(), stream_->encrypted(), "imap"};
  if (TlsPending()) {
    Tagged(c.tag, "NO", "[PRIVACYREQUIRED] Use STARTTLS before authenticating");
    co_return;
  }
  std::optional<SaslMechanismKind> kind = ParseSaslMechanism(args.mechanism);
  bool offered = false;
  if (kind) {
    for (SaslMechanismKind k : services_->authenticator->Mechanisms(context)) offered |= k == *kind;
  }
  if (!offered) {
    Tagged(c.tag, "NO", "[CANNOT] Unsupported authentication mechanism");
    co_return;
  }
  std::optional<std::string> initial;
  if (args.initial_response) {
    if (*args.initial_response == "=") {
      initial = std::string();
    } else {
      initial = Base64Decode(*args.initial_response);
      if (!initial) {
        Tagged(c.tag, "BAD", "Invalid base64 in the initial response");
        co_return;
      }
    }
  }
  std::unique_ptr<Authenticator::Exchange> exchange =
      services_->authenticator->StartExchange(*kind, context, false);
  SaslReply reply = co_await exchange->Start(std::move(initial));
  while (reply.kind == SaslReply::Kind::kChallenge) {
    Write("+ " + Base64(reply.data) + "\r\n");
    const bool flushed = co_await FlushOut();
    if (!flushed) co_return;
    std::string line;
    while (true) {
      LineResult l = ReadClientLine(stream_->buffered(), services_->limits.reader.line_size_max);
      if (l.state == LineState::kDone) {
        line.assign(l.line);
        stream_->Consume(l.consumed);
        break;
      }
      if (l.state == LineState::kTooLong) {
        Untagged("BYE Authentication line too long");
        state_ = State::kLogout;
        co_return;
      }
      Result<std::string_view> got = co_await stream_->Read();
      if (!got && got.error().code != ErrorCode::kCancelled) {
        state_ = State::kLogout;
        co_return;
      }
    }
    reply = co_await exchange->Continue(std::move(line));
  }
  if (reply.kind == SaslReply::Kind::kFailure) {
    AuthFailed(c.tag, reply.failure);
    co_return;
  }
  co_await LoggedIn(c.tag, std::move(reply.principal));
}

Task<void> Session::Enable(Command c) {
  EnableArgs& args = std::get<EnableArgs>(c.args);
  std::string enabled;
  for (const std::string& cap : args.capabilities) {
    bool now = false;
    if (cap == "IMAP4REV2" && !rev2_) {
      rev2_ = now = true;
    } else if (cap == "UTF8=ACCEPT" && !utf8_accept_) {
      utf8_accept_ = now = true;
    } else if (cap == "CONDSTORE" && !condstore_) {
      condstore_ = now = true;
    } else if (cap == "QRESYNC" && !qresync_) {
      qresync_ = condstore_ = now = true;
    }
    if (now) enabled += " " + cap;
  }
  reader_.set_utf8(utf8());
  Untagged("ENABLED" + enabled);
  Tagged(c.tag, "OK", "ENABLE completed");
  co_return;
}

Task<void> Session::Id(Command c) {
  Untagged("ID (\"name\" \"ringmail\" \"vendor\" \"ringmail\")");
  Tagged(c.tag, "OK", "ID completed");
  co_return;
}

}  // namespace ringmail::imap
