// SASL PLAIN (RFC 4616): one message, [authzid] NUL authcid NUL passwd.
#include <string_view>

#include "directory/sasl.h"

namespace ringmail {

SaslStep SaslExchange::PlainMessage(std::string_view message) {
  size_t first = message.find('\0');
  if (first == std::string_view::npos) return Fail(SaslError::kMalformed, "PLAIN without NUL");
  size_t second = message.find('\0', first + 1);
  if (second == std::string_view::npos) {
    return Fail(SaslError::kMalformed, "PLAIN with one NUL");
  }
  if (message.find('\0', second + 1) != std::string_view::npos) {
    return Fail(SaslError::kMalformed, "PLAIN with more than two NULs");
  }
  std::string_view authzid = message.substr(0, first);
  std::string_view authcid = message.substr(first + 1, second - first - 1);
  std::string_view password = message.substr(second + 1);
  if (std::optional<std::string> problem = FieldProblem(authcid, "authcid")) {
    return Fail(SaslError::kMalformed, std::move(*problem));
  }
  if (std::optional<std::string> problem = FieldProblem(password, "password")) {
    return Fail(SaslError::kMalformed, std::move(*problem));
  }
  if (!authzid.empty()) {
    if (std::optional<std::string> problem = FieldProblem(authzid, "authzid")) {
      return Fail(SaslError::kMalformed, std::move(*problem));
    }
  }
  authzid_ = authzid;
  authcid_ = authcid;
  password_ = password;
  state_ = State::kDone;
  return SaslStep{SaslStep::Kind::kCheckPassword, "", {}};
}

}  // namespace ringmail
