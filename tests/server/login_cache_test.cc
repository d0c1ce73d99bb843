#include "server/login_cache.h"

#include <gtest/gtest.h>

namespace ringmail {
namespace {

using namespace std::chrono_literals;
const LoginCache::Clock::time_point kT0{};

TEST(LoginCache, RemembersAVerifiedLoginUntilItsTtl) {
  LoginCache cache(60s, 10);
  EXPECT_FALSE(cache.Find("alice", "pw", true, kT0));
  cache.Remember("alice", "pw", true, {"alice@example.test", 7}, kT0);
  std::optional<CachedLogin> hit = cache.Find("alice", "pw", true, kT0 + 59s);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->name, "alice@example.test");
  EXPECT_EQ(hit->account_id, 7);
  EXPECT_FALSE(cache.Find("alice", "pw", true, kT0 + 60s));
}

TEST(LoginCache, AnotherPasswordUserOrTransportMisses) {
  LoginCache cache(60s, 10);
  cache.Remember("alice", "pw", true, {"alice", 1}, kT0);
  EXPECT_FALSE(cache.Find("alice", "pw2", true, kT0));
  EXPECT_FALSE(cache.Find("alicepw", "", true, kT0));  // the separator matters
  EXPECT_FALSE(cache.Find("bob", "pw", true, kT0));
  // Verified over TLS says nothing of plain text, where the policy may refuse passwords.
  EXPECT_FALSE(cache.Find("alice", "pw", false, kT0));
}

TEST(LoginCache, ZeroTtlKeepsNothing) {
  LoginCache cache(0s, 10);
  cache.Remember("alice", "pw", true, {"alice", 1}, kT0);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.Find("alice", "pw", true, kT0));
}

TEST(LoginCache, StaysWithinItsBound) {
  LoginCache cache(60s, 3);
  cache.Remember("a", "pw", true, {"a", 1}, kT0);
  cache.Remember("b", "pw", true, {"b", 2}, kT0 + 30s);
  cache.Remember("c", "pw", true, {"c", 3}, kT0 + 30s);
  // Full: the expired entry goes, the live ones stay.
  cache.Remember("d", "pw", true, {"d", 4}, kT0 + 61s);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.Find("b", "pw", true, kT0 + 61s));
  EXPECT_TRUE(cache.Find("d", "pw", true, kT0 + 61s));
  // Full of live entries: dropped, then the new one kept.
  cache.Remember("e", "pw", true, {"e", 5}, kT0 + 62s);
  EXPECT_LE(cache.size(), 3u);
  EXPECT_TRUE(cache.Find("e", "pw", true, kT0 + 62s));
}

}  // namespace
}  // namespace ringmail
