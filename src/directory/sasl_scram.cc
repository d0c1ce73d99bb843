// SASL SCRAM-SHA-256 (RFC 5802 with RFC 7677's hash), server side, without channel binding:
//   C: gs2-header client-first-bare     n,,n=user,r=<cnonce>
//   S: server-first                     r=<cnonce><snonce>,s=<salt>,i=<iterations>
//   C: client-final                     c=biws,r=<cnonce><snonce>,p=<proof>
//   S: server-final                     v=<server signature>
#include <string.h>
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/check.h"
#include "base/encoding.h"
#include "directory/sasl.h"
#include "tls/digest.h"

namespace ringmail {
namespace {

void RandomBytes(std::span<uint8_t> out) {
  size_t filled = 0;
  while (filled < out.size()) {
    ssize_t n = getrandom(out.data() + filled, out.size() - filled, 0);
    CHECK(n > 0 || errno == EINTR, "getrandom failed");
    if (n > 0) filled += static_cast<size_t>(n);
  }
}

std::string RandomString(size_t size) {
  std::string s(size, '\0');
  RandomBytes(std::span(reinterpret_cast<uint8_t*>(s.data()), s.size()));
  return s;
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string_view View(const Sha256Digest& digest) {
  return std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size());
}

// The salt offered for `name` when it has no credentials: the same for every attempt with
// that name while the process lives, and unpredictable without the process's random key.
std::string FakeSalt(std::string_view name) {
  static const std::string key = RandomString(32);
  Sha256Digest mac = HmacSha256(Bytes(key), name);
  return std::string(View(mac).substr(0, kScramFakeSaltSize));
}

// Splits off the text up to the next ',' (or the end).
std::string_view NextField(std::string_view& rest) {
  size_t comma = rest.find(',');
  std::string_view field = rest.substr(0, comma);
  rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  return field;
}

// The value of `field` when it is "<name>=<value>".
std::optional<std::string_view> Attribute(std::string_view field, char name) {
  if (field.size() < 2 || field[0] != name || field[1] != '=') return std::nullopt;
  return field.substr(2);
}

// RFC 5802 attr-val: ALPHA "=" 1*value-char. The extensions we ignore must still have this
// form.
bool IsAttributeValue(std::string_view field) {
  if (field.size() < 3 || field[1] != '=') return false;
  char c = field[0];
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// saslname: "=2C" is ',', "=3D" is '='; any other '=' is malformed. Then our SASLprep.
std::optional<std::string> UnescapeName(std::string_view escaped) {
  std::string name;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '=') {
      name += escaped[i];
    } else if (escaped.substr(i + 1, 2) == "2C") {
      name += ',';
      i += 2;
    } else if (escaped.substr(i + 1, 2) == "3D") {
      name += '=';
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  if (name.empty() || name.size() > kSaslFieldSizeMax) return std::nullopt;
  return SaslPrep(name);
}

// RFC 5802 c-nonce: printable ASCII except ','.
bool IsNonce(std::string_view nonce) {
  if (nonce.empty()) return false;
  for (char c : nonce) {
    if (c < 0x21 || c > 0x7E || c == ',') return false;
  }
  return true;
}

}  // namespace

SaslStep SaslExchange::ScramClientFirst(std::string_view message) {
  if (message.find('\0') != std::string_view::npos || !IsValidUtf8(message)) {
    return Fail(SaslError::kMalformed, "client-first is not UTF-8 without NUL");
  }
  std::string_view rest = message;
  std::string_view flag = NextField(rest);
  if (flag.starts_with("p=")) return Fail(SaslError::kUnsupported, "channel binding");
  if (flag != "n" && flag != "y") return Fail(SaslError::kMalformed, "bad gs2 flag");
  if (rest.find(',') == std::string_view::npos) {
    return Fail(SaslError::kMalformed, "incomplete gs2 header");
  }
  std::string_view authzid_field = NextField(rest);
  if (!authzid_field.empty()) {
    std::optional<std::string_view> escaped = Attribute(authzid_field, 'a');
    std::optional<std::string> authzid;
    if (escaped) authzid = UnescapeName(*escaped);
    if (!authzid) return Fail(SaslError::kMalformed, "bad authzid");
    authzid_ = std::move(*authzid);
  }
  gs2_header_ = message.substr(0, message.size() - rest.size());
  client_first_bare_ = rest;

  std::string_view name_field = NextField(rest);
  if (name_field.starts_with("m=")) return Fail(SaslError::kUnsupported, "SCRAM extension m=");
  std::optional<std::string_view> escaped_name = Attribute(name_field, 'n');
  std::optional<std::string> name;
  if (escaped_name) name = UnescapeName(*escaped_name);
  if (!name) return Fail(SaslError::kMalformed, "bad user name");
  std::optional<std::string_view> nonce = Attribute(NextField(rest), 'r');
  if (!nonce || !IsNonce(*nonce)) return Fail(SaslError::kMalformed, "bad client nonce");
  while (!rest.empty()) {
    if (!IsAttributeValue(NextField(rest))) return Fail(SaslError::kMalformed, "bad extension");
  }
  if (client_first_bare_.back() == ',') return Fail(SaslError::kMalformed, "trailing comma");
  authcid_ = std::move(*name);
  nonce_ = *nonce;
  state_ = State::kScramCredentials;
  return SaslStep{SaslStep::Kind::kNeedScramCredentials, "", {}};
}

SaslStep SaslExchange::ProvideScramCredentials(const ScramCredentials* credentials) {
  CHECK(state_ == State::kScramCredentials, "ProvideScramCredentials not asked for");
  bool usable = credentials != nullptr && credentials->iterations >= 1 &&
                !credentials->salt.empty() && credentials->stored_key.size() == 32 &&
                credentials->server_key.size() == 32;
  std::string salt;
  int iterations;
  if (usable) {
    salt = credentials->salt;
    iterations = credentials->iterations;
    stored_key_ = credentials->stored_key;
    server_key_ = credentials->server_key;
  } else {
    // Random keys: the proof check runs as for a real user and cannot succeed.
    salt = FakeSalt(authcid_);
    iterations = kScramFakeIterations;
    stored_key_ = RandomString(32);
    server_key_ = RandomString(32);
  }
  if (!test_server_nonce_.empty()) {
    nonce_ += test_server_nonce_;
  } else {
    std::array<uint8_t, kScramServerNonceSize> random;
    RandomBytes(random);
    nonce_ += Base64(random);
  }
  server_first_ = "r=" + nonce_ + ",s=" + Base64(salt) + ",i=" + std::to_string(iterations);
  state_ = State::kScramFinal;
  return SaslStep{SaslStep::Kind::kChallenge, server_first_, {}};
}

SaslStep SaslExchange::ScramClientFinal(std::string_view message) {
  if (message.find('\0') != std::string_view::npos || !IsValidUtf8(message)) {
    return Fail(SaslError::kMalformed, "client-final is not UTF-8 without NUL");
  }
  size_t proof_at = message.rfind(",p=");
  if (proof_at == std::string_view::npos) return Fail(SaslError::kMalformed, "no proof");
  std::string_view without_proof = message.substr(0, proof_at);
  std::optional<std::string> proof = Base64Decode(message.substr(proof_at + 3));
  if (!proof || proof->size() != 32) return Fail(SaslError::kMalformed, "bad proof");

  std::string_view rest = without_proof;
  std::optional<std::string_view> binding = Attribute(NextField(rest), 'c');
  if (!binding) return Fail(SaslError::kMalformed, "no channel binding attribute");
  std::optional<std::string_view> nonce = Attribute(NextField(rest), 'r');
  if (!nonce) return Fail(SaslError::kMalformed, "no nonce");
  while (!rest.empty()) {
    if (!IsAttributeValue(NextField(rest))) return Fail(SaslError::kMalformed, "bad extension");
  }
  if (without_proof.back() == ',') return Fail(SaslError::kMalformed, "trailing comma");
  if (*binding != Base64(gs2_header_)) {
    return Fail(SaslError::kAuthenticationFailed, "channel binding does not match");
  }
  if (*nonce != nonce_) return Fail(SaslError::kAuthenticationFailed, "nonce does not match");

  std::string auth_message =
      client_first_bare_ + "," + server_first_ + "," + std::string(without_proof);
  Sha256Digest client_key = HmacSha256(Bytes(stored_key_), auth_message);
  for (size_t i = 0; i < client_key.size(); ++i) {
    client_key[i] ^= static_cast<uint8_t>((*proof)[i]);
  }
  bool proven = ConstantTimeEqual(View(Sha256(View(client_key))), stored_key_);
  explicit_bzero(client_key.data(), client_key.size());
  if (!proven) return Fail(SaslError::kAuthenticationFailed, "wrong proof");

  server_final_ = "v=" + Base64(HmacSha256(Bytes(server_key_), auth_message));
  if (success_carries_data_) {
    state_ = State::kDone;
    return SaslStep{SaslStep::Kind::kSuccess, server_final_, {}};
  }
  state_ = State::kScramAck;
  return SaslStep{SaslStep::Kind::kChallenge, server_final_, {}};
}

SaslStep SaslExchange::ScramAck(std::string_view message) {
  if (!message.empty()) return Fail(SaslError::kMalformed, "non-empty answer to server-final");
  state_ = State::kDone;
  return SaslStep{SaslStep::Kind::kSuccess, "", {}};
}

}  // namespace ringmail
