// SourceRate: messages per source per calendar minute, IPv4 by address and IPv6 by /64.
#include "smtp/source_rate.h"

#include <gtest/gtest.h>

namespace ringmail::smtp {
namespace {

SocketAddress At(const char* text) { return SocketAddress::Parse(text).value(); }

TEST(SmtpSourceRate, PerSourcePerMinute) {
  int64_t now = 1800000000;  // a minute's start
  SourceRate rate(2, [&now] { return now; });
  EXPECT_TRUE(rate.Take(At("192.0.2.1:1000")));
  EXPECT_TRUE(rate.Take(At("192.0.2.1:1001")));  // the port does not matter
  EXPECT_FALSE(rate.Take(At("192.0.2.1:1002")));
  EXPECT_TRUE(rate.Take(At("192.0.2.2:1000")));  // another source
  EXPECT_TRUE(rate.Take(At("[2001:db8:1:2::1]:25")));
  EXPECT_TRUE(rate.Take(At("[2001:db8:1:2::2]:25")));
  EXPECT_FALSE(rate.Take(At("[2001:db8:1:2:ffff::9]:25")));  // same /64
  now += 59;
  EXPECT_FALSE(rate.Take(At("192.0.2.1:1003")));  // the same minute
  now += 1;
  EXPECT_TRUE(rate.Take(At("192.0.2.1:1004")));  // the next one
}

TEST(SmtpSourceRate, ZeroIsUnlimited) {
  SourceRate rate(0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(rate.Take(At("192.0.2.1:1")));
}

}  // namespace
}  // namespace ringmail::smtp
