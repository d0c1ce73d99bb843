#include "directory/secret.h"

#include <array>
#include <span>

#include "base/ascii.h"
#include "base/check.h"
#include "directory/secret_schemes.h"
#include "tls/digest.h"

namespace ringmail {
namespace {

using secret_internal::DigestEncoding;
using secret_internal::StoredSecret;

// Costs of the secrets HashSecret makes. Each check runs on the bounded worker pool, so a
// cost is a trade between an attacker's guessing rate on a stolen database and logins per
// second per worker; these take roughly 0.05-0.3 s of one core.
//   yescrypt: libxcrypt's default (count 0: N=4096, r=32, 16 MiB), what Debian's passwd uses.
//   sha512-crypt: 100,000 rounds rather than the default 5,000, which is too cheap today;
//     "rounds=" is part of the scheme, so every reader (Dovecot, glibc, passlib) takes it.
//   bcrypt: cost 12, OWASP's and most frameworks' current choice.
//   argon2id: see secret_crypt.cc.
//   scram-sha-256: 10,000 iterations, above RFC 7677's 4,096 minimum (PostgreSQL's default)
//     while keeping the PBKDF2 the client runs at each login quick on a phone.
constexpr unsigned long kSha512CryptRounds = 100'000;
constexpr unsigned long kBcryptCost = 12;
constexpr int kScramIterations = 10'000;
constexpr size_t kScramSaltSize = 16;
// {PLAIN} secrets' SCRAM keys are derived at each use, so RFC 7677's minimum is enough: the
// secret is plain text at rest, and the iterations only slow down an eavesdropper's guesses.
constexpr int kPlainScramIterations = 4096;

struct BracedName {
  std::string_view name;
  SecretScheme scheme;
};

constexpr BracedName kBracedNames[] = {
    {"PLAIN", SecretScheme::kPlain},
    {"CLEAR", SecretScheme::kPlain},
    {"CLEARTEXT", SecretScheme::kPlain},
    {"SHA512-CRYPT", SecretScheme::kSha512Crypt},
    {"SHA256-CRYPT", SecretScheme::kSha256Crypt},
    {"MD5-CRYPT", SecretScheme::kMd5Crypt},
    {"BLF-CRYPT", SecretScheme::kBcrypt},
    {"ARGON2ID", SecretScheme::kArgon2id},
    {"ARGON2I", SecretScheme::kArgon2i},
    {"SSHA512", SecretScheme::kSsha512},
    {"SSHA256", SecretScheme::kSsha256},
    {"SSHA", SecretScheme::kSsha},
    {"SHA512", SecretScheme::kSha512},
    {"SHA256", SecretScheme::kSha256},
    {"SHA", SecretScheme::kSha1},
    {"SHA1", SecretScheme::kSha1},
    {"SCRAM-SHA-256", SecretScheme::kScramSha256},
};

bool IsDigestScheme(SecretScheme scheme) {
  switch (scheme) {
    case SecretScheme::kSsha512:
    case SecretScheme::kSsha256:
    case SecretScheme::kSsha:
    case SecretScheme::kSha512:
    case SecretScheme::kSha256:
    case SecretScheme::kSha1: return true;
    default: return false;
  }
}

std::optional<SecretScheme> BareScheme(std::string_view text) {
  if (text.starts_with("$argon2id$")) return SecretScheme::kArgon2id;
  if (text.starts_with("$argon2i$")) return SecretScheme::kArgon2i;
  if (text.starts_with("SCRAM-SHA-256$")) return SecretScheme::kScramSha256;
  return secret_internal::CryptScheme(text);
}

// "{NAME}body" or "{NAME.ENC}body".
std::optional<StoredSecret> ParseBraced(std::string_view stored) {
  size_t close = stored.find('}');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view name = stored.substr(1, close - 1);
  StoredSecret secret;
  secret.braced = true;
  secret.body = stored.substr(close + 1);
  std::string_view suffix;
  if (size_t dot = name.find('.'); dot != std::string_view::npos) {
    suffix = name.substr(dot + 1);
    name = name.substr(0, dot);
  }
  if (EqualsIgnoreCase(name, "CRYPT") && suffix.empty()) {
    std::optional<SecretScheme> scheme = secret_internal::CryptScheme(secret.body);
    if (!scheme) return std::nullopt;
    secret.scheme = *scheme;
    return secret;
  }
  const BracedName* found = nullptr;
  for (const BracedName& candidate : kBracedNames) {
    if (EqualsIgnoreCase(name, candidate.name)) found = &candidate;
  }
  if (found == nullptr) return std::nullopt;
  secret.scheme = found->scheme;
  if (!suffix.empty()) {
    if (!IsDigestScheme(secret.scheme)) return std::nullopt;
    if (EqualsIgnoreCase(suffix, "HEX")) {
      secret.encoding = DigestEncoding::kHex;
    } else if (EqualsIgnoreCase(suffix, "B64") || EqualsIgnoreCase(suffix, "BASE64")) {
      secret.encoding = DigestEncoding::kBase64;
    } else {
      return std::nullopt;
    }
  }
  // The crypt and Argon2 schemes name the kind of string that follows; it must be that kind.
  if (secret.scheme != SecretScheme::kPlain && secret.scheme != SecretScheme::kScramSha256 &&
      !IsDigestScheme(secret.scheme) && BareScheme(secret.body) != secret.scheme) {
    return std::nullopt;
  }
  return secret;
}

}  // namespace

namespace secret_internal {

std::optional<SecretScheme> CryptScheme(std::string_view text) {
  if (text.starts_with("$y$")) return SecretScheme::kYescrypt;
  if (text.starts_with("$6$")) return SecretScheme::kSha512Crypt;
  if (text.starts_with("$5$")) return SecretScheme::kSha256Crypt;
  if (text.starts_with("$2a$") || text.starts_with("$2b$") || text.starts_with("$2y$")) {
    return SecretScheme::kBcrypt;
  }
  if (text.starts_with("$1$")) return SecretScheme::kMd5Crypt;
  return std::nullopt;
}

std::optional<StoredSecret> ParseStoredSecret(std::string_view stored) {
  if (stored.size() > kStoredSecretSizeMax || stored.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  if (stored.starts_with('{')) return ParseBraced(stored);
  std::optional<SecretScheme> scheme = BareScheme(stored);
  if (!scheme) return std::nullopt;
  return StoredSecret{*scheme, stored, DigestEncoding::kBase64OrHex, false};
}

}  // namespace secret_internal

std::string_view SecretSchemeName(SecretScheme scheme) {
  switch (scheme) {
    case SecretScheme::kPlain: return "plain";
    case SecretScheme::kYescrypt: return "yescrypt";
    case SecretScheme::kSha512Crypt: return "sha512-crypt";
    case SecretScheme::kSha256Crypt: return "sha256-crypt";
    case SecretScheme::kBcrypt: return "bcrypt";
    case SecretScheme::kMd5Crypt: return "md5-crypt";
    case SecretScheme::kArgon2id: return "argon2id";
    case SecretScheme::kArgon2i: return "argon2i";
    case SecretScheme::kSsha512: return "ssha512";
    case SecretScheme::kSsha256: return "ssha256";
    case SecretScheme::kSsha: return "ssha";
    case SecretScheme::kSha512: return "sha512";
    case SecretScheme::kSha256: return "sha256";
    case SecretScheme::kSha1: return "sha1";
    case SecretScheme::kScramSha256: return "scram-sha-256";
  }
  return "unknown";
}

std::optional<SecretScheme> ParseSecretSchemeName(std::string_view name) {
  for (SecretScheme scheme :
       {SecretScheme::kYescrypt, SecretScheme::kSha512Crypt, SecretScheme::kBcrypt,
        SecretScheme::kArgon2id, SecretScheme::kScramSha256}) {
    if (EqualsIgnoreCase(name, SecretSchemeName(scheme))) return scheme;
  }
  return std::nullopt;
}

std::optional<SecretScheme> IdentifySecret(std::string_view stored) {
  std::optional<StoredSecret> secret = secret_internal::ParseStoredSecret(stored);
  if (!secret) return std::nullopt;
  return secret->scheme;
}

bool IsHashedSecret(std::string_view stored) {
  std::optional<SecretScheme> scheme = IdentifySecret(stored);
  return scheme.has_value() && *scheme != SecretScheme::kPlain;
}

Result<bool> VerifySecret(std::string_view stored, std::string_view password) {
  return VerifySecret(stored, password, SecretWorkLimits{});
}

Result<bool> VerifySecret(std::string_view stored, std::string_view password,
                          const SecretWorkLimits& limits) {
  if (password.size() > kPasswordSizeMax) {
    return MakeError(ErrorCode::kInvalidArgument, "password too long");
  }
  std::optional<StoredSecret> secret = secret_internal::ParseStoredSecret(stored);
  if (!secret) return MakeError(ErrorCode::kInvalidArgument, "unrecognised stored secret");
  switch (secret->scheme) {
    case SecretScheme::kPlain: {
      // Digests first, so that the time taken does not depend on the stored text's length.
      Sha256Digest want = Sha256(secret->body);
      Sha256Digest got = Sha256(password);
      return ConstantTimeEqual(
          std::string_view(reinterpret_cast<const char*>(want.data()), want.size()),
          std::string_view(reinterpret_cast<const char*>(got.data()), got.size()));
    }
    case SecretScheme::kYescrypt:
    case SecretScheme::kSha512Crypt:
    case SecretScheme::kSha256Crypt:
    case SecretScheme::kBcrypt:
    case SecretScheme::kMd5Crypt:
      return secret_internal::VerifyCrypt(secret->body, password, limits);
    case SecretScheme::kArgon2id:
    case SecretScheme::kArgon2i:
      return secret_internal::VerifyArgon2(secret->scheme, secret->body, password, limits);
    case SecretScheme::kScramSha256: {
      ScramCredentials want = TRY(secret_internal::ParseScramVerifier(*secret, limits));
      ScramCredentials got =
          secret_internal::DeriveScramCredentials(password, want.salt, want.iterations);
      return ConstantTimeEqual(got.stored_key, want.stored_key);
    }
    default: return secret_internal::VerifyDigest(*secret, password);
  }
}

Result<std::string> HashSecret(std::string_view password, SecretScheme scheme) {
  if (password.size() > kPasswordSizeMax) {
    return MakeError(ErrorCode::kInvalidArgument, "password too long");
  }
  // crypt(3) takes C strings: a NUL would end the password early.
  if (password.find('\0') != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "password contains a NUL");
  }
  switch (scheme) {
    case SecretScheme::kYescrypt: return secret_internal::HashCrypt("$y$", 0, password);
    case SecretScheme::kSha512Crypt:
      return secret_internal::HashCrypt("$6$", kSha512CryptRounds, password);
    case SecretScheme::kBcrypt:
      if (password.size() > kBcryptPasswordSizeMax) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "password too long for bcrypt (it uses only 72 bytes)");
      }
      return secret_internal::HashCrypt("$2b$", kBcryptCost, password);
    case SecretScheme::kArgon2id: return secret_internal::HashArgon2id(password);
    case SecretScheme::kScramSha256: {
      std::array<uint8_t, kScramSaltSize> salt;
      TRY(secret_internal::RandomBytes(salt));
      return secret_internal::FormatScramVerifier(secret_internal::DeriveScramCredentials(
          password, std::string(salt.begin(), salt.end()), kScramIterations));
    }
    default:
      return MakeError(ErrorCode::kInvalidArgument,
                       "new secrets are not made in " + std::string(SecretSchemeName(scheme)));
  }
}

