#include "base/socket_address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <string>

namespace ringmail {
namespace {

SocketAddress ParseOk(std::string_view text) {
  Result<SocketAddress> a = SocketAddress::Parse(text);
  EXPECT_TRUE(a.has_value()) << text << ": " << (a ? "" : a.error().ToString());
  return a ? *a : SocketAddress();
}

TEST(BaseSocketAddress, ParsesIpv4) {
  SocketAddress a = ParseOk("192.0.2.7:143");
  EXPECT_EQ(a.family(), AF_INET);
  EXPECT_EQ(a.port(), 143);
  EXPECT_EQ(a.length(), sizeof(sockaddr_in));
  EXPECT_EQ(a.ToString(), "192.0.2.7:143");
  EXPECT_FALSE(a.IsLoopback());
  const auto* in = reinterpret_cast<const sockaddr_in*>(a.get());
  EXPECT_EQ(ntohl(in->sin_addr.s_addr), 0xC0000207u);
}

TEST(BaseSocketAddress, ParsesIpv6) {
  SocketAddress a = ParseOk("[2001:db8::1]:993");
  EXPECT_EQ(a.family(), AF_INET6);
  EXPECT_EQ(a.port(), 993);
  EXPECT_EQ(a.length(), sizeof(sockaddr_in6));
  EXPECT_EQ(a.ToString(), "[2001:db8::1]:993");
  EXPECT_FALSE(a.IsLoopback());
}

TEST(BaseSocketAddress, PortLimits) {
  EXPECT_EQ(ParseOk("0.0.0.0:0").port(), 0);
  EXPECT_EQ(ParseOk("0.0.0.0:65535").port(), 65535);
  EXPECT_EQ(ParseOk("[::]:0").ToString(), "[::]:0");
}

TEST(BaseSocketAddress, RejectsBadInput) {
  for (const char* bad :
       {"", ":", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:-1", "1.2.3.4:+1", "1.2.3.4:80x",
        "1.2.3.4: 80", "1.2.3.256:80", "localhost:25", "[::1]", "[::1]80", "[::1:80",
        "[::1]:", "[zz::1]:80", "::1", "[]:80", "1.2.3.4:99999999999999999999"}) {
    Result<SocketAddress> a = SocketAddress::Parse(bad);
    EXPECT_FALSE(a.has_value()) << "'" << bad << "' parsed as " << a->ToString();
    if (!a) {
      EXPECT_EQ(a.error().code, ErrorCode::kInvalidArgument) << bad;
    }
  }
}

TEST(BaseSocketAddress, Ipv6NeedsBracketsAndIpv4MustNotHaveThem) {
  // Without brackets the last group of an IPv6 address would silently become the port:
  // "2001:db8::1:25" is not [2001:db8::1]:25, and "::1:143" must not bind [::1]:143 by luck.
  for (const char* bad : {"::1:143", "2001:db8::1:25", ":::25", "fe80::1:587", "[127.0.0.1]:80",
                          "[::ffff:1.2.3.4.5]:1"}) {
    Result<SocketAddress> a = SocketAddress::Parse(bad);
    EXPECT_FALSE(a.has_value()) << "'" << bad << "' parsed as " << a->ToString();
  }
}

TEST(BaseSocketAddress, ToStringRoundTrips) {
  for (const char* text : {"127.0.0.1:1", "10.1.2.3:25", "255.255.255.255:65535", "[::1]:143",
                           "[fe80::1:2:3:4]:587", "[::ffff:192.0.2.1]:25", "[::]:0"}) {
    SocketAddress a = ParseOk(text);
    EXPECT_EQ(a.ToString(), text);
    SocketAddress again = ParseOk(a.ToString());
    EXPECT_EQ(again.ToString(), text);
    EXPECT_EQ(again.port(), a.port());
  }
}

TEST(BaseSocketAddress, FromSockaddrCopies) {
  SocketAddress a = ParseOk("[::1]:8080");
  SocketAddress b = SocketAddress::FromSockaddr(a.get(), a.length());
  EXPECT_EQ(b.ToString(), "[::1]:8080");
  EXPECT_EQ(b.length(), a.length());
  b.set_port(9090);
  EXPECT_EQ(b.ToString(), "[::1]:9090");
  EXPECT_EQ(a.port(), 8080);
}

TEST(BaseSocketAddress, IsLoopback) {
  EXPECT_TRUE(ParseOk("127.0.0.1:1").IsLoopback());
  EXPECT_TRUE(ParseOk("127.255.0.9:1").IsLoopback());
  EXPECT_TRUE(ParseOk("[::1]:1").IsLoopback());
  EXPECT_TRUE(ParseOk("[::ffff:127.0.0.1]:1").IsLoopback());
  EXPECT_FALSE(ParseOk("128.0.0.1:1").IsLoopback());
  EXPECT_FALSE(ParseOk("0.0.0.0:1").IsLoopback());
  EXPECT_FALSE(ParseOk("[::]:1").IsLoopback());
  EXPECT_FALSE(ParseOk("[::2]:1").IsLoopback());
  EXPECT_FALSE(ParseOk("[::ffff:10.0.0.1]:1").IsLoopback());
  EXPECT_FALSE(SocketAddress().IsLoopback());
  EXPECT_EQ(SocketAddress().ToString(), "unknown");
  EXPECT_EQ(SocketAddress().port(), 0);
}

}  // namespace
}  // namespace ringmail

namespace ringmail {
namespace {

TEST(SocketAddressHost, NumericAddressesOnlyAndHostWithoutPort) {
  Result<SocketAddress> v4 = NumericAddress("10.1.2.3", 5432);
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->Host(), "10.1.2.3");
  EXPECT_EQ(v4->ToString(), "10.1.2.3:5432");
  Result<SocketAddress> v6 = NumericAddress("::1", 5432);
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->Host(), "::1");
  EXPECT_EQ(v6->ToString(), "[::1]:5432");
  EXPECT_FALSE(NumericAddress("db.example.test", 5432).has_value());
  EXPECT_FALSE(NumericAddress("[::1]", 5432).has_value());
}

TEST(SocketAddressHost, ResolveBlockingFindsLocalhostAndRefusesNonsense) {
  Result<std::vector<SocketAddress>> local = ResolveBlocking("localhost", 25);
  ASSERT_TRUE(local.has_value()) << local.error().ToString();
  EXPECT_TRUE(local->front().IsLoopback());
  Result<std::vector<SocketAddress>> bad = ResolveBlocking("no-such-host.invalid", 25);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace ringmail
