#include "directory/address.h"

#include <gtest/gtest.h>

#include <string>

namespace ringmail {
namespace {

std::string Normalized(std::string_view text) {
  Result<MailAddress> address = ParseMailAddress(text);
  if (!address) return "error: " + address.error().message;
  return NormalizedAddress(*address);
}

bool Invalid(std::string_view text) {
  Result<MailAddress> address = ParseMailAddress(text);
  return !address && address.error().code == ErrorCode::kInvalidArgument;
}

TEST(AddressParse, FoldsCaseAndKeepsTheOriginal) {
  Result<MailAddress> address = ParseMailAddress("John.Doe@Example.COM");
  ASSERT_TRUE(address.has_value()) << address.error().ToString();
  EXPECT_EQ(address->local, "John.Doe");
  EXPECT_EQ(address->domain, "example.com");
  EXPECT_EQ(NormalizedAddress(*address), "john.doe@example.com");
  EXPECT_EQ(Normalized("a!#$%&'*+-/=?^_`{|}~Z@x.example"), "a!#$%&'*+-/=?^_`{|}~z@x.example");
}

TEST(AddressParse, Utf8LocalPartsLowerOnlyAscii) {
  Result<MailAddress> address = ParseMailAddress("Ünïcode.User@Bücher.example");
  ASSERT_TRUE(address.has_value()) << address.error().ToString();
  EXPECT_EQ(address->local, "Ünïcode.User");
  EXPECT_EQ(NormalizedAddress(*address), "Ünïcode.user@xn--bcher-kva.example");
  EXPECT_EQ(Normalized("用户@例子.广告"), "用户@xn--fsqu00a.xn--4rr70v");
}

TEST(AddressParse, QuotedLocalParts) {
  Result<MailAddress> address = ParseMailAddress("\"John Smith\"@example.com");
  ASSERT_TRUE(address.has_value()) << address.error().ToString();
  EXPECT_EQ(address->local, "John Smith");
  EXPECT_EQ(NormalizedAddress(*address), "\"john smith\"@example.com");
  // Quoting that is not needed goes; escapes are undone and only `"` and `\` keep theirs.
  EXPECT_EQ(Normalized("\"John\"@example.com"), "john@example.com");
  EXPECT_EQ(Normalized("\"j\\o\\h\\n\"@example.com"), "john@example.com");
  EXPECT_EQ(Normalized("\"a\\\"b\\\\c\"@example.com"), "\"a\\\"b\\\\c\"@example.com");
  EXPECT_EQ(Normalized("\"a@b\"@example.com"), "\"a@b\"@example.com");
  EXPECT_EQ(Normalized("\"a..b\"@example.com"), "\"a..b\"@example.com");
  EXPECT_EQ(Normalized("\".a\"@example.com"), "\".a\"@example.com");
  EXPECT_EQ(Normalized("\"ü x\"@example.com"), "\"ü x\"@example.com");
  EXPECT_TRUE(Invalid("\"\"@example.com"));        // empty local part
  EXPECT_TRUE(Invalid("\"a\"b@example.com"));      // text after the quoted string
  EXPECT_TRUE(Invalid("\"a@example.com"));         // unterminated
  EXPECT_TRUE(Invalid("\"a\\\"@example.com"));     // the escape eats the closing quote
  EXPECT_TRUE(Invalid("\"a\tb\"@example.com"));    // tab is not qtextSMTP
  EXPECT_TRUE(Invalid("\"a\\\tb\"@example.com"));  // nor quoted-pairSMTP
  EXPECT_TRUE(Invalid("\"a\\ü\"@example.com"));    // quoted-pairSMTP is ASCII
  EXPECT_TRUE(Invalid("a\"b\"@example.com"));
}

TEST(AddressParse, NormalizedFormParsesToItself) {
  for (const char* text : {"John@Example.com", "\"A B\"@x.example", "\"a\\\"q\"@x.example",
                           "Ü@例え.テスト", "x+tag@XN--BCHER-KVA.example"}) {
    std::string once = Normalized(text);
    EXPECT_EQ(Normalized(once), once) << text;
  }
}

TEST(AddressIdn, BothWays) {
  EXPECT_EQ(NormalizeMailDomain("bücher.example").value(), "xn--bcher-kva.example");
  EXPECT_EQ(NormalizeMailDomain("Bücher.Example").value(), "xn--bcher-kva.example");
  EXPECT_EQ(NormalizeMailDomain("XN--BCHER-KVA.example").value(), "xn--bcher-kva.example");
  EXPECT_EQ(NormalizeMailDomain("xn--Bcher-Kva.EXAMPLE").value(), "xn--bcher-kva.example");
  EXPECT_EQ(NormalizeMailDomain("例え.テスト").value(), "xn--r8jz45g.xn--zckzah");
  EXPECT_EQ(NormalizeMailDomain("例え。テスト").value(), "xn--r8jz45g.xn--zckzah");  // U+3002
  EXPECT_EQ(NormalizeMailDomain("straße.de").value(), "xn--strae-oqa.de");  // non-transitional
  EXPECT_EQ(NormalizeMailDomain("ＡＢＣ.example").value(), "abc.example");  // UTS #46 mapping
  EXPECT_EQ(NormalizeMailDomain("r3---sn-abc.example").value(), "r3---sn-abc.example");
  EXPECT_EQ(DomainToUnicode("xn--bcher-kva.example").value(), "bücher.example");
  EXPECT_EQ(DomainToUnicode("XN--BCHER-KVA.example").value(), "bücher.example");
  EXPECT_EQ(DomainToUnicode("xn--r8jz45g.xn--zckzah").value(), "例え.テスト");
  EXPECT_EQ(DomainToUnicode("Example.COM").value(), "example.com");
  EXPECT_EQ(Normalized("Info@例え.テスト"), "info@xn--r8jz45g.xn--zckzah");
}

TEST(AddressIdn, RefusesInvalidDomains) {
  for (const char* domain :
       {"xn--.example", "xn--a.example", "xn--13.example", "xn--bshermk.example", "☃.example",
        "xn--n3h.example", "a_b.example", "ex ample.com", "-a.example", "a-.example", "ü-.example",
        "a..b", ".a", "a.", "1.2.3.4", "example.123", "a\xc3.example", "a\xc0\xaf.example",
        "\xed\xa0\x80.example"}) {
    Result<std::string> normal = NormalizeMailDomain(domain);
    EXPECT_FALSE(normal.has_value()) << domain << " -> " << *normal;
    EXPECT_FALSE(DomainToUnicode(domain).has_value()) << domain;
  }
  EXPECT_FALSE(NormalizeMailDomain(std::string_view("a\0b.example", 11)).has_value());
  // U+00AD (soft hyphen) maps to nothing: the label is empty, not dropped.
  EXPECT_FALSE(NormalizeMailDomain("\u00ad.example").has_value());
  EXPECT_EQ(NormalizeMailDomain("a\u00adb.example").value(), "ab.example");
}

TEST(AddressLimits, ExactlyAtAndOver) {
  std::string local64(64, 'a');
  EXPECT_EQ(Normalized(local64 + "@x.example"), local64 + "@x.example");
  EXPECT_TRUE(Invalid(local64 + "a@x.example"));
  // The quotes count: 62 characters quoted are 64 octets.
  EXPECT_FALSE(Invalid("\"" + std::string(62, ' ') + "\"@x.example"));
  EXPECT_TRUE(Invalid("\"" + std::string(63, ' ') + "\"@x.example"));

  std::string label63(63, 'b');
  EXPECT_TRUE(NormalizeMailDomain(label63 + ".example").has_value());
  EXPECT_FALSE(NormalizeMailDomain(label63 + "b.example").has_value());
  // 4 labels of 63 plus 3 dots: 255; one label shorter by 2: 253.
  std::string domain253 = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'c');
  ASSERT_EQ(domain253.size(), 253u);
  EXPECT_TRUE(NormalizeMailDomain(domain253).has_value());
  EXPECT_FALSE(NormalizeMailDomain(domain253 + "c").has_value());
  EXPECT_FALSE(NormalizeMailDomain(std::string(256, 'a')).has_value());
  // A long Unicode form of a valid A-label domain is accepted: 4 labels of 21 CJK characters
  // are 263 octets of UTF-8 and far fewer characters of A-label.
  std::string cjk;
  for (int i = 0; i < 21; ++i) cjk += "例";
  std::string unicode = cjk + "." + cjk + "." + cjk + "." + cjk + ".example";
  ASSERT_GT(unicode.size(), 255u);
  Result<std::string> ascii = NormalizeMailDomain(unicode);
  ASSERT_TRUE(ascii.has_value()) << ascii.error().ToString();
  EXPECT_EQ(DomainToUnicode(*ascii).value(), unicode);
  EXPECT_FALSE(NormalizeMailDomain(std::string(kDomainUnicodeSizeMax + 1, 'a')).has_value());

