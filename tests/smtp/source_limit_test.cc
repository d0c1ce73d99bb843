// SourceLimit: per-source connection counts, IPv4 by address and IPv6 by /64.
#include "smtp/source_limit.h"

#include <gtest/gtest.h>

namespace ringmail::smtp {
namespace {

SocketAddress At(const char* text) { return SocketAddress::Parse(text).value(); }

TEST(SmtpSourceLimit, CountsPerSource) {
  SourceLimit limit(2);
  EXPECT_TRUE(limit.Enter(At("192.0.2.1:1000")));
  EXPECT_TRUE(limit.Enter(At("192.0.2.1:1001")));  // the port does not matter
  EXPECT_FALSE(limit.Enter(At("192.0.2.1:1002")));
  EXPECT_TRUE(limit.Enter(At("192.0.2.2:1000")));  // another source
  limit.Leave(At("192.0.2.1:1000"));
  EXPECT_TRUE(limit.Enter(At("192.0.2.1:1003")));
}

TEST(SmtpSourceLimit, Ipv6ByPrefix) {
  SourceLimit limit(1);
  EXPECT_TRUE(limit.Enter(At("[2001:db8:1:2::1]:25")));
  EXPECT_FALSE(limit.Enter(At("[2001:db8:1:2:ffff::9]:25")));  // same /64
  EXPECT_TRUE(limit.Enter(At("[2001:db8:1:3::1]:25")));
}

TEST(SmtpSourceLimit, ZeroIsUnlimited) {
  SourceLimit limit(0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limit.Enter(At("192.0.2.1:1")));
}

}  // namespace
}  // namespace ringmail::smtp
