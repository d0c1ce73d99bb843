// The digest schemes operators migrate from ({SSHA512}, {SHA256}, ...) and SCRAM-SHA-256
// verifiers (PostgreSQL's and Dovecot's forms), on wolfCrypt's primitives (tls/digest.h).
#include <string.h>

#include <climits>
#include <vector>

#include "base/encoding.h"
#include "directory/secret_schemes.h"
#include "tls/digest.h"

namespace ringmail::secret_internal {
namespace {

std::unexpected<Error> Invalid(std::string what) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(what));
}

template <typename Digest>
std::string AsString(const Digest& digest) {
  return std::string(digest.begin(), digest.end());
}

// Upper- or lower-case hex; nullopt for anything else.
std::optional<std::string> HexDecode(std::string_view text) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (text.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  bytes.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    int high = nibble(text[i]);
    int low = nibble(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes.push_back(static_cast<char>(high << 4 | low));
  }
  return bytes;
}

struct DigestScheme {
  size_t size;  // of the digest, in bytes
  bool salted;  // stored as digest(password || salt) || salt
  std::string (*hash)(std::string_view);
};

DigestScheme DigestOf(SecretScheme scheme) {
  auto sha512 = [](std::string_view data) { return AsString(Sha512(data)); };
  auto sha256 = [](std::string_view data) { return AsString(Sha256(data)); };
  auto sha1 = [](std::string_view data) { return AsString(Sha1(data)); };
  switch (scheme) {
    case SecretScheme::kSsha512: return {64, true, sha512};
    case SecretScheme::kSsha256: return {32, true, sha256};
    case SecretScheme::kSsha: return {20, true, sha1};
    case SecretScheme::kSha512: return {64, false, sha512};
    case SecretScheme::kSha256: return {32, false, sha256};
    default: return {20, false, sha1};
  }
}

// `text` split at each of `separators` in turn: separators.size() + 1 fields, or nullopt.
// (No base64 field can hold ':', ',' or '$', so there is one way to split.)
std::optional<std::vector<std::string_view>> Split(std::string_view text,
                                                   std::string_view separators) {
  std::vector<std::string_view> fields;
  for (char separator : separators) {
    size_t at = text.find(separator);
    if (at == std::string_view::npos) return std::nullopt;
    fields.push_back(text.substr(0, at));
    text.remove_prefix(at + 1);
  }
  fields.push_back(text);
  return fields;
}

}  // namespace

Result<bool> VerifyDigest(const StoredSecret& secret, std::string_view password) {
  const DigestScheme digest = DigestOf(secret.scheme);
  std::optional<std::string> decoded;
  if (secret.encoding == DigestEncoding::kHex ||
      (secret.encoding == DigestEncoding::kBase64OrHex && !digest.salted &&
       secret.body.size() == 2 * digest.size)) {
    decoded = HexDecode(secret.body);
  } else {
    decoded = Base64Decode(secret.body);
  }
  if (!decoded) return Invalid("malformed digest encoding");
  std::string_view want = *decoded;
  if (digest.salted ? want.size() <= digest.size : want.size() != digest.size) {
    return Invalid("digest of the wrong size");
  }
  std::string got;
  if (digest.salted) {
    std::string salted(password);
    salted.append(want.substr(digest.size));
    got = digest.hash(salted);
    explicit_bzero(salted.data(), salted.size());
  } else {
    got = digest.hash(password);
  }
  return ConstantTimeEqual(got, want.substr(0, digest.size));
}

Result<ScramCredentials> ParseScramVerifier(const StoredSecret& secret,
                                            const SecretWorkLimits& limits) {
  // PostgreSQL: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
  // Dovecot:    {SCRAM-SHA-256}<iterations>,<salt>,<StoredKey>,<ServerKey>
  std::optional<std::vector<std::string_view>> fields =
      secret.braced ? Split(secret.body, ",,,")
                    : Split(secret.body.substr(sizeof("SCRAM-SHA-256$") - 1), ":$:");
  if (!fields) return Invalid("malformed SCRAM verifier");
  std::string_view iterations = (*fields)[0];
  uint64_t count = 0;
  if (iterations.empty() || iterations.size() > 10) return Invalid("malformed SCRAM iterations");
  for (char c : iterations) {
    if (c < '0' || c > '9') return Invalid("malformed SCRAM iterations");
    count = count * 10 + static_cast<uint64_t>(c - '0');
  }
  if (count < 1 || count > INT_MAX) return Invalid("malformed SCRAM iterations");
  if (count > limits.scram_iterations_max) return Invalid("SCRAM iterations over the limit");
  std::optional<std::string> salt = Base64Decode((*fields)[1]);
  std::optional<std::string> stored_key = Base64Decode((*fields)[2]);
  std::optional<std::string> server_key = Base64Decode((*fields)[3]);
  if (!salt || salt->empty() || !stored_key || stored_key->size() != 32 || !server_key ||
      server_key->size() != 32) {
    return Invalid("malformed SCRAM verifier");
  }
  return ScramCredentials{static_cast<int>(count), std::move(*salt), std::move(*stored_key),
                          std::move(*server_key)};
}

ScramCredentials DeriveScramCredentials(std::string_view password, std::string salt,
                                        int iterations) {
  Sha256Digest salted_password = Pbkdf2Sha256(password, salt, iterations);
  Sha256Digest client_key = HmacSha256(salted_password, "Client Key");
  ScramCredentials credentials{
      iterations, std::move(salt),
      AsString(Sha256(
          std::string_view(reinterpret_cast<const char*>(client_key.data()), client_key.size()))),
      AsString(HmacSha256(salted_password, "Server Key"))};
  explicit_bzero(salted_password.data(), salted_password.size());
  explicit_bzero(client_key.data(), client_key.size());
  return credentials;
}

std::string FormatScramVerifier(const ScramCredentials& credentials) {
  return "SCRAM-SHA-256$" + std::to_string(credentials.iterations) + ":" +
         Base64(credentials.salt) + "$" + Base64(credentials.stored_key) + ":" +
         Base64(credentials.server_key);
}

}  // namespace ringmail::secret_internal
