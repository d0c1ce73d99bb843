#include "directory/auth_rate_limiter.h"

#include <sys/random.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <string>
#include <unordered_map>

#include "base/ascii.h"
#include "base/check.h"
#include "base/intrusive_list.h"
#include "base/log.h"
#include "directory/network_list.h"

namespace ringmail {
namespace {

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  return b > std::numeric_limits<uint64_t>::max() - a ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

struct SipKey {
  uint64_t k0 = 0;
  uint64_t k1 = 0;
};

// SipHash-2-4 (Aumasson and Bernstein), fed a byte at a time: keys here are short.
class SipHasher {
 public:
  explicit SipHasher(SipKey key)
      : v0_(key.k0 ^ 0x736f6d6570736575),
        v1_(key.k1 ^ 0x646f72616e646f6d),
        v2_(key.k0 ^ 0x6c7967656e657261),
        v3_(key.k1 ^ 0x7465646279746573) {}

  void Add(uint8_t byte) {
    m_ |= uint64_t{byte} << (8 * (length_ % 8));
    if (++length_ % 8 == 0) {
      Compress(m_);
      m_ = 0;
    }
  }
  void Add64(uint64_t v) {
    for (int i = 0; i < 8; ++i) Add(static_cast<uint8_t>(v >> (8 * i)));
  }
  uint64_t Finish() {
    Compress(m_ | (static_cast<uint64_t>(length_) << 56));
    v2_ ^= 0xff;
    for (int i = 0; i < 4; ++i) Round();
    return v0_ ^ v1_ ^ v2_ ^ v3_;
  }

 private:
  static uint64_t Rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }
  void Round() {
    v0_ += v1_, v1_ = Rotl(v1_, 13), v1_ ^= v0_, v0_ = Rotl(v0_, 32);
    v2_ += v3_, v3_ = Rotl(v3_, 16), v3_ ^= v2_;
    v0_ += v3_, v3_ = Rotl(v3_, 21), v3_ ^= v0_;
    v2_ += v1_, v1_ = Rotl(v1_, 17), v1_ ^= v2_, v2_ = Rotl(v2_, 32);
  }
  void Compress(uint64_t m) {
    v3_ ^= m;
    Round();
    Round();
    v0_ ^= m;
  }
  uint64_t v0_, v1_, v2_, v3_;
  uint64_t m_ = 0;
  size_t length_ = 0;
};

struct AddressKey {
  uint64_t high = 0;
  uint64_t low = 0;
  bool operator==(const AddressKey&) const = default;
};

// The (address, account) pair; the account by its keyed hash. A collision could only merge
// two accounts' records for one address: the address's own business.
struct PairKey {
  AddressKey address;
  uint64_t account = 0;
  bool operator==(const PairKey&) const = default;
};

// IPv4 (and mapped) exactly, in the mapped form; IPv6 by its /64 (low half zero, which no
// IPv4 key has); anything else as one all-ones key.
AddressKey AddressKeyOf(const SocketAddress& address) {
  const std::optional<IpAddressBits> bits = AddressBits(address);
  if (!bits) return AddressKey{~uint64_t{0}, ~uint64_t{0}};
  return bits->v4 ? AddressKey{bits->high, bits->low} : AddressKey{bits->high, 0};
}

std::string_view AccountKeyOf(std::string_view account) {
  return account.substr(0, kAuthAccountKeyMax);
}

struct KeyedHash {
  using is_transparent = void;
  SipKey seed;
  size_t operator()(const AddressKey& k) const {
    SipHasher h(seed);
    h.Add64(k.high);
    h.Add64(k.low);
    return h.Finish();
  }
  size_t operator()(const PairKey& k) const {
    SipHasher h(seed);
    h.Add64(k.address.high);
    h.Add64(k.address.low);
    h.Add64(k.account);
    return h.Finish();
  }
  // Account names, ASCII case folded.
  size_t operator()(std::string_view name) const {
    SipHasher h(seed);
    for (char c : name) h.Add(static_cast<uint8_t>(AsciiLower(c)));
    return h.Finish();
  }
};

struct AccountEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return AsciiLower(x) == AsciiLower(y);
           });
  }
};

struct Failures {
  uint32_t failures = 0;
  uint64_t last_failure_ms = 0;
  uint64_t blocked_until_ms = 0;  // blocked while now < this; 0: no block
};

// A hash table of Failures with a least-recently-failed list, at most `max` entries.
template <typename Key, typename Eq>
class FailureTable {
 public:
  FailureTable(size_t max, SipKey seed) : max_(max), map_(0, KeyedHash{seed}) {}

  template <typename K>
  Failures* Find(const K& key) {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second.failures;
  }

  // The entry for `key`, created if new (evicting the least recently failed entry when
  // full), and made the most recent.
  Failures* Touch(const Key& key) {
    auto it = map_.find(key);
    if (it == map_.end()) {
      if (map_.size() >= max_) Evict();
      it = map_.try_emplace(key).first;
      it->second.key = &it->first;
    } else {
      lru_.Remove(&it->second);
    }
    lru_.PushBack(&it->second);
    return &it->second.failures;
  }

