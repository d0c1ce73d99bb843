// admin::ParseExpiry and admin::FormatTime: the expiry forms the CLI and the admin API accept
// for an API key, and the time form their listings show.
#include <gtest/gtest.h>

#include "server/admin_ops.h"

namespace ringmail::admin {
namespace {

constexpr int64_t kNow = 1'800'000'000;  // 2027-01-15T08:00:00Z

TEST(AdminOpsKeysTest, ParseExpiry) {
  EXPECT_EQ(ParseExpiry("", kNow).value(), std::nullopt);
  EXPECT_EQ(ParseExpiry("30d", kNow).value(), std::optional<int64_t>(kNow + 30 * 86400));
  EXPECT_EQ(ParseExpiry("2027-02-01", kNow).value(), std::optional<int64_t>(1801440000));
  EXPECT_EQ(ParseExpiry("2027-02-01T12:30:00Z", kNow).value(),
            std::optional<int64_t>(1801440000 + 12 * 3600 + 1800));
  for (const char* bad :
       {"0d", "d", "30", "-1d", "99999999d", "2027-02-30", "2027-13-01", "2027-1-01", "2020-01-01",
        "2027-02-01T25:00:00Z", "tomorrow", "2027-02-01 12:00:00"}) {
    Result<std::optional<int64_t>> r = ParseExpiry(bad, kNow);
    EXPECT_FALSE(r.has_value()) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
    }
  }
}

TEST(AdminOpsKeysTest, FormatTime) {
  EXPECT_EQ(FormatTime(kNow), "2027-01-15T08:00:00Z");
  EXPECT_EQ(FormatTime(0), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace ringmail::admin
