// libFuzzer target for the SASL mechanisms. The first byte chooses the mechanism and the
// options; the rest, split on 0xFF (never part of valid UTF-8, which every mechanism
// requires), is the client's messages: the first is the initial response unless bit 2 says
// there is none. Any input must end in a step the caller can act on, never a crash, a hang or
// a leak; the invariants checked below are the contract protocol code relies on.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/check.h"
#include "directory/sasl.h"
#include "directory/secret.h"
#include "tls/digest.h"

namespace {

// Credentials for "pencil" with one iteration, so the fuzzer spends no time in PBKDF2.
const ringmail::ScramCredentials& Credentials() {
  static const ringmail::ScramCredentials credentials = [] {
    std::string salt = "0123456789abcdef";
    ringmail::Sha256Digest salted = ringmail::Pbkdf2Sha256("pencil", salt, 1);
    auto str = [](const ringmail::Sha256Digest& d) {
      return std::string(reinterpret_cast<const char*>(d.data()), d.size());
    };
    ringmail::Sha256Digest client_key = ringmail::HmacSha256(salted, "Client Key");
    return ringmail::ScramCredentials{1, salt, str(ringmail::Sha256(str(client_key))),
                                      str(ringmail::HmacSha256(salted, "Server Key"))};
  }();
  return credentials;
}

std::vector<std::string_view> Split(std::string_view rest) {
  std::vector<std::string_view> messages;
  while (true) {
    size_t at = rest.find('\xff');
    messages.push_back(rest.substr(0, at));
    if (at == std::string_view::npos) return messages;
    rest.remove_prefix(at + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using ringmail::SaslStep;
  if (size == 0) return 0;
  uint8_t options = data[0];
  auto kind = static_cast<ringmail::SaslMechanismKind>(options % 3);
  bool success_carries_data = (options & 0x08) != 0;
  bool initial_response = (options & 0x04) == 0;
  bool known_user = (options & 0x10) == 0;
  std::vector<std::string_view> messages =
      Split(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));

  ringmail::SaslExchange exchange(kind, success_carries_data);
  if ((options & 0x20) == 0) exchange.SetServerNonceForTest("srv");
  size_t next = 0;
  SaslStep step = initial_response ? exchange.Start(messages[next++]) : exchange.Start({});
  while (true) {
    if (step.kind == SaslStep::Kind::kNeedScramCredentials) {
      CHECK(kind == ringmail::SaslMechanismKind::kScramSha256);
      CHECK(!exchange.authcid().empty());
      step = exchange.ProvideScramCredentials(known_user ? &Credentials() : nullptr);
    } else if (step.kind == SaslStep::Kind::kChallenge && next < messages.size()) {
      step = exchange.Step(messages[next++]);
    } else {
      break;
    }
  }
  switch (step.kind) {
    case SaslStep::Kind::kCheckPassword:
      CHECK(kind != ringmail::SaslMechanismKind::kScramSha256);
      CHECK(!exchange.authcid().empty() && !exchange.password().empty());
      CHECK(exchange.authcid().size() <= ringmail::kSaslFieldSizeMax);
      CHECK(exchange.password().size() <= ringmail::kSaslFieldSizeMax);
      break;
    case SaslStep::Kind::kSuccess:
      // Only a client that knows the password gets here.
      CHECK(kind == ringmail::SaslMechanismKind::kScramSha256 && known_user);
      break;
    case SaslStep::Kind::kFailure: CHECK(!step.failure.reason.empty()); break;
    case SaslStep::Kind::kChallenge: break;  // ran out of messages
    case SaslStep::Kind::kNeedScramCredentials: CHECK(false); break;
  }
  return 0;
}