  template <typename K>
  void Erase(const K& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return;
    lru_.Remove(&it->second);
    map_.erase(it);
  }

  size_t size() const { return map_.size(); }

 private:
  struct Slot {
    Failures failures;
    ListNode lru;
    const Key* key = nullptr;  // the map node's own key, to erase an evicted slot
  };
  void Evict() {
    Slot* oldest = lru_.Front();
    CHECK(oldest != nullptr);
    lru_.Remove(oldest);
    map_.erase(map_.find(*oldest->key));
  }

  size_t max_;
  std::unordered_map<Key, Slot, KeyedHash, Eq> map_;
  IntrusiveList<Slot, &Slot::lru> lru_;
};

// Forgets what `now` makes stale: an ended block (the key starts afresh), or failures quiet
// for the window.
void Expire(Failures& f, const AuthRateLimits& limits, uint64_t now) {
  if (f.blocked_until_ms != 0) {
    if (now >= f.blocked_until_ms) f = Failures{};
    return;
  }
  if (now >= f.last_failure_ms && now - f.last_failure_ms >= limits.window_ms) f.failures = 0;
}

uint64_t DelayFor(uint32_t failures, const AuthRateLimits& limits) {
  if (failures <= limits.failures_before_delay || limits.delay_step_ms == 0) return 0;
  const uint64_t k = failures - limits.failures_before_delay;
  if (k > limits.delay_max_ms / limits.delay_step_ms) return limits.delay_max_ms;
  return k * limits.delay_step_ms;
}

// Counts one failure; true when it starts a block.
bool CountFailure(Failures& f, const AuthRateLimits& limits, uint64_t now) {
  Expire(f, limits, now);
  if (f.failures < std::numeric_limits<uint32_t>::max()) ++f.failures;
  f.last_failure_ms = std::max(f.last_failure_ms, now);
  if (limits.failures_before_block == 0 || f.failures < limits.failures_before_block ||
      f.blocked_until_ms != 0) {
    return false;
  }
  f.blocked_until_ms = SaturatingAdd(now, limits.block_ms);
  return true;
}

SipKey RandomSipKey() {
  SipKey key;
  // Blocks only before the kernel's random pool is first initialized, early at boot.
  const ssize_t n = getrandom(&key, sizeof key, 0);
  CHECK(n == static_cast<ssize_t>(sizeof key), "getrandom failed");
  return key;
}

Result<void> ValidateLimits(const AuthRateLimits& limits, std::string_view name) {
  auto bad = [&](std::string_view what) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(name) + ": " + std::string(what));
  };
  if (limits.tracked_max == 0 || limits.tracked_max > kAuthTrackedMax) {
    return bad("tracked-max must be 1 to " + std::to_string(kAuthTrackedMax));
  }
  if (limits.window_ms == 0) return bad("window must not be 0");
  if (limits.failures_before_block != 0 && limits.block_ms == 0) {
    return bad("block time must not be 0 (set failures-before-block to 0 to never block)");
  }
  return {};
}

}  // namespace

class AuthRateLimiter::Tables {
 public:
  Tables(const AuthRateLimiterConfig& config, SipKey seed)
      : seed(seed),
        addresses(config.per_address.tracked_max, seed),
        accounts(config.per_account.tracked_max, seed),
        pairs(config.per_account.tracked_max, seed) {}

  PairKey Pair(const AddressKey& address, std::string_view account) const {
    return PairKey{address, KeyedHash{seed}(account)};
  }

  SipKey seed;
  FailureTable<AddressKey, std::equal_to<>> addresses;
  FailureTable<std::string, AccountEq> accounts;  // keys stored lower-cased
  FailureTable<PairKey, std::equal_to<>> pairs;   // last_failure_ms only
};

Result<void> ValidateAuthRateLimits(const AuthRateLimiterConfig& config) {
  TRY(ValidateLimits(config.per_address, "per-address"));
  TRY(ValidateLimits(config.per_account, "per-account"));
  return {};
}

std::string_view AuthKeyName(AuthKey key) {
  return key == AuthKey::kAddress ? "address" : "account";
}

AuthRateLimiterMetrics RegisterAuthRateLimiterMetrics(MetricsRegistry& r) {
  const MetricType kC = MetricType::kCounter;
  const char* blocks_help = "Brute-force blocks started, by key.";
  AuthRateLimiterMetrics m;
  m.address_blocks = r.Register("ringmail_auth_blocks_total", blocks_help, kC, "key=\"address\"");
  m.account_blocks = r.Register("ringmail_auth_blocks_total", blocks_help, kC, "key=\"account\"");
  m.blocked_attempts = r.Register("ringmail_auth_blocked_attempts_total",
                                  "Authentication attempts refused by a block.", kC);
  m.delayed_failures = r.Register("ringmail_auth_delayed_failures_total",
                                  "Failed authentications answered after a delay.", kC);
  m.tracked_keys =
      r.Register("ringmail_auth_tracked_keys",
                 "Addresses, accounts and pairs the rate limiter tracks.", MetricType::kGauge);
  return m;
}

