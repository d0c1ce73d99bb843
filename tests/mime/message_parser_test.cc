// The MIME tree: spans, sizes and lines as IMAP counts them, nesting, and broken messages.
#include "mime/message_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace ringmail::mime {
namespace {

// Every span of every part lies inside `data`, and a part's body follows its header.
void ExpectSpansInside(const ParsedMessage& m, std::string_view data) {
  for (const MimePart& p : m.parts) {
    EXPECT_LE(p.header.end(), data.size());
    EXPECT_EQ(p.header.end(), p.body.offset);
    EXPECT_LE(p.body.end(), data.size());
  }
}

TEST(MimeParser, SinglePartDefaults) {
  std::string data = "Subject: x\r\n\r\nline 1\r\nline 2\r\n";
  ParsedMessage m = ParseMessage(data);
  ASSERT_EQ(m.parts.size(), 1u);
  const MimePart& p = m.root();
  EXPECT_EQ(p.header.In(data), "Subject: x\r\n\r\n");
  EXPECT_EQ(p.body.In(data), "line 1\r\nline 2\r\n");
  EXPECT_EQ(p.body.size, 16u);
  EXPECT_EQ(p.body_lines, 2u);
  EXPECT_FALSE(p.content_type_present);
  EXPECT_TRUE(p.content_type.Is("text", "plain"));
  EXPECT_EQ(FindParam(p.content_type.params, "charset")->value, "us-ascii");
  EXPECT_FALSE(m.limit_reached);
}

TEST(MimeParser, MimeFields) {
  std::string data =
      "Content-Type: IMAGE/PNG; name=a.png\r\n"
      "Content-Transfer-Encoding: BASE64\r\n"
      "Content-ID: <id@x>\r\n"
      "Content-Description: a\r\n picture\r\n"
      "Content-Disposition: inline; filename=a.png\r\n"
      "Content-Language: en, de\r\n"
      "Content-Location: http://x/a.png\r\n"
      "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n"
      "\r\n"
      "iVBORw0KGgo=\r\n";
  ParsedMessage m = ParseMessage(data);
  const MimePart& p = m.root();
  EXPECT_TRUE(p.content_type.Is("image", "png"));
  EXPECT_EQ(p.transfer_encoding, "base64");
  EXPECT_EQ(p.id.value(), "<id@x>");
  EXPECT_EQ(p.description.value(), "a picture");
  EXPECT_EQ(p.disposition->type, "inline");
  EXPECT_EQ(p.languages, (std::vector<std::string>{"en", "de"}));
  EXPECT_EQ(p.location.value(), "http://x/a.png");
  EXPECT_EQ(p.md5.value(), "Q2hlY2sgSW50ZWdyaXR5IQ==");
  EXPECT_EQ(p.body_lines, 0u);  // not counted for image/*
}

constexpr std::string_view kNested =
    "From: a@b\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "preamble\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=inner\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "plain\r\n"
    "--inner\r\n"
    "Content-Type: text/html\r\n"
    "\r\n"
    "<p>html</p>\r\n"
    "--inner--\r\n"
    "--outer\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "Subject: inner\r\n"
    "\r\n"
    "hi\r\n"
    "--outer\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Disposition: attachment; filename*0*=utf-8''%C3%A9; filename*1=.bin\r\n"
    "\r\n"
    "AAAA\r\n"
    "--outer--   \r\n"
    "epilogue\r\n";

TEST(MimeParser, NestedMultipartAndMessage) {
  ParsedMessage m = ParseMessage(kNested);
  ExpectSpansInside(m, kNested);
  const MimePart& root = m.root();
  ASSERT_EQ(root.children.size(), 3u);
  const MimePart& alt = m[root.children[0]];
  EXPECT_TRUE(alt.content_type.Is("multipart", "alternative"));
  ASSERT_EQ(alt.children.size(), 2u);
  EXPECT_EQ(m[alt.children[0]].body.In(kNested), "plain");  // CRLF before "--" not included
  EXPECT_EQ(m[alt.children[0]].body_lines, 1u);
  EXPECT_EQ(m[alt.children[1]].body.In(kNested), "<p>html</p>");
  EXPECT_EQ(alt.body.In(kNested).substr(alt.body.size - 9), "--inner--");
  const MimePart& rfc822 = m[root.children[1]];
  ASSERT_TRUE(rfc822.message.has_value());
  EXPECT_EQ(rfc822.body.In(kNested), "Subject: inner\r\n\r\nhi");
  EXPECT_EQ(rfc822.body_lines, 3u);
  const MimePart& embedded = m[*rfc822.message];
  EXPECT_EQ(embedded.header.In(kNested), "Subject: inner\r\n\r\n");
  EXPECT_EQ(embedded.body.In(kNested), "hi");
  EXPECT_EQ(embedded.parent.value(), root.children[1]);
  EXPECT_EQ(embedded.depth, 2u);
  const MimePart& attachment = m[root.children[2]];
  EXPECT_EQ(attachment.body.In(kNested), "AAAA");
  EXPECT_EQ(FindParam(attachment.disposition->params, "filename")->value, "\xC3\xA9.bin");
  EXPECT_EQ(m.parts.size(), 7u);
}

TEST(MimeParser, BareLineFeeds) {
  std::string data =
      "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\ny\n--b\nContent-Type: text/html\n\n"
      "z\n--b--\n";
  ParsedMessage m = ParseMessage(data);
  ASSERT_EQ(m.root().children.size(), 2u);
  const MimePart& first = m[m.root().children[0]];
  EXPECT_EQ(first.header.In(data), "\n");  // a part without header fields
  EXPECT_EQ(first.body.In(data), "x\ny");
  EXPECT_EQ(first.body_lines, 2u);
  EXPECT_EQ(m[m.root().children[1]].body.In(data), "z");
}

TEST(MimeParser, BrokenMultiparts) {
  // No close delimiter: the last part runs to the end.
  std::string data = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nabc\r\n";
  ParsedMessage m = ParseMessage(data);
  ASSERT_EQ(m.root().children.size(), 1u);
  EXPECT_EQ(m[m.root().children[0]].body.In(data), "abc\r\n");
  // No boundary parameter, or no delimiter: no children, the body is kept whole.
  data = "Content-Type: multipart/mixed\r\n\r\n--b\r\nx\r\n";
  m = ParseMessage(data);
  EXPECT_TRUE(m.root().children.empty());
  EXPECT_EQ(m.root().body.In(data), "--b\r\nx\r\n");
  // A longer boundary sharing our prefix is not ours; the inner one ends at the outer one.
  data =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/mixed; "
      "boundary=bb\r\n\r\n--bb\r\n\r\ninner\r\n--b\r\n\r\nlast\r\n--b--";
  m = ParseMessage(data);
  ExpectSpansInside(m, data);
  ASSERT_EQ(m.root().children.size(), 2u);
  const MimePart& inner = m[m.root().children[0]];
  ASSERT_EQ(inner.children.size(), 1u);
  EXPECT_EQ(m[inner.children[0]].body.In(data), "inner");
  EXPECT_EQ(m[m.root().children[1]].body.In(data), "last");
}

TEST(MimeParser, GarbageAndNuls) {
  static constexpr char kRaw[] =
      "\0\0: x\r\nContent-Type: text/plain; charset=\0\r\n:\r\n\r\nbo\0dy";
  std::string data(kRaw, sizeof(kRaw) - 1);
  ParsedMessage m = ParseMessage(data);
  ExpectSpansInside(m, data);
  EXPECT_EQ(m.root().body.In(data), std::string_view("bo\0dy", 5));
  for (std::string_view junk :
       {"", "\r\n", "\n\n\n", "no header at all", "Content-Type: multipart/x"}) {
    ParsedMessage j = ParseMessage(junk);
    ExpectSpansInside(j, junk);
    EXPECT_EQ(j.parts.size(), 1u);
  }
}

TEST(MimeParser, DigestDefaultsToMessage) {
  std::string data =
      "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: one\r\n\r\nbody\r\n"
      "--d--\r\n";
  ParsedMessage m = ParseMessage(data);
  const MimePart& child = m[m.root().children[0]];
  EXPECT_TRUE(child.content_type.Is("message", "rfc822"));
  ASSERT_TRUE(child.message.has_value());
  EXPECT_EQ(m[*child.message].header.In(data), "Subject: one\r\n\r\n");
}

TEST(MimeParser, DepthLimit) {
  std::string data;
  for (size_t i = 0; i < kDepthMax + 10; ++i) data += "Content-Type: message/rfc822\r\n\r\n";
  data += "end";
  ParsedMessage m = ParseMessage(data);
  ExpectSpansInside(m, data);
  EXPECT_TRUE(m.limit_reached);
  EXPECT_EQ(m.parts.size(), kDepthMax + 1);
  EXPECT_FALSE(m.parts.back().message.has_value());
}

TEST(MimeParser, PartsLimit) {
  std::string data = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
  for (size_t i = 0; i < kPartsMax + 5; ++i) data += "--b\r\n\r\nx\r\n";
  data += "--b--\r\n";
  ParsedMessage m = ParseMessage(data);
  EXPECT_TRUE(m.limit_reached);
  EXPECT_EQ(m.parts.size(), kPartsMax);
  EXPECT_EQ(m.root().body.end(), data.size());  // nothing lost: BODY[] is whole
}

}  // namespace
}  // namespace ringmail::mime
