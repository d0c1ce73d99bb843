#include "directory/verified_secrets.h"

#include <cstring>
#include <string>

#include "base/check.h"
#include "directory/secret_schemes.h"
#include "tls/digest.h"

namespace ringmail {

VerifiedSecrets::VerifiedSecrets(uint64_t ttl_ms, size_t entries_max)
    : ttl_ms_(ttl_ms), entries_max_(entries_max) {
  if (ttl_ms_ == 0) return;  // off: no key needed
  CHECK(secret_internal::RandomBytes(hmac_key_).has_value(), "the system gives no randomness");
}

size_t VerifiedSecrets::KeyHash::operator()(const Key& k) const {
  size_t h;  // the HMAC's bytes are uniform: any eight of them make a good hash
  std::memcpy(&h, k.data(), sizeof h);
  return h;
}

VerifiedSecrets::Key VerifiedSecrets::KeyOf(std::string_view secret,
                                            std::string_view password) const {
  std::string material;
  material.reserve(secret.size() + password.size() + 1);
  material.append(secret).push_back('\0');  // a stored secret never holds NUL
  material.append(password);
  return HmacSha256(hmac_key_, material);
}

bool VerifiedSecrets::Contains(std::string_view secret, std::string_view password,
                               uint64_t now_ms) {
  if (ttl_ms_ == 0 || entries_.empty()) return false;
  auto it = entries_.find(KeyOf(secret, password));
  if (it == entries_.end()) return false;
  if (it->second <= now_ms) {
    entries_.erase(it);
    return false;
  }
  ++hits_;
  return true;
}

void VerifiedSecrets::Remember(std::string_view secret, std::string_view password,
                               uint64_t now_ms) {
  if (ttl_ms_ == 0 || entries_max_ == 0) return;
  if (entries_.size() >= entries_max_) {
    std::erase_if(entries_, [now_ms](const auto& e) { return e.second <= now_ms; });
    if (entries_.size() >= entries_max_) entries_.clear();
  }
  entries_[KeyOf(secret, password)] = now_ms + ttl_ms_;
}

}  // namespace ringmail
