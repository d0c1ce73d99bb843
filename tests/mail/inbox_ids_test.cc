#include "mail/inbox_ids.h"

#include <gtest/gtest.h>

#include <memory>

namespace ringmail {
namespace {

TEST(MailInboxIds, RemembersPerAccountAndForgetsOnlyByOverwriting) {
  auto ids = std::make_unique<InboxIds>();
  EXPECT_FALSE(ids->Find(1).has_value());
  ids->Remember(1, 10);
  ids->Remember(2, 20);
  EXPECT_EQ(ids->Find(1), 10);
  EXPECT_EQ(ids->Find(2), 20);
  EXPECT_FALSE(ids->Find(3).has_value());
  // An account sharing 1's slot replaces it; 1 is then looked up again, never answered wrong.
  ids->Remember(1 + 4096, 30);
  EXPECT_EQ(ids->Find(1 + 4096), 30);
  EXPECT_FALSE(ids->Find(1).has_value());
}

TEST(MailInboxIds, IdsOutsideThirtyTwoBitsAreNotRemembered) {
  auto ids = std::make_unique<InboxIds>();
  const int64_t big = int64_t{1} << 32;
  ids->Remember(big, 5);
  EXPECT_FALSE(ids->Find(big).has_value());
  ids->Remember(7, big);
  EXPECT_FALSE(ids->Find(7).has_value());
  ids->Remember(0, 5);
  EXPECT_FALSE(ids->Find(0).has_value());
  ids->Remember(-1, 5);
  EXPECT_FALSE(ids->Find(-1).has_value());
}

}  // namespace
}  // namespace ringmail