AuthRateLimiter::AuthRateLimiter(const AuthRateLimiterConfig& config)
    : config_(config), tables_(std::make_unique<Tables>(config, RandomSipKey())) {
  CHECK(ValidateAuthRateLimits(config).has_value());
}

AuthRateLimiter::~AuthRateLimiter() = default;

void AuthRateLimiter::AttachMetrics(MetricsShard* shard, const AuthRateLimiterMetrics& ids) {
  shard_ = shard;
  metric_ids_ = ids;
}

AuthVerdict AuthRateLimiter::Check(const SocketAddress& address, std::string_view account,
                                   uint64_t now_ms) {
  const AddressKey address_key = AddressKeyOf(address);
  const Failures* f = tables_->addresses.Find(address_key);
  if (f != nullptr && now_ms < f->blocked_until_ms) {
    if (shard_ != nullptr) shard_->Inc(metric_ids_.blocked_attempts);
    return AuthVerdict{false, AuthKey::kAddress, f->blocked_until_ms};
  }
  const std::string_view account_key = AccountKeyOf(account);
  const Failures* a = account_key.empty() ? nullptr : tables_->accounts.Find(account_key);
  if (a == nullptr || now_ms >= a->blocked_until_ms) return AuthVerdict{};
  // A blocked account refuses only the addresses that failed for it since `window` before
  // its block started.
  const uint64_t started = a->blocked_until_ms - config_.per_account.block_ms;
  const uint64_t since = started - std::min(started, config_.per_account.window_ms);
  const Failures* p = tables_->pairs.Find(tables_->Pair(address_key, account_key));
  if (p == nullptr || p->last_failure_ms < since) return AuthVerdict{};
  if (shard_ != nullptr) shard_->Inc(metric_ids_.blocked_attempts);
  return AuthVerdict{false, AuthKey::kAccount, a->blocked_until_ms};
}

FailureOutcome AuthRateLimiter::RecordFailure(const SocketAddress& address,
                                              std::string_view account, uint64_t now_ms) {
  FailureOutcome out;
  const AddressKey address_key = AddressKeyOf(address);
  Failures* f = tables_->addresses.Touch(address_key);
  out.address_blocked = CountFailure(*f, config_.per_address, now_ms);
  out.address_failures = f->failures;
  out.delay_ms = DelayFor(f->failures, config_.per_address);
  const std::string_view account_key = AccountKeyOf(account);
  if (!account_key.empty()) {
    std::string lowered(account_key);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), AsciiLower);
    Failures* a = tables_->accounts.Touch(lowered);
    out.account_blocked = CountFailure(*a, config_.per_account, now_ms);
    out.account_failures = a->failures;
    out.delay_ms = std::max(out.delay_ms, DelayFor(a->failures, config_.per_account));
    Failures* p = tables_->pairs.Touch(tables_->Pair(address_key, lowered));
    p->last_failure_ms = std::max(p->last_failure_ms, now_ms);
  }
  if (shard_ != nullptr) {
    if (out.address_blocked) shard_->Inc(metric_ids_.address_blocks);
    if (out.account_blocked) shard_->Inc(metric_ids_.account_blocks);
    if (out.delay_ms > 0) shard_->Inc(metric_ids_.delayed_failures);
    UpdateTrackedGauge();
  }
  return out;
}

void AuthRateLimiter::RecordSuccess(const SocketAddress& address, std::string_view account,
                                    uint64_t now_ms) {
  const std::string_view account_key = AccountKeyOf(account);
  if (account_key.empty()) return;
  const Failures* a = tables_->accounts.Find(account_key);
  if (a != nullptr && !(now_ms < a->blocked_until_ms)) tables_->accounts.Erase(account_key);
  tables_->pairs.Erase(tables_->Pair(AddressKeyOf(address), account_key));
  if (shard_ != nullptr) UpdateTrackedGauge();
}

void AuthRateLimiter::LogNewBlocks(std::string_view protocol, const SocketAddress& address,
                                   std::string_view account, const FailureOutcome& outcome) const {
  if (outcome.address_blocked) {
    Log(LogLevel::kWarn, "auth_blocked", "key", "address", "protocol", protocol, "address",
        address.Host(), "failures", outcome.address_failures, "block_ms",
        config_.per_address.block_ms);
  }
  if (outcome.account_blocked) {
    Log(LogLevel::kWarn, "auth_blocked", "key", "account", "protocol", protocol, "account",
        AccountKeyOf(account), "address", address.Host(), "failures", outcome.account_failures,
        "block_ms", config_.per_account.block_ms);
  }
}

size_t AuthRateLimiter::tracked_addresses() const { return tables_->addresses.size(); }
size_t AuthRateLimiter::tracked_accounts() const { return tables_->accounts.size(); }
size_t AuthRateLimiter::tracked_pairs() const { return tables_->pairs.size(); }

void AuthRateLimiter::UpdateTrackedGauge() {
  shard_->Set(metric_ids_.tracked_keys,
              static_cast<int64_t>(tracked_addresses() + tracked_accounts() + tracked_pairs()));
}

}  // namespace ringmail
