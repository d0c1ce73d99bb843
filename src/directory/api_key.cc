#include "directory/api_key.h"

#include <array>
#include <cstdint>

#include "base/encoding.h"
#include "directory/secret_schemes.h"
#include "tls/digest.h"

namespace ringmail {
namespace {

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<ApiKeyParts> NewApiKey() {
  std::array<uint8_t, kApiKeyIdHex / 2> id{};
  std::array<uint8_t, kApiKeySecretHex / 2> secret{};
  TRY(secret_internal::RandomBytes(id));
  TRY(secret_internal::RandomBytes(secret));
  return ApiKeyParts{HexLower(id), HexLower(secret)};
}

std::string FormatApiKey(const ApiKeyParts& parts) {
  return std::string(kApiKeyPrefix) + parts.key_id + "_" + parts.secret;
}

std::optional<ApiKeyParts> ParseApiKey(std::string_view key) {
  if (key.size() != kApiKeySize || !key.starts_with(kApiKeyPrefix)) return std::nullopt;
  key.remove_prefix(kApiKeyPrefix.size());
  const std::string_view id = key.substr(0, kApiKeyIdHex);
  const std::string_view secret = key.substr(kApiKeyIdHex + 1);
  if (key[kApiKeyIdHex] != '_' || !IsLowerHex(id) || !IsLowerHex(secret)) return std::nullopt;
  return ApiKeyParts{std::string(id), std::string(secret)};
}

std::string ApiKeySecretHash(std::string_view secret) { return Sha256Hex(secret); }

bool ApiKeySecretMatches(std::string_view secret, std::string_view stored_sha256) {
  return ConstantTimeEqual(Sha256Hex(secret), stored_sha256);
}

}  // namespace ringmail