std::optional<ScramCredentials> ScramCredentialsOf(std::string_view stored, std::string_view name) {
  std::optional<StoredSecret> secret = secret_internal::ParseStoredSecret(stored);
  if (!secret) return std::nullopt;
  if (secret->scheme == SecretScheme::kScramSha256) {
    Result<ScramCredentials> credentials =
        secret_internal::ParseScramVerifier(*secret, SecretWorkLimits{});
    if (!credentials) return std::nullopt;
    return std::move(*credentials);
  }
  if (secret->scheme != SecretScheme::kPlain || secret->body.size() > kPasswordSizeMax) {
    return std::nullopt;
  }
  // A salt made from the password would be sent, before any proof, to whoever asks: a fast
  // hash of the password for offline guessing. So it comes from the name and a key nobody
  // outside this process knows.
  static const std::array<uint8_t, 32> key = [] {
    std::array<uint8_t, 32> bytes;
    CHECK(secret_internal::RandomBytes(bytes).has_value(), "no randomness for the SCRAM key");
    return bytes;
  }();
  Sha256Digest mac = HmacSha256(key, name);
  return secret_internal::DeriveScramCredentials(
      secret->body, std::string(mac.begin(), mac.begin() + kScramSaltSize), kPlainScramIterations);
}

}  // namespace ringmail
