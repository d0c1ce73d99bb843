// mime/compose.h: every encoder's output parses back (header.h, address_list.h,
// content_type.h, transfer_decoding.h) to what it was made from, and stays within the line
// limits of RFC 5322 and RFC 2045.
#include "mime/compose.h"

#include <gtest/gtest.h>

#include "mime/address_list.h"
#include "mime/content_type.h"
#include "mime/header.h"
#include "mime/transfer_decoding.h"

namespace ringmail::mime {
namespace {

// The longest line of `text` (CRLF-separated), CRLF excluded.
size_t LongestLine(std::string_view text) {
  size_t longest = 0;
  for (size_t pos = 0; pos <= text.size();) {
    size_t end = text.find("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    longest = std::max(longest, end - pos);
    pos = end + 2;
  }
  return longest;
}

// The value of the one field in `field` ("Name: value\r\n", folded), decoded as JMAP shows it.
std::string ReadBack(const std::string& field) {
  const std::string block = field + "\r\n";
  std::vector<HeaderField> fields = ParseHeaderFields(block);
  EXPECT_EQ(fields.size(), 1u) << field;
  return fields.empty() ? "" : DecodeHeaderValue(fields[0].value);
}

TEST(ComposeTest, UnstructuredAsciiStaysAsIs) {
  EXPECT_EQ(EncodeUnstructured("Hello world"), "Hello world");
  EXPECT_EQ(FoldField("Subject", "Hello world"), "Subject: Hello world\r\n");
}

TEST(ComposeTest, UnstructuredRoundTrips) {
  const std::string long_ascii(300, 'x');
  std::string words;
  for (int i = 0; i < 40; ++i) words += "word" + std::to_string(i) + " ";
  words.pop_back();
  for (const std::string& text :
       {std::string("Grüße aus Köln"),
        std::string("日本語のメールの件名はとても長いことがあります、本当に"),
        std::string("looks like =?utf-8?q?an_encoded?= word"), std::string("tab\there"),
        std::string("emoji 🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉 end"), words, std::string("Ünïcödé ") + words}) {
    const std::string field = FoldField("Subject", EncodeUnstructured(text));
    EXPECT_EQ(ReadBack(field), text) << field;
    EXPECT_LE(LongestLine(field), kFoldWidth) << field;
  }
  // A word with no space cannot fold; it still stays within the hard limit.
  EXPECT_EQ(ReadBack(FoldField("Subject", long_ascii)), long_ascii);
}

TEST(ComposeTest, EncodedWordsAreShortAndSplitBetweenCharacters) {
  std::string e_acute;
  for (int i = 0; i < 60; ++i) e_acute += "é";
  const std::string encoded = EncodeUnstructured(e_acute);
  size_t pos = 0;
  while ((pos = encoded.find("=?", pos)) != std::string::npos) {
    const size_t end = encoded.find("?=", pos + 10);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end + 2 - pos, 60u);
    pos = end + 2;
  }
  EXPECT_EQ(DecodeEncodedWords(encoded), e_acute);
}

TEST(ComposeTest, PhrasesAndAddressesParseBack) {
  struct Case {
    std::string name, expected_wire;
  };
  for (const Case& c :
       {Case{"Alice Example", "Alice Example"}, Case{"Example, Alice", "\"Example, Alice\""},
        Case{"Dr. \"Who\" \\o/", "\"Dr. \\\"Who\\\" \\\\o/\""}, Case{"Zoë Ångström", ""},
        Case{"=?not?= encoded", ""}}) {
    const std::string phrase = EncodePhrase(c.name);
    if (!c.expected_wire.empty()) {
      EXPECT_EQ(phrase, c.expected_wire);
    }
    const std::string value = phrase + " <zoe@example.test>";
    std::vector<Address> list = ParseAddressList(value);
    ASSERT_EQ(list.size(), 1u) << value;
    ASSERT_TRUE(list[0].name.has_value()) << value;
    EXPECT_EQ(DecodeEncodedWords(*list[0].name), c.name) << value;
    EXPECT_EQ(list[0].mailbox + "@" + list[0].host, "zoe@example.test");
  }
  EXPECT_EQ(EncodeAddrSpec("a.b@example.test"), "a.b@example.test");
  EXPECT_EQ(EncodeAddrSpec("a b@example.test"), "\"a b\"@example.test");
  EXPECT_EQ(ParseAddressList(*EncodeAddrSpec("a b@example.test"))[0].mailbox, "a b");
  EXPECT_FALSE(EncodeAddrSpec("no-at-sign"));
  EXPECT_FALSE(EncodeAddrSpec("a@b>c"));
  EXPECT_FALSE(EncodeAddrSpec("a@b\r\nBcc: x@y"));
}

TEST(ComposeTest, FoldingBreaksAtSpacesOnly) {
  std::string list;
  for (int i = 0; i < 20; ++i)
    list += (list.empty() ? "" : ", ") + ("user" + std::to_string(i) + "@example.test");
  const std::string field = FoldField("To", list);
  EXPECT_LE(LongestLine(field), kFoldWidth);
  EXPECT_EQ(ReadBack(field), list);
  // Double spaces never leave a line of only whitespace.
  const std::string spaced = FoldField("X", std::string(70, 'a') + "  " + std::string(10, 'b'));
  EXPECT_EQ(spaced.find("\r\n \r\n"), std::string::npos);
  EXPECT_EQ(ReadBack(spaced), std::string(70, 'a') + "  " + std::string(10, 'b'));
}

TEST(ComposeTest, ParametersParseBack) {
  for (const std::string& value : {std::string("report.pdf"), std::string("my report (final).pdf"),
                                   std::string("Übersicht €.pdf"), std::string("quote\"d.txt")}) {
    std::optional<ContentType> ct =
        ParseContentType("application/pdf" + ContentParameter("name", value));
    ASSERT_TRUE(ct.has_value());
    const MimeParam* p = FindParam(ct->params, "name");
    ASSERT_NE(p, nullptr) << value;
    EXPECT_EQ(p->value, value);
  }
  EXPECT_EQ(ContentParameter("charset", "utf-8"), "; charset=utf-8");
}

TEST(ComposeTest, QuotedPrintableRoundTripsWithinLineLimits) {
  std::string long_line(200, 'a');
  for (const std::string& text :
       {std::string("plain"), std::string("Grüße\r\nzweite Zeile\r\n"), long_line + "\r\nb",
        std::string("trailing space \r\ntrailing tab\t\r\n"), std::string("a=b =3D literal"),
        std::string("ünïcödé ") + long_line + "é", std::string("\r\n\r\n")}) {
    const std::string qp = EncodeQuotedPrintable(text);
    EXPECT_LE(LongestLine(qp), 76u) << qp;
    EXPECT_TRUE(Is7bit(qp)) << qp;
    EXPECT_EQ(DecodeQuotedPrintable(qp), text) << qp;
  }
}

TEST(ComposeTest, Base64LinesAndSevenBit) {
  std::string binary;
  for (int i = 0; i < 1000; ++i) binary.push_back(static_cast<char>(i * 7));
  const std::string b64 = EncodeBase64Lines(binary);
  EXPECT_EQ(LongestLine(b64), 76u);
  EXPECT_EQ(DecodeBase64Lenient(b64), binary);
  EXPECT_TRUE(Is7bit("hello\r\nworld"));
  EXPECT_FALSE(Is7bit("bare\nLF"));
  EXPECT_FALSE(Is7bit("caf\xc3\xa9"));
  EXPECT_FALSE(Is7bit(std::string("nul\0", 4)));
  EXPECT_FALSE(Is7bit(std::string(999, 'a')));
  EXPECT_TRUE(Is7bit(std::string(998, 'a')));
  EXPECT_EQ(ToCrlf("a\nb\r\nc\rd"), "a\r\nb\r\nc\r\nd");
}

TEST(ComposeTest, Dates) {
  EXPECT_EQ(FormatDate(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(FormatDate(1700000000, 120), "Wed, 15 Nov 2023 00:13:20 +0200");
  EXPECT_EQ(FormatDate(1700000000, -330), "Tue, 14 Nov 2023 16:43:20 -0530");
}

}  // namespace
}  // namespace ringmail::mime
