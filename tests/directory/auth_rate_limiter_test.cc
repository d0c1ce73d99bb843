// Time is simulated: every call takes now_ms, nothing sleeps.
#include "directory/auth_rate_limiter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ringmail {
namespace {

constexpr uint64_t kMinute = 60 * 1000;

SocketAddress Addr(const std::string& host) {
  Result<SocketAddress> a = NumericAddress(host, 40000);
  EXPECT_TRUE(a.has_value()) << host;
  return a.value_or(SocketAddress());
}

// The defaults for both keys; tests change what they exercise.
AuthRateLimiterConfig Defaults() { return AuthRateLimiterConfig{}; }

// Per-account limits that never interfere with a per-address test.
AuthRateLimiterConfig AddressOnly() {
  AuthRateLimiterConfig c;
  c.per_account.failures_before_delay = 1000;
  c.per_account.failures_before_block = 0;
  return c;
}

TEST(AuthRateLimiter, DelaysGrowThenBlockAtTheLimit) {
  AuthRateLimiter limiter(AddressOnly());
  const SocketAddress a = Addr("192.0.2.1");
  const std::vector<uint64_t> delays = {0, 0, 0, 1000, 2000, 3000, 4000, 5000, 5000};
  uint64_t now = 1000;
  for (size_t i = 0; i < delays.size(); ++i, now += 100) {
    EXPECT_TRUE(limiter.Check(a, "user" + std::to_string(i), now).allowed);
    FailureOutcome out = limiter.RecordFailure(a, "user" + std::to_string(i), now);
    EXPECT_EQ(out.delay_ms, delays[i]) << "failure " << i + 1;
    EXPECT_FALSE(out.address_blocked);
    EXPECT_EQ(out.address_failures, i + 1);
  }
  FailureOutcome tenth = limiter.RecordFailure(a, "user9", now);
  EXPECT_TRUE(tenth.address_blocked);
  EXPECT_FALSE(tenth.account_blocked);
  EXPECT_EQ(tenth.address_failures, 10u);
  AuthVerdict v = limiter.Check(a, "anyone", now + 1);
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.key, AuthKey::kAddress);
  EXPECT_EQ(v.blocked_until_ms, now + 15 * kMinute);
  EXPECT_TRUE(limiter.Check(Addr("192.0.2.2"), "anyone", now + 1).allowed);
  // A failure recorded during the block (a session that passed Check earlier) neither starts
  // a second block nor extends this one.
  EXPECT_FALSE(limiter.RecordFailure(a, "x", now + 5).address_blocked);
  EXPECT_EQ(limiter.Check(a, "x", now + 6).blocked_until_ms, now + 15 * kMinute);
}

TEST(AuthRateLimiter, BlockExpiresAfterBlockMs) {
  AuthRateLimiterConfig c = AddressOnly();
  c.per_address.failures_before_block = 3;
  c.per_address.block_ms = 5 * kMinute;
  AuthRateLimiter limiter(c);
  const SocketAddress a = Addr("198.51.100.7");
  limiter.RecordFailure(a, "u", 0);
  limiter.RecordFailure(a, "u", 10);
  EXPECT_TRUE(limiter.RecordFailure(a, "u", 20).address_blocked);
  EXPECT_FALSE(limiter.Check(a, "u", 20 + 5 * kMinute - 1).allowed);
  EXPECT_TRUE(limiter.Check(a, "u", 20 + 5 * kMinute).allowed);
  // The key starts afresh once its block has ended.
  FailureOutcome out = limiter.RecordFailure(a, "u", 20 + 5 * kMinute);
  EXPECT_EQ(out.address_failures, 1u);
  EXPECT_EQ(out.delay_ms, 0u);
  EXPECT_FALSE(out.address_blocked);
}

