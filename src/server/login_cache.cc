#include "server/login_cache.h"

#include <sys/random.h>

#include <array>

namespace ringmail {
namespace {

// The HMAC key, drawn once per process: cache keys mean nothing outside it.
const std::array<uint8_t, 32>& ProcessKey() {
  static const std::array<uint8_t, 32> key = [] {
    std::array<uint8_t, 32> k{};
    size_t filled = 0;
    while (filled < k.size()) {
      const ssize_t n = getrandom(k.data() + filled, k.size() - filled, 0);
      if (n > 0) filled += static_cast<size_t>(n);
    }
    return k;
  }();
  return key;
}

}  // namespace

LoginCache::LoginCache(std::chrono::seconds ttl, size_t entries_max)
    : ttl_(ttl), entries_max_(entries_max) {}

std::string LoginCache::Key(std::string_view user, std::string_view password,
                            bool encrypted) const {
  std::string material;
  material.reserve(user.size() + password.size() + 2);
  material.append(user).push_back('\0');
  material.append(password).push_back(encrypted ? 'T' : 'P');
  const Sha256Digest mac = HmacSha256(ProcessKey(), material);
  return std::string(reinterpret_cast<const char*>(mac.data()), mac.size());
}

std::optional<CachedLogin> LoginCache::Find(std::string_view user, std::string_view password,
                                            bool encrypted, Clock::time_point now) const {
  if (ttl_.count() == 0 || entries_.empty()) return std::nullopt;
  auto it = entries_.find(Key(user, password, encrypted));
  if (it == entries_.end() || it->second.expires <= now) return std::nullopt;
  return it->second.login;
}

void LoginCache::Remember(std::string_view user, std::string_view password, bool encrypted,
                          CachedLogin login, Clock::time_point now) {
  if (ttl_.count() == 0 || entries_max_ == 0) return;
  if (entries_.size() >= entries_max_) {
    std::erase_if(entries_, [now](const auto& e) { return e.second.expires <= now; });
    if (entries_.size() >= entries_max_) entries_.clear();
  }
  entries_[Key(user, password, encrypted)] = Entry{std::move(login), now + ttl_};
}

LoginCache& LoginCache::ForThisCore(std::chrono::seconds ttl) {
  thread_local LoginCache cache(ttl, kLoginCacheEntriesMax);
  return cache;
}

}  // namespace ringmail
