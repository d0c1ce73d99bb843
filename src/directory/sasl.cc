// The mechanism-independent half of SaslExchange (sequencing, limits, failures) and the
// helpers: mechanism names, response decoding, UTF-8 and our SASLprep.
#include "directory/sasl.h"

#include <string.h>

#include "base/ascii.h"
#include "base/check.h"
#include "base/encoding.h"
#include "base/utf8.h"

namespace ringmail {
namespace {

// Zeroes every byte the string owns, not only its current contents.
void Wipe(std::string& s) {
  s.resize(s.capacity());
  explicit_bzero(s.data(), s.size());
  s.clear();
}

}  // namespace

std::string_view SaslMechanismName(SaslMechanismKind kind) {
  switch (kind) {
    case SaslMechanismKind::kPlain: return "PLAIN";
    case SaslMechanismKind::kLogin: return "LOGIN";
    case SaslMechanismKind::kScramSha256: return "SCRAM-SHA-256";
  }
  CHECK(false, "unknown SaslMechanismKind");
  return "";
}

std::optional<SaslMechanismKind> ParseSaslMechanism(std::string_view name) {
  for (SaslMechanismKind kind :
       {SaslMechanismKind::kPlain, SaslMechanismKind::kLogin, SaslMechanismKind::kScramSha256}) {
    if (EqualsIgnoreCase(name, SaslMechanismName(kind))) return kind;
  }
  return std::nullopt;
}

std::string_view SaslErrorName(SaslError error) {
  switch (error) {
    case SaslError::kMalformed: return "malformed";
    case SaslError::kCancelled: return "cancelled";
    case SaslError::kTooLong: return "too long";
    case SaslError::kAuthenticationFailed: return "authentication failed";
    case SaslError::kUnsupported: return "unsupported";
  }
  return "unknown";
}

std::expected<std::string, SaslFailure> DecodeSaslResponse(std::string_view line) {
  if (line == "*") return std::unexpected(SaslFailure{SaslError::kCancelled, "cancelled"});
  if (line.empty() || line == "=") return std::string();
  if (line.size() > kSaslEncodedResponseSizeMax) {
    return std::unexpected(SaslFailure{SaslError::kTooLong, "response over the size limit"});
  }
  std::optional<std::string> decoded = Base64Decode(line);
  if (!decoded) return std::unexpected(SaslFailure{SaslError::kMalformed, "invalid base64"});
  if (decoded->size() > kSaslResponseSizeMax) {
    return std::unexpected(SaslFailure{SaslError::kTooLong, "response over the size limit"});
  }
  return std::move(*decoded);
}

std::optional<std::string> SaslPrep(std::string_view text) {
  if (!IsValidUtf8(text)) return std::nullopt;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) return std::nullopt;  // RFC 3454 C.2.1
    // C.2.2 starts with U+0080..U+009F, "\xC2\x80".."\xC2\x9F" in UTF-8.
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      return std::nullopt;
    }
  }
  return std::string(text);
}

SaslExchange::SaslExchange(SaslMechanismKind kind, bool success_carries_data)
    : kind_(kind), success_carries_data_(success_carries_data) {}

SaslExchange::~SaslExchange() {
  Wipe(password_);
  Wipe(stored_key_);
  Wipe(server_key_);
}

SaslStep SaslExchange::Start(std::optional<std::string_view> initial_response) {
  CHECK(state_ == State::kStart, "SaslExchange::Start called twice");
  switch (kind_) {
    case SaslMechanismKind::kPlain:
      state_ = State::kPlainResponse;
      if (!initial_response) return SaslStep{SaslStep::Kind::kChallenge, "", {}};
      break;
    case SaslMechanismKind::kLogin:
      state_ = State::kLoginUser;
      if (!initial_response) return SaslStep{SaslStep::Kind::kChallenge, "Username:", {}};
      break;
    case SaslMechanismKind::kScramSha256:
      state_ = State::kScramFirst;
      if (!initial_response) return SaslStep{SaslStep::Kind::kChallenge, "", {}};
      break;
  }
  return Receive(*initial_response);
}

SaslStep SaslExchange::Step(std::string_view client_response) {
  CHECK(state_ == State::kPlainResponse || state_ == State::kLoginUser ||
            state_ == State::kLoginPassword || state_ == State::kScramFirst ||
            state_ == State::kScramFinal || state_ == State::kScramAck,
        "SaslExchange::Step without a pending challenge");
  return Receive(client_response);
}

SaslStep SaslExchange::Receive(std::string_view message) {
  if (++steps_ > kSaslStepsMax) return Fail(SaslError::kMalformed, "too many steps");
  if (message.size() > kSaslResponseSizeMax) {
    return Fail(SaslError::kTooLong, "response over the size limit");
  }
  switch (state_) {
    case State::kPlainResponse: return PlainMessage(message);
    case State::kLoginUser: return LoginUser(message);
    case State::kLoginPassword: return LoginPassword(message);
    case State::kScramFirst: return ScramClientFirst(message);
    case State::kScramFinal: return ScramClientFinal(message);
    case State::kScramAck: return ScramAck(message);
    default: break;
  }
  CHECK(false, "SaslExchange: no message expected");
  return Fail(SaslError::kMalformed, "unexpected message");
}

SaslStep SaslExchange::Fail(SaslError error, std::string reason) {
  state_ = State::kDone;
  return SaslStep{SaslStep::Kind::kFailure, "", SaslFailure{error, std::move(reason)}};
}

std::optional<std::string> SaslExchange::FieldProblem(std::string_view field,
                                                      std::string_view what) {
  if (field.empty()) return std::string(what) + " is empty";
  if (field.size() > kSaslFieldSizeMax) return std::string(what) + " is too long";
  if (field.find('\0') != std::string_view::npos) return std::string(what) + " contains NUL";
  if (!IsValidUtf8(field)) return std::string(what) + " is not UTF-8";
  return std::nullopt;
}

}  // namespace ringmail
