// Internals of directory/secret.h shared by its .cc files: the parsed form of a stored secret
// and one check (and one maker) per family of schemes. Not for use outside secret*.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "directory/secret.h"

namespace ringmail::secret_internal {

// How the bytes of a {SHA*}/{SSHA*} secret are written.
enum class DigestEncoding {
  kBase64OrHex,  // no suffix: base64, or hex when the length is the digest's hex length
  kBase64,       // .B64 / .BASE64
  kHex,          // .HEX
};

// A recognised stored secret, split into its scheme and what follows the scheme's marker.
struct StoredSecret {
  SecretScheme scheme = SecretScheme::kPlain;
  // After "{SCHEME}" for the {SCHEME} forms; the whole string for the bare forms (a crypt(3)
  // or Argon2 string keeps its "$id$", a SCRAM verifier its "SCRAM-SHA-256$").
  std::string_view body;
  DigestEncoding encoding = DigestEncoding::kBase64OrHex;
  bool braced = false;  // written as {SCHEME}...
};

// nullopt when `stored` is none of the forms secret.h lists (or too long, or has a NUL).
std::optional<StoredSecret> ParseStoredSecret(std::string_view stored);

// The scheme of a bare crypt(3) string ($y$, $6$, $5$, $2a$/$2b$/$2y$, $1$), or nullopt.
std::optional<SecretScheme> CryptScheme(std::string_view text);

// secret_crypt.cc: crypt(3) and Argon2 strings, with their cost parameters checked against
// `limits` before any hashing.
Result<bool> VerifyCrypt(std::string_view setting, std::string_view password,
                         const SecretWorkLimits& limits);
Result<bool> VerifyArgon2(SecretScheme scheme, std::string_view encoded, std::string_view password,
                          const SecretWorkLimits& limits);
// crypt_gensalt_rn(prefix, count) with the system's randomness, then crypt_rn.
Result<std::string> HashCrypt(const char* prefix, unsigned long count, std::string_view password);
Result<std::string> HashArgon2id(std::string_view password);

// secret_digest.cc: {SHA*}/{SSHA*} digests and SCRAM-SHA-256 verifiers.
Result<bool> VerifyDigest(const StoredSecret& secret, std::string_view password);
Result<ScramCredentials> ParseScramVerifier(const StoredSecret& secret,
                                            const SecretWorkLimits& limits);
// The credentials SCRAM-SHA-256 derives from `password`. REQUIRES: iterations >= 1.
ScramCredentials DeriveScramCredentials(std::string_view password, std::string salt,
                                        int iterations);
// PostgreSQL's verifier form of `credentials`.
std::string FormatScramVerifier(const ScramCredentials& credentials);

// Fills `out` from getrandom(2); kIo when the system has no randomness to give.
Result<void> RandomBytes(std::span<uint8_t> out);

}  // namespace ringmail::secret_internal
