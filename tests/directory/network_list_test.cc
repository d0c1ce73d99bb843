#include "directory/network_list.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ringmail {
namespace {

SocketAddress Addr(const std::string& host) {
  Result<SocketAddress> a = NumericAddress(host, 143);
  EXPECT_TRUE(a.has_value()) << host;
  return a.value_or(SocketAddress());
}

NetworkList List(const std::vector<std::string>& entries) {
  Result<NetworkList> list = NetworkList::Parse(entries);
  EXPECT_TRUE(list.has_value()) << list.error().ToString();
  return list.value_or(NetworkList());
}

std::string ParseError(const std::string& entry) {
  Result<NetworkList> list = NetworkList::Parse({entry});
  if (list.has_value()) return "accepted";
  EXPECT_EQ(list.error().code, ErrorCode::kInvalidArgument);
  return list.error().message;
}

TEST(NetworkList, IPv4Networks) {
  NetworkList list = List({"10.0.0.0/8", "192.168.1.0/24", "172.16.5.4"});
  EXPECT_EQ(list.size(), 3u);
  EXPECT_TRUE(list.Contains(Addr("10.0.0.0")));
  EXPECT_TRUE(list.Contains(Addr("10.255.255.255")));
  EXPECT_FALSE(list.Contains(Addr("11.0.0.0")));
  EXPECT_FALSE(list.Contains(Addr("9.255.255.255")));
  EXPECT_TRUE(list.Contains(Addr("192.168.1.77")));
  EXPECT_FALSE(list.Contains(Addr("192.168.2.1")));
  // A bare address is a /32.
  EXPECT_TRUE(list.Contains(Addr("172.16.5.4")));
  EXPECT_FALSE(list.Contains(Addr("172.16.5.5")));
  EXPECT_FALSE(list.Contains(Addr("::1")));
}

TEST(NetworkList, IPv6Networks) {
  NetworkList list = List({"fd00::/8", "2001:db8:1::/48", "2001:db8:ffff::7"});
  EXPECT_TRUE(list.Contains(Addr("fd12:3456::1")));
  EXPECT_TRUE(list.Contains(Addr("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(list.Contains(Addr("fe00::1")));
  EXPECT_TRUE(list.Contains(Addr("2001:db8:1:abcd::1")));
  EXPECT_FALSE(list.Contains(Addr("2001:db8:2::1")));
  // A bare address is a /128.
  EXPECT_TRUE(list.Contains(Addr("2001:db8:ffff::7")));
  EXPECT_FALSE(list.Contains(Addr("2001:db8:ffff::8")));
  EXPECT_FALSE(list.Contains(Addr("10.0.0.1")));
}

TEST(NetworkList, MappedAddressesMatchIPv4Networks) {
  NetworkList list = List({"192.0.2.0/24"});
  EXPECT_TRUE(list.Contains(Addr("::ffff:192.0.2.9")));
  EXPECT_FALSE(list.Contains(Addr("::ffff:192.0.3.9")));
  // A mapped network of /96 or more is the IPv4 network it maps.
  NetworkList mapped = List({"::ffff:198.51.100.0/120"});
  EXPECT_TRUE(mapped.Contains(Addr("198.51.100.200")));
  EXPECT_TRUE(mapped.Contains(Addr("::ffff:198.51.100.1")));
  EXPECT_FALSE(mapped.Contains(Addr("198.51.101.1")));
}

TEST(NetworkList, ZeroPrefixCoversOneFamily) {
  NetworkList v4 = List({"0.0.0.0/0"});
  EXPECT_TRUE(v4.Contains(Addr("0.0.0.0")));
  EXPECT_TRUE(v4.Contains(Addr("255.255.255.255")));
  EXPECT_TRUE(v4.Contains(Addr("::ffff:8.8.8.8")));
  EXPECT_FALSE(v4.Contains(Addr("2001:db8::1")));
  NetworkList v6 = List({"::/0"});
  EXPECT_TRUE(v6.Contains(Addr("2001:db8::1")));
  EXPECT_TRUE(v6.Contains(Addr("::")));
  EXPECT_FALSE(v6.Contains(Addr("8.8.8.8")));
  EXPECT_FALSE(v6.Contains(Addr("::ffff:8.8.8.8")));
}

TEST(NetworkList, FullLengthPrefixes) {
  NetworkList list = List({"203.0.113.5/32", "2001:db8::5/128"});
  EXPECT_TRUE(list.Contains(Addr("203.0.113.5")));
  EXPECT_FALSE(list.Contains(Addr("203.0.113.4")));
  EXPECT_TRUE(list.Contains(Addr("2001:db8::5")));
  EXPECT_FALSE(list.Contains(Addr("2001:db8::4")));
}

TEST(NetworkList, PrefixesAcrossTheHalves) {
  NetworkList list = List({"2001:db8:0:0:8000::/65", "2001:db8::/63"});
  EXPECT_TRUE(list.Contains(Addr("2001:db8:0:0:8000::1")));
  EXPECT_FALSE(list.Contains(Addr("2001:db8:0:2:7fff::1")));
  EXPECT_TRUE(list.Contains(Addr("2001:db8:0:1:ffff::1")));
}

TEST(NetworkList, LoopbackAndEmpty) {
  NetworkList loopback = NetworkList::Loopback();
  EXPECT_TRUE(loopback.Contains(Addr("127.0.0.1")));
  EXPECT_TRUE(loopback.Contains(Addr("127.255.0.9")));
  EXPECT_TRUE(loopback.Contains(Addr("::1")));
  EXPECT_TRUE(loopback.Contains(Addr("::ffff:127.0.0.1")));
  EXPECT_FALSE(loopback.Contains(Addr("128.0.0.1")));
  EXPECT_FALSE(loopback.Contains(Addr("::2")));
  NetworkList empty = List({});
  EXPECT_TRUE(empty.empty());
  EXPECT_FALSE(empty.Contains(Addr("127.0.0.1")));
  EXPECT_FALSE(loopback.Contains(SocketAddress()));  // no family
}

TEST(NetworkList, MalformedEntriesAreNamed) {
  EXPECT_EQ(ParseError("10.0.0.0/33"), "'10.0.0.0/33': prefix length out of range");
  EXPECT_EQ(ParseError("::1/129"), "'::1/129': prefix length out of range");
  EXPECT_EQ(ParseError(""), "'': empty entry");
  EXPECT_EQ(ParseError("1.2.3"), "'1.2.3': bad address");
  EXPECT_EQ(ParseError("a.b.c.d/8"), "'a.b.c.d/8': bad address");
  EXPECT_EQ(ParseError("1.2.3.4/-1"), "'1.2.3.4/-1': bad prefix length");
  EXPECT_EQ(ParseError("1.2.3.4/"), "'1.2.3.4/': bad prefix length");
  EXPECT_EQ(ParseError("1.2.3.4/24x"), "'1.2.3.4/24x': bad prefix length");
  EXPECT_EQ(ParseError("1.2.3.4/8/8"), "'1.2.3.4/8/8': bad prefix length");
  EXPECT_EQ(ParseError("1.2.3.4/0008"), "'1.2.3.4/0008': bad prefix length");
  EXPECT_EQ(ParseError("1.2.3.4x"), "'1.2.3.4x': bad address");
  EXPECT_EQ(ParseError(" 1.2.3.4"), "' 1.2.3.4': bad address");
  EXPECT_EQ(ParseError("1.2.3.4 "), "'1.2.3.4 ': bad address");
  EXPECT_EQ(ParseError("[::1]/128"), "'[::1]/128': bad address");
  EXPECT_EQ(ParseError("fe80::1%eth0"), "'fe80::1%eth0': bad address");
  EXPECT_EQ(ParseError("localhost"), "'localhost': bad address");
  EXPECT_EQ(ParseError(std::string("1.2.3.4\0/8", 10)), "'1.2.3.4?/8': bad address");
  EXPECT_EQ(ParseError(std::string(100, '1')).substr(0, 6), "'11111");
  EXPECT_NE(ParseError(std::string(100, '1')).find("...': too long"), std::string::npos);
  // The first bad entry of a list is the one named.
  Result<NetworkList> list = NetworkList::Parse({"10.0.0.0/8", "bad", "worse"});
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().message, "'bad': bad address");
}

TEST(NetworkList, HostBitsBeyondThePrefixAreRefused) {
  EXPECT_EQ(ParseError("10.1.2.3/8"),
            "'10.1.2.3/8': host bits set beyond the prefix (did you mean '10.0.0.0/8'?)");
  EXPECT_EQ(ParseError("2001:db8::1/64"),
            "'2001:db8::1/64': host bits set beyond the prefix (did you mean '2001:db8::/64'?)");
  EXPECT_EQ(ParseError("::ffff:10.1.0.0/104"),
            "'::ffff:10.1.0.0/104': host bits set beyond the prefix (did you mean "
            "'10.0.0.0/8'?)");
  EXPECT_EQ(ParseError("10.0.0.0/8"), "accepted");
}

TEST(NetworkList, TooManyEntries) {
  std::vector<std::string> entries(kNetworkListMax + 1, "10.0.0.0/8");
  Result<NetworkList> list = NetworkList::Parse(entries);
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().code, ErrorCode::kInvalidArgument);
}

TEST(NetworkList, AddressBitsGroupsMappedWithIPv4) {
  std::optional<IpAddressBits> v4 = AddressBits(Addr("192.0.2.1"));
  std::optional<IpAddressBits> mapped = AddressBits(Addr("::ffff:192.0.2.1"));
  ASSERT_TRUE(v4 && mapped);
  EXPECT_TRUE(v4->v4 && mapped->v4);
  EXPECT_EQ(v4->high, mapped->high);
  EXPECT_EQ(v4->low, mapped->low);
  EXPECT_FALSE(AddressBits(Addr("2001:db8::1"))->v4);
  EXPECT_FALSE(AddressBits(SocketAddress()).has_value());
}

}  // namespace
}  // namespace ringmail
