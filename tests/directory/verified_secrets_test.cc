// VerifiedSecrets alone: found only for the same secret and password within the TTL, off at
// TTL 0, bounded.
#include "directory/verified_secrets.h"

#include <gtest/gtest.h>

#include <string>

namespace ringmail::testing {
namespace {

TEST(VerifiedSecretsTest, SameSecretAndPasswordWithinTtl) {
  VerifiedSecrets v(1000, 10);
  EXPECT_FALSE(v.Contains("$y$secret", "pw", 0));
  v.Remember("$y$secret", "pw", 0);
  EXPECT_TRUE(v.Contains("$y$secret", "pw", 999));
  EXPECT_FALSE(v.Contains("$y$secret", "pw2", 1));
  EXPECT_FALSE(v.Contains("$y$other", "pw", 1));  // a new password hash
  // The boundary between secret and password is not ambiguous.
  EXPECT_FALSE(v.Contains("$y$secretp", "w", 1));
  EXPECT_EQ(v.hits(), 1u);
  EXPECT_FALSE(v.Contains("$y$secret", "pw", 1000));  // expired, and forgotten
  EXPECT_EQ(v.size(), 0u);
}

TEST(VerifiedSecretsTest, OffAtZeroTtl) {
  VerifiedSecrets v(0, 10);
  v.Remember("$y$secret", "pw", 0);
  EXPECT_EQ(v.size(), 0u);
  EXPECT_FALSE(v.Contains("$y$secret", "pw", 0));
}

TEST(VerifiedSecretsTest, Bounded) {
  VerifiedSecrets v(1000, 3);
  for (int i = 0; i < 3; ++i) v.Remember("s", std::to_string(i), 0);
  v.Remember("s", "late", 500);  // full, none expired: all go
  EXPECT_EQ(v.size(), 1u);
  EXPECT_TRUE(v.Contains("s", "late", 600));
  for (int i = 0; i < 2; ++i) v.Remember("s", std::to_string(i), 600);
  v.Remember("s", "later", 1550);  // "late" expired at 1500: only it goes
  EXPECT_EQ(v.size(), 3u);
  EXPECT_FALSE(v.Contains("s", "late", 1550));
  EXPECT_TRUE(v.Contains("s", "0", 1550));
}

}  // namespace
}  // namespace ringmail::testing
