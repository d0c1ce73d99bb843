// Stored secrets (a principal's password hash, docs/directory.md): recognising their forms,
// checking a password against one, creating new ones, and the SCRAM-SHA-256 keys of those that
// allow SCRAM.
//
// Forms recognised:
//   crypt(3) strings (libxcrypt): $y$ yescrypt, $6$ SHA-512-crypt, $5$ SHA-256-crypt,
//     $2b$/$2a$/$2y$ bcrypt, $1$ MD5-crypt (migration only);
//   Argon2 encoded strings (libargon2): $argon2id$..., $argon2i$...;
//   PostgreSQL's SCRAM verifier: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>;
//   the {SCHEME} forms of Dovecot and Stalwart, scheme names case-insensitive:
//     {PLAIN} {CLEAR} {CLEARTEXT} text;  {CRYPT} followed by any crypt(3) string above;
//     {SHA512-CRYPT} {SHA256-CRYPT} {MD5-CRYPT} {BLF-CRYPT} {ARGON2I} {ARGON2ID} followed by
//     their own kind of string;  {SSHA512} {SSHA256} {SSHA} base64(digest || salt);
//     {SHA512} {SHA256} {SHA} {SHA1} base64 (or hex) of the unsalted digest;  the digest
//     schemes also take Dovecot's ".HEX"/".B64"/".BASE64" suffix ({SSHA512.HEX});
//     {SCRAM-SHA-256}<iterations>,<salt>,<StoredKey>,<ServerKey> (base64 fields).
// Anything else (DES crypt, {MD5}, {X} with an unknown X, a bare string) is not recognised:
// a bare string is never taken for plain text.
//
// Every function is pure and may block for up to a few seconds (the hashes are slow on
// purpose): call them on the worker pool, never on a reactor core. Any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmail {

// Longer passwords are refused (kInvalidArgument) before any hashing.
inline constexpr size_t kPasswordSizeMax = 1024;
// Longer stored secrets are not recognised.
inline constexpr size_t kStoredSecretSizeMax = 1024;
// bcrypt uses only the first 72 bytes of a password: HashSecret refuses longer passwords for
// bcrypt rather than silently ignoring their end. VerifySecret checks a longer password the
// way every bcrypt implementation does (by its first 72 bytes), so secrets migrated from
// elsewhere keep working.
inline constexpr size_t kBcryptPasswordSizeMax = 72;

enum class SecretScheme {
  kPlain,        // {PLAIN} text
  kYescrypt,     // $y$
  kSha512Crypt,  // $6$
  kSha256Crypt,  // $5$
  kBcrypt,       // $2b$ (also $2a$, $2y$)
  kMd5Crypt,     // $1$: migration only, weak
  kArgon2id,     // $argon2id$
  kArgon2i,      // $argon2i$
  kSsha512,      // {SSHA512}
  kSsha256,      // {SSHA256}
  kSsha,         // {SSHA}: salted SHA-1, migration only
  kSha512,       // {SHA512}: unsalted, migration only
  kSha256,       // {SHA256}: unsalted, migration only
  kSha1,         // {SHA}: unsalted SHA-1, migration only
  kScramSha256,  // SCRAM-SHA-256$... or {SCRAM-SHA-256}...
};

// A lower-case name for logs and the admin API: "plain", "yescrypt", "sha512-crypt", ...
std::string_view SecretSchemeName(SecretScheme scheme);

// The schemes new secrets are created in, by their config spelling (case-insensitive):
// "yescrypt" | "sha512-crypt" | "bcrypt" | "argon2id" | "scram-sha-256". nullopt otherwise.
std::optional<SecretScheme> ParseSecretSchemeName(std::string_view name);

// The scheme of `stored` from its form (prefix or {SCHEME}), without checking the rest;
// nullopt when the form is not one of those above, when `stored` is longer than
// kStoredSecretSizeMax, or when it contains a NUL.
std::optional<SecretScheme> IdentifySecret(std::string_view stored);

// Whether `stored` is recognised and is not plain text (a fallback admin's secret must be).
bool IsHashedSecret(std::string_view stored);

// How much work a stored secret may ask for. A stored secret comes from a database row that
// an attacker may have written; these bound the time and memory one check takes (the
// defaults: about a second of one core and at most 1 GiB, on this decade's servers).
struct SecretWorkLimits {
  uint32_t sha_crypt_rounds_max = 1'000'000;  // $5$/$6$ rounds= (default 5000)
  uint32_t bcrypt_cost_max = 13;              // log2 of the rounds (common: 10-12)
  // 128·N·r·p·(t+1) bytes of yescrypt's parameters (the default $y$j9T$: 16 MiB, t=0).
  uint64_t yescrypt_work_bytes_max = uint64_t{512} << 20;
  uint32_t argon2_memory_kib_max = 1 << 20;  // m= (1 GiB)
  uint64_t argon2_work_kib_max = 1 << 20;    // m·t: 1 GiB once, 64 MiB 16 times
  uint32_t argon2_lanes_max = 8;             // p= (libargon2 runs one thread per lane)
  uint32_t scram_iterations_max = 1'000'000;
};

// Whether `password` matches `stored`. kInvalidArgument when `stored` is not recognised, is
// malformed, or asks for more work than `limits` allow, and when `password` is longer than
// kPasswordSizeMax; callers refuse the login then. The final comparison takes time that does
// not depend on where the values differ. A SCRAM verifier checks a plain password too
// (its StoredKey is derived from the password, as SCRAM-SHA-256 clients do, without SASLprep).
Result<bool> VerifySecret(std::string_view stored, std::string_view password);
Result<bool> VerifySecret(std::string_view stored, std::string_view password,
                          const SecretWorkLimits& limits);

// A new stored secret for `password` in `scheme`, with a fresh random salt: yescrypt (libxcrypt's
// default cost), sha512-crypt, bcrypt, argon2id or scram-sha-256 (see secret.cc for the
// costs). kInvalidArgument for another scheme, a password over kPasswordSizeMax (or
// kBcryptPasswordSizeMax for bcrypt) or containing a NUL; kIo when the system has no
// randomness to give.
Result<std::string> HashSecret(std::string_view password, SecretScheme scheme);

// SCRAM-SHA-256's server-side keys (RFC 5802 §3), as raw bytes.
struct ScramCredentials {
  int iterations = 0;
  std::string salt;
  std::string stored_key;  // 32 bytes: SHA-256(HMAC(SaltedPassword, "Client Key"))
  std::string server_key;  // 32 bytes: HMAC(SaltedPassword, "Server Key")
};

// The SCRAM-SHA-256 credentials `stored` allows: those of a SCRAM verifier (nullopt when it
// is malformed or over the default SecretWorkLimits), or, for {PLAIN} text, keys derived now
// with 4096 iterations and a salt that is HMAC-SHA256(a random key made once per process,
// `name`)'s first 16 bytes. Pass the principal's name as `name`: the salt is then stable for
// that name while the process lives, different between names, and as unpredictable as the
// SASL layer's fake salts for unknown names. nullopt for every other scheme (a hash cannot
// give SCRAM keys).
std::optional<ScramCredentials> ScramCredentialsOf(std::string_view stored,
                                                   std::string_view name = {});

}  // namespace ringmail