  // A whole address of 254 octets, then 255.
  std::string domain = label63 + "." + label63 + "." + label63 + "." + std::string(59, 'c');
  EXPECT_FALSE(Invalid("ab@" + domain));
  ASSERT_EQ(("ab@" + domain).size(), 254u);
  EXPECT_TRUE(Invalid("abc@" + domain));
  // Within 254 as written, over it with the domain in A-label form ("ü" is "xn--tda").
  std::string u_domain;
  for (int i = 0; i < 30; ++i) u_domain += "ü.";
  u_domain += "example";
  ASSERT_LE(NormalizeMailDomain(u_domain).value().size(), kDomainAsciiSizeMax);
  ASSERT_LE((local64 + "@" + u_domain).size(), kMailAddressSizeMax);
  EXPECT_TRUE(Invalid(local64 + "@" + u_domain));
  EXPECT_FALSE(Invalid("a@" + u_domain));
}

TEST(AddressSubaddress, SplitsAtTheFirstSeparator) {
  MailAddress address = ParseMailAddress("User+Tag-x@example.com").value();
  std::optional<MailAddress> base = WithoutSubaddress(address, kDefaultSubaddressSeparators);
  ASSERT_TRUE(base.has_value());
  EXPECT_EQ(base->local, "User");
  EXPECT_EQ(NormalizedAddress(*base), "user@example.com");
  EXPECT_EQ(WithoutSubaddress(address, "-")->local, "User+Tag");
  EXPECT_EQ(WithoutSubaddress(address, "+-")->local, "User");
  EXPECT_EQ(WithoutSubaddress(address, "-+")->local, "User");
  MailAddress dash = ParseMailAddress("a-b+c@example.com").value();
  EXPECT_EQ(WithoutSubaddress(dash, "+-")->local, "a");
  EXPECT_EQ(WithoutSubaddress(dash, "+")->local, "a-b");
  EXPECT_EQ(WithoutSubaddress(ParseMailAddress("user+@d.example").value(), "+")->local, "user");
  EXPECT_FALSE(WithoutSubaddress(ParseMailAddress("user@d.example").value(), "+").has_value());
  EXPECT_FALSE(WithoutSubaddress(ParseMailAddress("+tag@d.example").value(), "+").has_value());
  EXPECT_FALSE(WithoutSubaddress(address, "").has_value());
  // A non-ASCII separator is ignored rather than split inside a UTF-8 sequence.
  EXPECT_FALSE(WithoutSubaddress(ParseMailAddress("ü@d.example").value(), "\xbc").has_value());
  MailAddress quoted = ParseMailAddress("\"a b+c d\"@d.example").value();
  EXPECT_EQ(NormalizedAddress(*WithoutSubaddress(quoted, "+")), "\"a b\"@d.example");
}

TEST(AddressCatchAll, Form) {
  EXPECT_EQ(CatchAllAddress("example.com"), "@example.com");
  EXPECT_EQ(NormalizeAddressOrCatchAll("@Bücher.example").value(), "@xn--bcher-kva.example");
  EXPECT_EQ(NormalizeAddressOrCatchAll("Postmaster@Example.com").value(), "postmaster@example.com");
  EXPECT_FALSE(NormalizeAddressOrCatchAll("@").has_value());
  EXPECT_FALSE(NormalizeAddressOrCatchAll("@@example.com").has_value());
  EXPECT_FALSE(NormalizeAddressOrCatchAll("").has_value());
}

TEST(AddressGarbage, IsRefused) {
  for (const char* text : {"",
                           "@",
                           "a@",
                           "@b",
                           "a@@b",
                           "a@b..c",
                           "a@b.",
                           "a@.b",
                           "a b@example.com",
                           "a@exa mple.com",
                           " a@example.com",
                           "a@example.com ",
                           "a.@example.com",
                           ".a@example.com",
                           "a..b@example.com",
                           "a(b)@example.com",
                           "a,b@example.com",
                           "a@[192.0.2.1]",
                           "a@[IPv6:2001:db8::1]",
                           "<a@example.com>",
                           "a@example.com>",
                           "plainaddress",
                           "a@b@c.example",
                           "a\xff@example.com",
                           "\xc3\x28@example.com"}) {
    EXPECT_TRUE(Invalid(text)) << text;
  }
  EXPECT_TRUE(Invalid(std::string_view("a\0b@example.com", 15)));
  EXPECT_TRUE(Invalid(std::string_view("ab@exa\0mple.com", 15)));
  EXPECT_TRUE(Invalid(std::string_view("\"a\0b\"@example.com", 17)));
}

}  // namespace
}  // namespace ringmail
