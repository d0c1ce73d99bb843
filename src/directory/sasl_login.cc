// SASL LOGIN (draft-murchison-sasl-login): the server asks "Username:" then "Password:";
// an initial response is the user name. No authzid.
#include <string_view>

#include "directory/sasl.h"

namespace ringmail {

SaslStep SaslExchange::LoginUser(std::string_view message) {
  if (std::optional<std::string> problem = FieldProblem(message, "user name")) {
    return Fail(SaslError::kMalformed, std::move(*problem));
  }
  authcid_ = message;
  state_ = State::kLoginPassword;
  return SaslStep{SaslStep::Kind::kChallenge, "Password:", {}};
}

SaslStep SaslExchange::LoginPassword(std::string_view message) {
  if (std::optional<std::string> problem = FieldProblem(message, "password")) {
    return Fail(SaslError::kMalformed, std::move(*problem));
  }
  password_ = message;
  state_ = State::kDone;
  return SaslStep{SaslStep::Kind::kCheckPassword, "", {}};
}

}  // namespace ringmail
