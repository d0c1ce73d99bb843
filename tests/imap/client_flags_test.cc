#include "imap/client_flags.h"

#include <gtest/gtest.h>

namespace ringmail::imap {
namespace {

TEST(ImapClientFlags, SystemFlagsCaseInsensitiveKeywordsSortedOnce) {
  MessageFlags f;
  ASSERT_TRUE(ParseClientFlags({"\\SEEN", "$Junk", "\\flagged", "$Forwarded", "$Junk"},
                               /*ignore_recent=*/false, &f));
  EXPECT_TRUE(f.seen);
  EXPECT_TRUE(f.flagged);
  EXPECT_FALSE(f.answered || f.deleted || f.draft);
  EXPECT_EQ(f.keywords, (std::vector<std::string>{"$Forwarded", "$Junk"}));
}

TEST(ImapClientFlags, RecentOnlyIgnoredWhereAllowedUnknownSystemFlagRefused) {
  MessageFlags f;
  EXPECT_TRUE(ParseClientFlags({"\\Recent", "\\Draft"}, /*ignore_recent=*/true, &f));
  EXPECT_TRUE(f.draft);
  EXPECT_FALSE(ParseClientFlags({"\\Recent"}, /*ignore_recent=*/false, &f));
  EXPECT_FALSE(ParseClientFlags({"\\Bogus"}, /*ignore_recent=*/true, &f));
}

}  // namespace
}  // namespace ringmail::imap