TEST(AuthRateLimiter, WindowForgetsQuietKeysOnly) {
  AuthRateLimiterConfig c = AddressOnly();
  c.per_address.window_ms = 10 * kMinute;
  AuthRateLimiter limiter(c);
  const SocketAddress a = Addr("203.0.113.9");
  for (int i = 0; i < 5; ++i) limiter.RecordFailure(a, "u", i * kMinute);
  // Quiet for just under the window: still counted.
  EXPECT_EQ(limiter.RecordFailure(a, "u", 4 * kMinute + 10 * kMinute - 1).address_failures, 6u);
  // Quiet for the whole window: forgotten.
  const uint64_t later = 14 * kMinute - 1 + 10 * kMinute;
  FailureOutcome out = limiter.RecordFailure(a, "u", later);
  EXPECT_EQ(out.address_failures, 1u);
  EXPECT_EQ(out.delay_ms, 0u);
  // A steady trickle inside the window never resets, so slow guessing ends blocked.
  bool blocked = false;
  for (int i = 1; i < 10; ++i)
    blocked = limiter.RecordFailure(a, "u", later + i * 9 * kMinute).address_blocked;
  EXPECT_TRUE(blocked);
}

TEST(AuthRateLimiter, SuccessResetsTheAccountButNotTheAddress) {
  AuthRateLimiter limiter(Defaults());
  const SocketAddress a = Addr("192.0.2.10");
  for (int i = 0; i < 5; ++i) limiter.RecordFailure(a, "alice", 1000 + i);
  limiter.RecordSuccess(a, "Alice", 2000);
  FailureOutcome out = limiter.RecordFailure(a, "alice", 3000);
  EXPECT_EQ(out.account_failures, 1u);
  // Logging in to some account must not reset the address's count (an attacker with an
  // account of its own would use that to guess others' passwords for ever).
  EXPECT_EQ(out.address_failures, 6u);
  EXPECT_EQ(out.delay_ms, 3000u);
  limiter.RecordSuccess(a, "", 4000);  // no account: nothing to forget
}

TEST(AuthRateLimiter, IPv6IsGroupedBySlash64AndIPv4IsExact) {
  AuthRateLimiter limiter(AddressOnly());
  EXPECT_EQ(limiter.RecordFailure(Addr("2001:db8:1:2::1"), "u", 0).address_failures, 1u);
  EXPECT_EQ(limiter.RecordFailure(Addr("2001:db8:1:2:ffff::9"), "u", 1).address_failures, 2u);
  EXPECT_EQ(limiter.RecordFailure(Addr("2001:db8:1:3::1"), "u", 2).address_failures, 1u);
  EXPECT_EQ(limiter.RecordFailure(Addr("192.0.2.1"), "u", 3).address_failures, 1u);
  EXPECT_EQ(limiter.RecordFailure(Addr("192.0.2.2"), "u", 4).address_failures, 1u);
  // A dual-stack listener's IPv4-mapped form is the same IPv4 key, not one shared /64.
  EXPECT_EQ(limiter.RecordFailure(Addr("::ffff:192.0.2.1"), "u", 5).address_failures, 2u);
  EXPECT_EQ(limiter.RecordFailure(Addr("::ffff:192.0.2.3"), "u", 6).address_failures, 1u);
  EXPECT_EQ(limiter.tracked_addresses(), 5u);
  // A block of the /64 covers every address in it.
  for (int i = 0; i < 8; ++i)
    limiter.RecordFailure(Addr("2001:db8:1:2::" + std::to_string(i + 2)), "u", 7);
  EXPECT_FALSE(limiter.Check(Addr("2001:db8:1:2:abcd::1"), "u", 8).allowed);
  EXPECT_TRUE(limiter.Check(Addr("2001:db8:1:3::1"), "u", 8).allowed);
}

TEST(AuthRateLimiter, EvictionBoundsMemoryAndDropsTheLeastRecent) {
  AuthRateLimiterConfig c = AddressOnly();
  c.per_address.tracked_max = 3;
  c.per_account.tracked_max = 2;
  AuthRateLimiter limiter(c);
  limiter.RecordFailure(Addr("10.0.0.1"), "a", 0);
  limiter.RecordFailure(Addr("10.0.0.2"), "b", 1);
  limiter.RecordFailure(Addr("10.0.0.3"), "c", 2);
  limiter.RecordFailure(Addr("10.0.0.1"), "a", 3);  // .1 is now the most recent
  limiter.RecordFailure(Addr("10.0.0.4"), "d", 4);  // evicts .2
  EXPECT_EQ(limiter.tracked_addresses(), 3u);
  EXPECT_EQ(limiter.tracked_accounts(), 2u);
  EXPECT_EQ(limiter.tracked_pairs(), 2u);
  EXPECT_EQ(limiter.RecordFailure(Addr("10.0.0.1"), "", 5).address_failures, 3u);
  EXPECT_EQ(limiter.RecordFailure(Addr("10.0.0.2"), "", 6).address_failures, 1u);  // forgotten
  for (int i = 0; i < 1000; ++i) {
    limiter.RecordFailure(Addr("2001:db8:" + std::to_string(i) + "::1"), "user" + std::to_string(i),
                          7);
  }
  EXPECT_EQ(limiter.tracked_addresses(), 3u);
  EXPECT_EQ(limiter.tracked_accounts(), 2u);
  EXPECT_EQ(limiter.tracked_pairs(), 2u);
}

