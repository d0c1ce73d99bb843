#include "jmap/account_emails.h"

#include <algorithm>
#include <unordered_map>

#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

struct Cached {
  std::shared_ptr<AccountEmails> emails;
  uint64_t last_use = 0;
};

// An account of one store object.
using Key = std::pair<uint64_t, int64_t>;  // MetadataStore::instance(), account id

struct KeyHash {
  size_t operator()(const Key& k) const {
    return std::hash<uint64_t>()(k.first * 0x9e3779b97f4a7c15ull ^ static_cast<uint64_t>(k.second));
  }
};

// This core's cache: account -> its emails at the last state read.
class Cache {
 public:
  std::shared_ptr<AccountEmails> Find(const Key& account_id, uint64_t state) {
    auto it = accounts_.find(account_id);
    if (it == accounts_.end() || it->second.emails->state != state) return nullptr;
    it->second.last_use = ++tick_;
    return it->second.emails;
  }

  void Keep(const Key& account_id, std::shared_ptr<AccountEmails> emails) {
    Drop(account_id);
    const size_t size = emails->emails.size();
    if (size > kCachedEmailsMax) return;
    while (total_ + size > kCachedEmailsMax) {
      auto oldest = std::min_element(accounts_.begin(), accounts_.end(), [](auto& a, auto& b) {
        return a.second.last_use < b.second.last_use;
      });
      Drop(oldest->first);
    }
    total_ += size;
    accounts_[account_id] = Cached{std::move(emails), ++tick_};
  }

 private:
  void Drop(Key account_id) {
    auto it = accounts_.find(account_id);
    if (it == accounts_.end()) return;
    total_ -= it->second.emails->emails.size();
    accounts_.erase(it);
  }

  std::unordered_map<Key, Cached, KeyHash> accounts_;
  size_t total_ = 0;  // emails held
  uint64_t tick_ = 0;
};

Cache& ThisCore() {
  thread_local Cache cache;
  return cache;
}

}  // namespace

const EmailRecord* AccountEmails::Find(int64_t id) const {
  auto it = std::lower_bound(emails.begin(), emails.end(), id,
                             [](const EmailRecord& e, int64_t v) { return e.id < v; });
  return it != emails.end() && it->id == id ? &*it : nullptr;
}

Task<Result<std::shared_ptr<AccountEmails>>> LoadAccountEmails(const CallContext& context) {
  MetadataStore& metadata = *context.services->stores->metadata;
  Result<AccountRecord> account = co_await metadata.GetAccount(context.account_name);
  if (!account) co_return std::unexpected(account.error());
  const Key key{metadata.instance(), context.account_id};
  if (std::shared_ptr<AccountEmails> hit = ThisCore().Find(key, account->highest_modseq)) {
    co_return hit;
  }
  Result<std::vector<EmailRecord>> list = co_await metadata.ListEmails(context.account_id);
  if (!list) co_return std::unexpected(list.error());
  auto emails = std::make_shared<AccountEmails>();
  emails->state = account->highest_modseq;
  emails->emails = std::move(*list);
  ThisCore().Keep(key, emails);
  co_return emails;
}

}  // namespace ringmail::jmap
