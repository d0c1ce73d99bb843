// FETCH body items (RFC 9051 §6.4.5, §7.5.2; RFC 3516 BINARY; RFC 8970 PREVIEW).
#include <gtest/gtest.h>

#include "fetch_test_util.h"
#include "imap/fetch_section.h"

namespace ringmail::imap {
namespace {

// The part layout of RFC 9051 §6.4.5's section example: HEADER, TEXT, 1, 2, 3 (a message
// with 3.1 and 3.2), 4 (a multipart with 4.1 and 4.2, a message holding 4.2.1 and the
// alternative 4.2.2 with 4.2.2.1 and 4.2.2.2).
std::string RfcSectionMessage() {
  return Crlf(
      "From: Ann <ann@example.org>\n"
      "Subject: sections\n"
      "MIME-Version: 1.0\n"
      "Content-Type: MULTIPART/MIXED; boundary=\"outer\"\n"
      "\n"
      "preamble\n"
      "--outer\n"
      "Content-Type: TEXT/PLAIN; charset=us-ascii\n"
      "\n"
      "part 1\n"
      "--outer\n"
      "Content-Type: APPLICATION/OCTET-STREAM\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "AAECAw==\n"
      "--outer\n"
      "Content-Type: MESSAGE/RFC822\n"
      "\n"
      "Subject: three\n"
      "X-Spam: no\n"
      "Content-Type: MULTIPART/MIXED; boundary=m3\n"
      "\n"
      "--m3\n"
      "\n"
      "part 3.1\n"
      "--m3\n"
      "Content-Type: APPLICATION/OCTET-STREAM\n"
      "\n"
      "part 3.2\n"
      "--m3--\n"
      "--outer\n"
      "Content-Type: MULTIPART/MIXED; boundary=m4\n"
      "\n"
      "--m4\n"
      "Content-Type: IMAGE/GIF\n"
      "\n"
      "GIF89a\n"
      "--m4\n"
      "Content-Type: MESSAGE/RFC822\n"
      "\n"
      "Subject: four two\n"
      "Content-Type: MULTIPART/MIXED; boundary=m42\n"
      "\n"
      "--m42\n"
      "Content-Type: TEXT/PLAIN\n"
      "\n"
      "part 4.2.1\n"
      "--m42\n"
      "Content-Type: MULTIPART/ALTERNATIVE; boundary=alt\n"
      "\n"
      "--alt\n"
      "Content-Type: TEXT/PLAIN\n"
      "\n"
      "part 4.2.2.1\n"
      "--alt\n"
      "Content-Type: TEXT/RICHTEXT\n"
      "\n"
      "part 4.2.2.2\n"
      "--alt--\n"
      "--m42--\n"
      "--m4--\n"
      "--outer--\n"
      "epilogue\n");
}

TEST(ImapFetchRender, RfcSectionNumbering) {
  std::string m = RfcSectionMessage();
  EXPECT_EQ(Render(m, "BODY[1]"), "BODY[1] \"part 1\"");
  EXPECT_EQ(Render(m, "BODY[2]"), "BODY[2] \"AAECAw==\"");
  EXPECT_EQ(Render(m, "BODY.PEEK[3.1]"), "BODY[3.1] \"part 3.1\"");
  EXPECT_EQ(Render(m, "BODY[3.2]"), "BODY[3.2] \"part 3.2\"");
  EXPECT_EQ(Render(m, "BODY[3.HEADER]"),
            "BODY[3.HEADER] {74}\r\nSubject: three\r\nX-Spam: no\r\nContent-Type: "
            "MULTIPART/MIXED; boundary=m3\r\n\r\n");
  EXPECT_EQ(Render(m, "BODY[3.HEADER.FIELDS (subject x-spam)]"),
            "BODY[3.HEADER.FIELDS (SUBJECT X-SPAM)] {30}\r\nSubject: three\r\nX-Spam: no\r\n\r\n");
  EXPECT_EQ(Render(m, "BODY[4.1]"), "BODY[4.1] \"GIF89a\"");
  EXPECT_EQ(Render(m, "BODY[4.1.MIME]"), "BODY[4.1.MIME] {27}\r\nContent-Type: IMAGE/GIF\r\n\r\n");
  EXPECT_EQ(Render(m, "BODY[4.2.HEADER.FIELDS (SUBJECT)]"),
            "BODY[4.2.HEADER.FIELDS (SUBJECT)] {21}\r\nSubject: four two\r\n\r\n");
  EXPECT_EQ(Render(m, "BODY[4.2.1]"), "BODY[4.2.1] \"part 4.2.1\"");
  EXPECT_EQ(Render(m, "BODY[4.2.2.1]"), "BODY[4.2.2.1] \"part 4.2.2.1\"");
  EXPECT_EQ(Render(m, "BODY[4.2.2.2]"), "BODY[4.2.2.2] \"part 4.2.2.2\"");
  std::string text = Render(m, "BODY[4.2.TEXT]");
  EXPECT_TRUE(text.starts_with("BODY[4.2.TEXT] {")) << text;
  EXPECT_TRUE(text.ends_with("part 4.2.2.2\r\n--alt--\r\n--m42--")) << text;
  // A message/rfc822 part's body is the whole encapsulated message.
  std::string three = Render(m, "BODY[3]");
  EXPECT_NE(three.find("}\r\nSubject: three\r\nX-Spam"), std::string::npos) << three;
  // Parts that do not exist are empty; HEADER/TEXT only apply to messages.
  for (std::string_view s : {"5", "1.1", "4.3", "4.2.2.3", "1.HEADER", "4.TEXT", "2.1"}) {
    EXPECT_EQ(Render(m, "BODY[" + std::string(s) + "]"), "BODY[" + std::string(s) + "] \"\"");
  }
}

TEST(ImapFetchRender, WholeMessageHeaderAndText) {
  std::string m = Crlf(
      "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\n"
      "From: Terry Gray <gray@cac.washington.edu>\n"
      "Subject: IMAP4rev1 WG mtg\n"
      " summary and minutes\n"
      "To: imap@cac.washington.edu\n"
      "\n"
      "Hello\n");
  size_t header_size = m.find("\r\n\r\n") + 4;
  EXPECT_EQ(Render(m, "BODY[]"), "BODY[] {" + std::to_string(m.size()) + "}\r\n" + m);
  EXPECT_EQ(Render(m, "RFC822"), "RFC822 {" + std::to_string(m.size()) + "}\r\n" + m);
  EXPECT_EQ(Render(m, "BODY[HEADER]"),
            "BODY[HEADER] {" + std::to_string(header_size) + "}\r\n" + m.substr(0, header_size));
  EXPECT_EQ(Render(m, "RFC822.HEADER"),
            "RFC822.HEADER {" + std::to_string(header_size) + "}\r\n" + m.substr(0, header_size));
  EXPECT_EQ(Render(m, "BODY[TEXT]"), "BODY[TEXT] {7}\r\nHello\r\n");
  EXPECT_EQ(Render(m, "RFC822.TEXT"), "RFC822.TEXT {7}\r\nHello\r\n");
  // Part 1 of a single-part message is its body; its MIME header is the message's header.
  EXPECT_EQ(Render(m, "BODY[1]"), "BODY[1] {7}\r\nHello\r\n");
  EXPECT_EQ(Render(m, "BODY[1.MIME]"),
            "BODY[1.MIME] {" + std::to_string(header_size) + "}\r\n" + m.substr(0, header_size));
  EXPECT_EQ(Render(m, "BODY[2]"), "BODY[2] \"\"");
  // HEADER.FIELDS keeps folding, matches names in any case, ends with the empty line; NOT
  // keeps the others.
  EXPECT_EQ(Render(m, "BODY.PEEK[HEADER.FIELDS (SUBJECT to)]"),
            "BODY[HEADER.FIELDS (SUBJECT TO)] {80}\r\nSubject: IMAP4rev1 WG mtg\r\n summary and "
            "minutes\r\nTo: imap@cac.washington.edu\r\n\r\n");
  EXPECT_EQ(Render(m, "BODY[HEADER.FIELDS.NOT (Date From Subject)]"),
            "BODY[HEADER.FIELDS.NOT (DATE FROM SUBJECT)] {31}\r\nTo: imap@cac.washington.edu\r\n"
            "\r\n");
  EXPECT_EQ(Render(m, "BODY[HEADER.FIELDS (X-NONE)]"), "BODY[HEADER.FIELDS (X-NONE)] {2}\r\n\r\n");
}

TEST(ImapFetchRender, Partials) {
  std::string m = Crlf("Subject: p\n\n0123456789\n");
  EXPECT_EQ(Render(m, "BODY[TEXT]<0.4>"), "BODY[TEXT]<0> \"0123\"");
  EXPECT_EQ(Render(m, "BODY[TEXT]<8.100>"), "BODY[TEXT]<8> {4}\r\n89\r\n");
  EXPECT_EQ(Render(m, "BODY[TEXT]<12.1>"), "BODY[TEXT]<12> \"\"");
  EXPECT_EQ(Render(m, "BODY[TEXT]<4000000000.1>"), "BODY[TEXT]<4000000000> \"\"");
  EXPECT_EQ(Render(m, "BODY.PEEK[]<0.9>"), "BODY[]<0> \"Subject: \"");
  EXPECT_EQ(Render(m, "BODY[1]<2.3>"), "BODY[1]<2> \"234\"");
  EXPECT_EQ(Render(m, "BINARY[1]<1.2>"), "BINARY[1]<1> \"12\"");
}

TEST(ImapFetchRender, Binary) {
  std::string m = RfcSectionMessage();
  EXPECT_EQ(Render(m, "BINARY[2]"), std::string("BINARY[2] ~{4}\r\n\0\1\2\3", 20));
  EXPECT_EQ(Render(m, "BINARY.SIZE[2]"), "BINARY.SIZE[2] 4");
  EXPECT_EQ(Render(m, "BINARY.PEEK[1]"), "BINARY[1] \"part 1\"");
  EXPECT_EQ(Render(m, "BINARY[9]"), "BINARY[9] \"\"");
  EXPECT_EQ(Render(m, "BINARY.SIZE[9]"), "BINARY.SIZE[9] 0");
  std::string qp = Crlf(
      "Content-Type: text/plain; charset=iso-8859-1\n"
      "Content-Transfer-Encoding: Quoted-Printable\n"
      "\n"
      "caf=E9 =\n"
      "au lait=3D\n");
  EXPECT_EQ(Render(qp, "BINARY[1]"), "BINARY[1] {15}\r\ncaf\xE9 au lait=\r\n");
  EXPECT_EQ(Render(qp, "BINARY.SIZE[1]"), "BINARY.SIZE[1] 15");
  std::string odd = Crlf("Content-Transfer-Encoding: x-uuencode\n\nbegin 644 x\n");
  FetchArgs args = ParseArgs<FetchArgs>("a FETCH 1 (BINARY[1] BINARY.SIZE[1] BODY[1])\r\n");
  MessageView view(odd);
  std::string out;
  EXPECT_EQ(AppendBodyItem(args.attrs[0], view, {}, &out), RenderOutcome::kUnknownCte);
  EXPECT_EQ(AppendBodyItem(args.attrs[1], view, {}, &out), RenderOutcome::kUnknownCte);
  EXPECT_EQ(out, "");
  EXPECT_EQ(AppendBodyItem(args.attrs[2], view, {}, &out), RenderOutcome::kOk);
  EXPECT_EQ(out, "BODY[1] {13}\r\nbegin 644 x\r\n");
}

TEST(ImapFetchRender, EnvelopeAndStructure) {
  std::string m = Crlf(
      "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\n"
      "From: Terry Gray <gray@cac.washington.edu>\n"
      "Subject: =?utf-8?q?caf=C3=A9?=\n"
      "Message-Id: <B27397-0100000@cac.washington.edu>\n"
      "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\n"
      "\n"
      "x\n");
  EXPECT_EQ(Render(m, "ENVELOPE"),
            "ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"=?utf-8?q?caf=C3=A9?=\" "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) NIL NIL NIL NIL "
            "\"<B27397-0100000@cac.washington.edu>\")");
  EXPECT_EQ(Render(m, "BODY"),
            "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL "
            "\"7BIT\" 3 1)");
  EXPECT_EQ(Render(m, "BODYSTRUCTURE"),
            "BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" "
            "\"US-ASCII\") NIL NIL \"7BIT\" 3 1 NIL NIL NIL NIL)");
  std::string nested = Render(RfcSectionMessage(), "BODYSTRUCTURE");
  EXPECT_TRUE(nested.starts_with("BODYSTRUCTURE ((\"TEXT\" \"PLAIN\"")) << nested;
  EXPECT_NE(nested.find("\"ALTERNATIVE\""), std::string::npos) << nested;
}

TEST(ImapFetchRender, Preview) {
  std::string m = Crlf(
      "Subject: p\n"
      "Content-Type: multipart/alternative; boundary=b\n"
      "\n"
      "--b\n"
      "Content-Type: text/html\n"
      "\n"
      "<p>html</p>\n"
      "--b\n"
      "Content-Type: text/plain; charset=iso-8859-1\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "\n"
      "  Caf=E9\t\n"
      "\n"
      "  au   lait  \n"
      "--b--\n");
  EXPECT_EQ(Render(m, "PREVIEW"), "PREVIEW {13}\r\nCaf\xC3\xA9 au lait");
  EXPECT_EQ(Render(m, "PREVIEW", {.utf8 = true}), "PREVIEW \"Caf\xC3\xA9 au lait\"");
  std::string html = Crlf(
      "Content-Type: text/html\n\n<html><head><style>p {x}</style></head><body><p>Hi &amp; "
      "bye</p></body></html>\n");
  EXPECT_EQ(Render(html, "PREVIEW"), "PREVIEW \"Hi & bye\"");
  std::string attachment =
      Crlf("Content-Type: text/plain\nContent-Disposition: attachment; filename=a.txt\n\nno\n");
  EXPECT_EQ(Render(attachment, "PREVIEW"), "PREVIEW \"\"");
  std::string longer = "Subject: l\r\n\r\n";
  for (int i = 0; i < 100; ++i) longer += "word\xC3\xA9 ";
  std::string p = Render(longer, "PREVIEW", {.utf8 = true});
  // 256 characters: 42 "wordé " (6 characters each) then "word".
  std::string expected;
  for (int i = 0; i < 42; ++i) expected += "word\xC3\xA9 ";
  expected += "word";
  EXPECT_EQ(p, "PREVIEW \"" + expected + "\"");
}

TEST(ImapFetchRender, BrokenMime) {
  // A multipart without a boundary shows one empty part; its part 1 does not exist.
  std::string m = Crlf("Content-Type: multipart/mixed\n\n--x\n\nbody\n");
  EXPECT_EQ(Render(m, "BODY[1]"), "BODY[1] \"\"");
  EXPECT_EQ(Render(m, "BODY[TEXT]"), "BODY[TEXT] {13}\r\n--x\r\n\r\nbody\r\n");
  // No empty line: everything is header, the text is empty.
  std::string headers_only = "Subject: x\r\nFrom: y";
  EXPECT_EQ(Render(headers_only, "BODY[TEXT]"), "BODY[TEXT] \"\"");
  // ... and its header fetches have no blank line (RFC 9051 §6.4.5).
  EXPECT_EQ(Render(headers_only, "BODY[HEADER.FIELDS (FROM)]"),
            "BODY[HEADER.FIELDS (FROM)] \"From: y\"");
  EXPECT_EQ(Render(headers_only, "BODY[HEADER.FIELDS (SUBJECT)]"),
            "BODY[HEADER.FIELDS (SUBJECT)] {12}\r\nSubject: x\r\n");
  EXPECT_EQ(Render("A: 1\nB: 2\n\nbody", "BODY[HEADER.FIELDS.NOT (A)]"),
            "BODY[HEADER.FIELDS.NOT (A)] {6}\r\nB: 2\n\n");
  // Bare LF line ends are served as stored.
  EXPECT_EQ(Render("Subject: x\n\nhi\n", "BODY[TEXT] BODY[HEADER]"),
            "BODY[TEXT] {3}\r\nhi\n BODY[HEADER] {12}\r\nSubject: x\n\n");
  // NUL in a body: a plain literal (never literal8 outside BINARY).
  std::string nul("Subject: n\r\n\r\na\0b", 17);
  EXPECT_EQ(Render(nul, "BODY[TEXT]"), std::string("BODY[TEXT] {3}\r\na\0b", 19));
  EXPECT_EQ(Render(nul, "BINARY[1]"), std::string("BINARY[1] ~{3}\r\na\0b", 19));
}

TEST(ImapFetchRender, NeedsBytes) {
  FetchArgs args = ParseArgs<FetchArgs>(
      "a FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE UID MODSEQ EMAILID THREADID SAVEDATE)\r\n");
  for (const FetchAttr& a : args.attrs) EXPECT_FALSE(NeedsBytes(a));
}

TEST(ImapFetchRender, FindPart) {
  std::string m = RfcSectionMessage();
  mime::ParsedMessage tree = mime::ParseMessage(m);
  EXPECT_EQ(FindPart(tree, {}), 0u);
  EXPECT_FALSE(FindPart(tree, {0}));
  EXPECT_FALSE(FindPart(tree, {4, 2, 2, 1, 1}));
  ASSERT_TRUE(FindPart(tree, {4, 2}));
  EXPECT_TRUE(tree[*FindPart(tree, {4, 2})].IsMessage());
  EXPECT_EQ(FindMessage(tree, {4, 2}), tree[*FindPart(tree, {4, 2})].message);
  EXPECT_FALSE(FindMessage(tree, {4, 1}));
}

}  // namespace
}  // namespace ringmail::imap
