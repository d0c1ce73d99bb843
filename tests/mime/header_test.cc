// Header blocks, unfolding, RFC 2047 encoded words and RFC 5322 address lists.
#include "mime/header.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mime/address_list.h"
#include "mime/charset.h"

namespace ringmail::mime {
namespace {

TEST(MimeHeader, BlockSizeIncludesEmptyLine) {
  EXPECT_EQ(HeaderBlockSize("A: b\r\n\r\nbody"), 8u);
  EXPECT_EQ(HeaderBlockSize("A: b\n\nbody"), 6u);
  EXPECT_EQ(HeaderBlockSize("A: b\r\nC: d"), 10u);  // no empty line: all header
  EXPECT_EQ(HeaderBlockSize("\r\nbody"), 2u);
  EXPECT_EQ(HeaderBlockSize(""), 0u);
}

TEST(MimeHeader, FieldsUnfoldAndSkipGarbage) {
  std::string_view block =
      " orphan continuation\r\n"
      "Subject: hello\r\n"
      "  world\r\n"
      "garbage line without colon\r\n"
      "X-Empty:\r\n"
      "Bad Name: x\r\n"
      "To : a@b\r\n"
      "\r\n"
      "Body: not a field\r\n";
  std::vector<HeaderField> f = ParseHeaderFields(block);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].name, "Subject");
  EXPECT_EQ(f[0].value, " hello\r\n  world");
  EXPECT_EQ(Unfold(f[0].value), "hello  world");
  EXPECT_EQ(f[1].name, "X-Empty");
  EXPECT_EQ(f[1].value, "");
  EXPECT_EQ(f[2].name, "To");
  EXPECT_EQ(FindHeader(block, "SUBJECT").value(), " hello\r\n  world");
  EXPECT_FALSE(FindHeader(block, "Body").has_value());
}

TEST(MimeHeader, EncodedWords) {
  EXPECT_EQ(DecodeEncodedWords("=?UTF-8?B?w6lsw6h2ZQ==?="), "\xC3\xA9l\xC3\xA8ve");
  EXPECT_EQ(DecodeEncodedWords("=?ISO-8859-1?Q?Andr=E9_Pirard?="), "Andr\xC3\xA9 Pirard");
  EXPECT_EQ(DecodeEncodedWords("=?iso-8859-1?q?this=20is=20some=20text?="), "this is some text");
  // RFC 2047 §8: whitespace between adjacent encoded words is dropped, other text kept.
  EXPECT_EQ(DecodeEncodedWords("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
  EXPECT_EQ(DecodeEncodedWords("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(DecodeEncodedWords("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(DecodeEncodedWords("(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
  EXPECT_EQ(DecodeEncodedWords("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"), "(a b)");
  // A UTF-8 character split across two words survives.
  EXPECT_EQ(DecodeEncodedWords("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9?="), "\xC3\xA9");
  // Language suffix (RFC 2231 §5), unknown charset and malformed words kept as written.
  EXPECT_EQ(DecodeEncodedWords("=?US-ASCII*EN?Q?Keith_Moore?="), "Keith Moore");
  EXPECT_EQ(DecodeEncodedWords("=?x-no-such?Q?abc?="), "=?x-no-such?Q?abc?=");
  EXPECT_EQ(DecodeEncodedWords("=?utf-8?X?abc?= =?utf-8?q?a b?="),
            "=?utf-8?X?abc?= =?utf-8?q?a b?=");
  EXPECT_EQ(DecodeEncodedWords("plain text"), "plain text");
  EXPECT_EQ(DecodeHeaderValue(" Re: =?utf-8?b?SGVsbG8=?=\r\n =?utf-8?b?IFdvcmxk?= !"),
            "Re: Hello World !");
}

TEST(MimeHeader, Charsets) {
  EXPECT_EQ(ToUtf8("\xE9", "windows-1252").value(), "\xC3\xA9");
  EXPECT_EQ(ToUtf8("\x1B$B$3$s$K$A$O\x1B(B", "ISO-2022-JP").value(),
            "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF");
  EXPECT_EQ(ToUtf8("a\xFF", "utf-8").value(), "a\xEF\xBF\xBD");
  EXPECT_FALSE(ToUtf8("x", "no-such-charset").has_value());
  EXPECT_FALSE(ToUtf8("x", "utf-8//TRANSLIT").has_value());
  EXPECT_TRUE(IsValidUtf8("\xC3\xA9"));
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // a surrogate
}

std::string Show(const std::vector<Address>& list) {
  std::string out;
  for (const Address& a : list) {
    switch (a.kind) {
      case Address::Kind::kGroupStart: out += "[" + a.name.value_or("?") + ":"; break;
      case Address::Kind::kGroupEnd: out += "];"; break;
      case Address::Kind::kMailbox:
        out += "{" + a.name.value_or("-") + "|" + a.adl.value_or("-") + "|" + a.mailbox + "|" +
               a.host + "}";
        break;
    }
  }
  return out;
}

TEST(MimeAddress, Mailboxes) {
  EXPECT_EQ(Show(ParseAddressList(" Terry Gray <gray@cac.washington.edu>")),
            "{Terry Gray|-|gray|cac.washington.edu}");
  EXPECT_EQ(Show(ParseAddressList("minutes@CNRI.Reston.VA.US,\r\n John Klensin <KLENSIN@MIT.EDU>")),
            "{-|-|minutes|CNRI.Reston.VA.US}{John Klensin|-|KLENSIN|MIT.EDU}");
  EXPECT_EQ(Show(ParseAddressList("\"Doe, John \\\"JD\\\"\" <\"john doe\"@example.com>")),
            "{Doe, John \"JD\"|-|john doe|example.com}");
  EXPECT_EQ(Show(ParseAddressList("=?utf-8?q?J=C3=B6rg?= <j@x.de>")),
            "{=?utf-8?q?J=C3=B6rg?=|-|j|x.de}");
  EXPECT_EQ(Show(ParseAddressList("John Q. Public <jqp@[192.0.2.1]>")),
            "{John Q. Public|-|jqp|[192.0.2.1]}");
}

TEST(MimeAddress, ObsoleteForms) {
  EXPECT_EQ(Show(ParseAddressList("jdoe@example.org (John Doe)")), "{John Doe|-|jdoe|example.org}");
  EXPECT_EQ(Show(ParseAddressList("Joe <@a.example,@b.example:joe@c.example>")),
            "{Joe|@a.example,@b.example|joe|c.example}");
  EXPECT_EQ(Show(ParseAddressList("john . doe @ example . com")), "{-|-|john.doe|example.com}");
  EXPECT_EQ(Show(ParseAddressList("localonly, ,,")), "{-|-|localonly|}");
  EXPECT_EQ(Show(ParseAddressList("")), "");
  EXPECT_EQ(Show(ParseAddressList("<>")), "");
}

TEST(MimeAddress, Groups) {
  EXPECT_EQ(Show(ParseAddressList("undisclosed-recipients:;")), "[undisclosed-recipients:];");
  EXPECT_EQ(Show(ParseAddressList(
                "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, x@y")),
            "[A Group:{Ed Jones|-|c|a.test}{-|-|joe|where.test}{John|-|jdoe|one.test}];"
            "{-|-|x|y}");
  EXPECT_EQ(Show(ParseAddressList("team: a@b")), "[team:{-|-|a|b}];");  // missing ';'
}

}  // namespace
}  // namespace ringmail::mime
