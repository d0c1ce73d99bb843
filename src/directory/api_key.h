// API keys (docs/directory.md, "API keys"): what a key looks like and how it is checked.
//
// A key is `rmk_` + a 16-hex-digit key id + `_` + a 64-hex-digit secret (256 random bits):
// 85 characters of RFC 6750's token68, sent as `Authorization: Bearer KEY`. The key id is
// public (it names the stored row and may appear in logs); the secret is shown once, when the
// key is made, and never stored or logged: the store keeps the SHA-256 of the secret, which
// is compared in constant time. A salted slow hash would add nothing: the secret has 256 bits
// of entropy, so its SHA-256 cannot be reversed by guessing.
//
// Pure code; any core or thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmail {

inline constexpr std::string_view kApiKeyPrefix = "rmk_";
inline constexpr size_t kApiKeyIdHex = 16;
inline constexpr size_t kApiKeySecretHex = 64;
inline constexpr size_t kApiKeySize = 4 + kApiKeyIdHex + 1 + kApiKeySecretHex;

struct ApiKeyParts {
  std::string key_id;  // 16 lower-case hex digits
  std::string secret;  // 64 lower-case hex digits
};

// A fresh key from getrandom(2); kIo when the system gives no randomness.
Result<ApiKeyParts> NewApiKey();
// The string the client sends.
std::string FormatApiKey(const ApiKeyParts& parts);
// The parts of a presented key; nullopt when it does not have the form above.
std::optional<ApiKeyParts> ParseApiKey(std::string_view key);
// What the store keeps of a secret: its SHA-256 in lower-case hex.
std::string ApiKeySecretHash(std::string_view secret);
// Whether `secret` hashes to `stored_sha256`, in time independent of where they differ.
bool ApiKeySecretMatches(std::string_view secret, std::string_view stored_sha256);

}  // namespace ringmail
