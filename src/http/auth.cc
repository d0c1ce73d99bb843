#include "http/auth.h"

#include "base/ascii.h"
#include "base/encoding.h"

namespace ringmail::http {
namespace {

// Splits "Scheme rest" when Scheme matches `scheme` case-insensitively; nullopt otherwise.
std::optional<std::string_view> AfterScheme(std::string_view value, std::string_view scheme) {
  if (value.size() <= scheme.size() || value[scheme.size()] != ' ' ||
      !EqualsIgnoreCase(value.substr(0, scheme.size()), scheme)) {
    return std::nullopt;
  }
  value.remove_prefix(scheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return value;
}

bool IsToken68(std::string_view s) {
  if (s.empty()) return false;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    if (!ok) break;
  }
  while (i < s.size() && s[i] == '=') ++i;
  return i == s.size() && s.front() != '=';
}

}  // namespace

std::optional<BasicCredentials> ParseBasic(std::string_view authorization) {
  std::optional<std::string_view> encoded = AfterScheme(authorization, "Basic");
  if (!encoded) return std::nullopt;
  std::optional<std::string> decoded = Base64Decode(*encoded);
  if (!decoded) return std::nullopt;
  const size_t colon = decoded->find(':');
  if (colon == 0 || colon == std::string::npos) return std::nullopt;
  BasicCredentials c{decoded->substr(0, colon), decoded->substr(colon + 1)};
  for (unsigned char ch : c.user) {
    if (ch < 0x20 || ch == 0x7f) return std::nullopt;
  }
  return c;
}

std::optional<std::string_view> ParseBearer(std::string_view authorization) {
  std::optional<std::string_view> token = AfterScheme(authorization, "Bearer");
  if (!token || !IsToken68(*token)) return std::nullopt;
  return token;
}

std::string BasicChallenge(std::string_view realm) {
  return "Basic realm=\"" + std::string(realm) + "\", charset=\"UTF-8\"";
}

}  // namespace ringmail::http