TEST(AuthRateLimiter, ChecksNeverGrowTheTables) {
  AuthRateLimiter limiter(AddressOnly());
  const SocketAddress a = Addr("192.0.2.66");
  for (int i = 0; i < 10; ++i) limiter.RecordFailure(a, "victim", 0);
  ASSERT_FALSE(limiter.Check(a, "victim", 1).allowed);
  const size_t addresses = limiter.tracked_addresses();
  const size_t accounts = limiter.tracked_accounts();
  const size_t pairs = limiter.tracked_pairs();
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(limiter.Check(a, "guess" + std::to_string(i), 2).allowed);
    EXPECT_TRUE(limiter.Check(Addr("10.9.0." + std::to_string(i % 250)), "x", 2).allowed);
  }
  EXPECT_EQ(limiter.tracked_addresses(), addresses);
  EXPECT_EQ(limiter.tracked_accounts(), accounts);
  EXPECT_EQ(limiter.tracked_pairs(), pairs);
}

// A blocked account refuses only addresses that failed for it: its owner still logs in.
TEST(AuthRateLimiter, BlockedAccountDoesNotLockOutItsOwner) {
  AuthRateLimiterConfig c;
  c.per_account.failures_before_block = 5;
  c.per_account.window_ms = 10 * kMinute;
  AuthRateLimiter limiter(c);
  const uint64_t t = 60 * kMinute;
  const SocketAddress owner = Addr("198.51.100.1");
  const SocketAddress stale = Addr("198.51.100.2");
  const SocketAddress careless = Addr("198.51.100.3");
  // The owner's typo, then the right password: that address's failure is forgotten.
  limiter.RecordFailure(owner, "alice", t - 20 * kMinute);
  limiter.RecordSuccess(owner, "alice", t - 20 * kMinute + 1);
  limiter.RecordFailure(stale, "alice", t - 11 * kMinute);
  limiter.RecordFailure(careless, "alice", t - 9 * kMinute);
  FailureOutcome out;
  for (int i = 0; i < 3; ++i) {
    out = limiter.RecordFailure(Addr("203.0.113." + std::to_string(i)), "alice", t);
  }
  ASSERT_TRUE(out.account_blocked);
  EXPECT_EQ(out.account_failures, 5u);
  EXPECT_FALSE(out.address_blocked);
  AuthVerdict v = limiter.Check(Addr("203.0.113.0"), "ALICE", t + 1);
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.key, AuthKey::kAccount);
  EXPECT_EQ(v.blocked_until_ms, t + 15 * kMinute);
  EXPECT_TRUE(limiter.Check(owner, "alice", t + 1).allowed);
  EXPECT_TRUE(limiter.Check(stale, "alice", t + 1).allowed);  // failed before the window
  EXPECT_FALSE(limiter.Check(careless, "alice", t + 1).allowed);
  EXPECT_TRUE(limiter.Check(Addr("203.0.113.0"), "bob", t + 1).allowed);
  // A fresh attacking address gets one failure on the blocked account, then it is refused.
  const SocketAddress fresh = Addr("203.0.113.50");
  EXPECT_TRUE(limiter.Check(fresh, "alice", t + 2).allowed);
  EXPECT_FALSE(limiter.RecordFailure(fresh, "alice", t + 2).account_blocked);
  EXPECT_FALSE(limiter.Check(fresh, "alice", t + 3).allowed);
  // The owner logging in does not end the block for the attackers.
  limiter.RecordSuccess(owner, "alice", t + 4);
  EXPECT_FALSE(limiter.Check(Addr("203.0.113.1"), "alice", t + 5).allowed);
  // The block ends on time.
  EXPECT_TRUE(limiter.Check(Addr("203.0.113.0"), "alice", t + 15 * kMinute).allowed);
  EXPECT_TRUE(limiter.Check(careless, "alice", t + 15 * kMinute).allowed);
}

TEST(AuthRateLimiter, AccountDelaysApplyAcrossAddresses) {
  AuthRateLimiter limiter(Defaults());
  FailureOutcome out;
  for (int i = 0; i < 5; ++i)
    out = limiter.RecordFailure(Addr("10.1.0." + std::to_string(i)), "Bob", 0);
  EXPECT_EQ(out.account_failures, 5u);
  EXPECT_EQ(out.address_failures, 1u);
  EXPECT_EQ(out.delay_ms, 2000u);
  // Long names are keyed by their first kAuthAccountKeyMax bytes.
  const std::string long_name(kAuthAccountKeyMax + 50, 'x');
  limiter.RecordFailure(Addr("10.2.0.1"), long_name, 0);
  EXPECT_EQ(
      limiter.RecordFailure(Addr("10.2.0.2"), long_name.substr(0, kAuthAccountKeyMax) + "y", 0)
          .account_failures,
      2u);
}

TEST(AuthRateLimiter, DelayIsCappedWithoutOverflow) {
  AuthRateLimiterConfig c = AddressOnly();
  c.per_address.failures_before_delay = 0;
  c.per_address.delay_step_ms = uint64_t{1} << 62;
  c.per_address.delay_max_ms = 7000;
  c.per_address.failures_before_block = 0;  // never blocks
  AuthRateLimiter limiter(c);
  for (int i = 0; i < 50; ++i) {
    FailureOutcome out = limiter.RecordFailure(Addr("192.0.2.5"), "", 0);
    EXPECT_EQ(out.delay_ms, 7000u);
    EXPECT_FALSE(out.address_blocked);
  }
  EXPECT_TRUE(limiter.Check(Addr("192.0.2.5"), "", 0).allowed);
}

TEST(AuthRateLimiter, CountsMetrics) {
  MetricsRegistry registry;
  AuthRateLimiterMetrics ids = RegisterAuthRateLimiterMetrics(registry);
  registry.Freeze(1);
  AuthRateLimiter limiter(Defaults());
  limiter.AttachMetrics(&registry.shard(0), ids);
  const SocketAddress a = Addr("192.0.2.77");
  FailureOutcome out;
  for (int i = 0; i < 10; ++i) out = limiter.RecordFailure(a, "carol", 0);
  ASSERT_TRUE(out.address_blocked && out.account_blocked);
  limiter.LogNewBlocks("imap", a, "carol", out);
  limiter.Check(a, "carol", 1);
  limiter.Check(a, "dave", 1);
  EXPECT_EQ(registry.Total(ids.address_blocks), 1);
  EXPECT_EQ(registry.Total(ids.account_blocks), 1);
  EXPECT_EQ(registry.Total(ids.blocked_attempts), 2);
  EXPECT_EQ(registry.Total(ids.delayed_failures), 7);
  EXPECT_EQ(registry.Total(ids.tracked_keys), 3);
  std::string text;
  registry.RenderPrometheus(&text);
  EXPECT_NE(text.find("ringmail_auth_blocks_total{key=\"account\"} 1"), std::string::npos);
}

TEST(AuthRateLimiter, ValidationNamesTheBadLimit) {
  AuthRateLimiterConfig c;
  EXPECT_TRUE(ValidateAuthRateLimits(c).has_value());
  c.per_account.tracked_max = 0;
  Result<void> r = ValidateAuthRateLimits(c);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(r.error().message.starts_with("per-account:")) << r.error().message;
  c = AuthRateLimiterConfig{};
  c.per_address.block_ms = 0;
  EXPECT_FALSE(ValidateAuthRateLimits(c).has_value());
  c.per_address.failures_before_block = 0;
  EXPECT_TRUE(ValidateAuthRateLimits(c).has_value());
  c.per_address.window_ms = 0;
  EXPECT_FALSE(ValidateAuthRateLimits(c).has_value());
}

}  // namespace
}  // namespace ringmail
