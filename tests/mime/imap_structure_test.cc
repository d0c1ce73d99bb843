// ENVELOPE and BODYSTRUCTURE in IMAP syntax (RFC 9051 §7.5.2).
#include <gtest/gtest.h>

#include <string>

#include "mime/bodystructure.h"
#include "mime/envelope.h"
#include "mime/imap_string.h"
#include "mime/message_parser.h"

namespace ringmail::mime {
namespace {

// The message of RFC 9051 §7.5.2's (and RFC 3501 §7.4.2's) FETCH example: its ENVELOPE and
// BODY are the published ones, and the body is 92 lines of 3028 octets.
std::string RfcExampleMessage() {
  std::string m =
      "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n"
      "From: Terry Gray <gray@cac.washington.edu>\r\n"
      "Subject: IMAP4rev1 WG mtg summary and minutes\r\n"
      "To: imap@cac.washington.edu\r\n"
      "cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n"
      "Message-Id: <B27397-0100000@cac.washington.edu>\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
      "\r\n";
  for (int i = 0; i < 91; ++i) m += std::string(31, 'x') + "\r\n";
  m += std::string(23, 'y') + "\r\n";
  return m;
}

TEST(MimeEnvelope, RfcExample) {
  std::string data = RfcExampleMessage();
  ParsedMessage m = ParseMessage(data);
  EXPECT_EQ(WriteEnvelope(ParseEnvelope(m.root().header.In(data))),
            "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            "((NIL NIL \"imap\" \"cac.washington.edu\")) "
            "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")"
            "(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
            "\"<B27397-0100000@cac.washington.edu>\")");
  EXPECT_EQ(WriteBodyStructure(data, m, false),
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92)");
  EXPECT_EQ(WriteBodyStructure(data, m, true),
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92 NIL NIL NIL "
            "NIL)");
}

TEST(MimeEnvelope, GroupsSenderAndStrings) {
  std::string header =
      "From: \"A \\\"q\\\" B\" <a@x>\r\n"
      "Sender:\r\n"
      "Reply-To: r@x\r\n"
      "To: undisclosed-recipients:;\r\n"
      "Bcc: nodomain\r\n"
      "Subject: caf\xC3\xA9\r\n"
      "\r\n";
  EXPECT_EQ(WriteEnvelope(ParseEnvelope(header)),
            "(NIL {5}\r\ncaf\xC3\xA9 "
            "((\"A \\\"q\\\" B\" NIL \"a\" \"x\")) ((\"A \\\"q\\\" B\" NIL \"a\" \"x\")) "
            "((NIL NIL \"r\" \"x\")) ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) "
            "NIL ((NIL NIL \"nodomain\" \"MISSING_DOMAIN\")) NIL NIL)");
  EXPECT_EQ(WriteEnvelope(ParseEnvelope(header), true).substr(0, 12), "(NIL \"caf\xC3\xA9\"");
  EXPECT_EQ(WriteEnvelope(ParseEnvelope("")), "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
}

TEST(MimeEnvelope, ImapStrings) {
  std::string out;
  AppendImapString(out, "a\"b\\c");
  AppendImapNString(out, std::nullopt);
  AppendImapString(out, std::string("x\0y\r\n", 5));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\"NIL\"x y  \"");
}

constexpr std::string_view kMixed =
    "From: a@b\r\n"
    "Subject: nested\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "Content-Language: en\r\n"
    "\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=inner\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "caf=C3=A9\r\n"
    "--inner\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    "<p>hi</p>\r\n"
    "--inner--\r\n"
    "--outer\r\n"
    "Content-Type: message/rfc822\r\n"
    "Content-Description: forwarded\r\n"
    "\r\n"
    "From: Fred <fred@x>\r\n"
    "Subject: fwd\r\n"
    "\r\n"
    "inside\r\n"
    "--outer\r\n"
    "Content-Type: application/pdf; name=\"r.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf\r\n"
    "Content-Language: en, fr\r\n"
    "Content-Location: http://x/r.pdf\r\n"
    "Content-ID: <r@x>\r\n"
    "Content-MD5: abc=\r\n"
    "\r\n"
    "JVBERi0=\r\n"
    "--outer--\r\n";

TEST(MimeBodyStructure, NestedExtended) {
  ParsedMessage m = ParseMessage(kMixed);
  EXPECT_EQ(
      WriteBodyStructure(kMixed, m, true),
      "(((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 9 1 NIL NIL NIL "
      "NIL)"
      "(\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 9 1 NIL NIL NIL NIL) "
      "\"ALTERNATIVE\" (\"BOUNDARY\" \"inner\") NIL NIL NIL)"
      "(\"MESSAGE\" \"RFC822\" NIL NIL \"forwarded\" \"7BIT\" 43 "
      "(NIL \"fwd\" ((\"Fred\" NIL \"fred\" \"x\")) ((\"Fred\" NIL \"fred\" \"x\")) "
      "((\"Fred\" NIL \"fred\" \"x\")) NIL NIL NIL NIL NIL) "
      "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 6 1 NIL NIL NIL NIL) 4 "
      "NIL NIL NIL NIL)"
      "(\"APPLICATION\" \"PDF\" (\"NAME\" \"r.pdf\") \"<r@x>\" NIL \"BASE64\" 8 \"abc=\" "
      "(\"ATTACHMENT\" (\"FILENAME*\" \"utf-8''r%C3%A9sum%C3%A9.pdf\")) (\"en\" \"fr\") "
      "\"http://x/r.pdf\") "
      "\"MIXED\" (\"BOUNDARY\" \"outer\") NIL \"en\" NIL)");
  EXPECT_EQ(WriteBodyStructure(kMixed, m, false),
            "(((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 9 1)"
            "(\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 9 1) \"ALTERNATIVE\")"
            "(\"MESSAGE\" \"RFC822\" NIL NIL \"forwarded\" \"7BIT\" 43 "
            "(NIL \"fwd\" ((\"Fred\" NIL \"fred\" \"x\")) ((\"Fred\" NIL \"fred\" \"x\")) "
            "((\"Fred\" NIL \"fred\" \"x\")) NIL NIL NIL NIL NIL) "
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 6 1) 4)"
            "(\"APPLICATION\" \"PDF\" (\"NAME\" \"r.pdf\") \"<r@x>\" NIL \"BASE64\" 8) \"MIXED\")");
}

TEST(MimeBodyStructure, BrokenStillValid) {
  std::string data = "Content-Type: multipart/mixed\r\n\r\nno parts\r\n";
  EXPECT_EQ(WriteBodyStructure(data, ParseMessage(data), true),
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0) \"MIXED\" NIL "
            "NIL NIL NIL)");
  std::string deep;
  for (size_t i = 0; i < kDepthMax + 1; ++i) deep += "Content-Type: message/rfc822\r\n\r\n";
  std::string bs = WriteBodyStructure(deep, ParseMessage(deep), false);
  EXPECT_NE(bs.find("(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"7BIT\" "), bs.npos);
  // An ASCII RFC 2231 value goes under its plain name.
  data = "Content-Type: text/plain; name*0=a; name*1*=%62\r\n\r\n";
  EXPECT_EQ(WriteBodyStructure(data, ParseMessage(data), false),
            "(\"TEXT\" \"PLAIN\" (\"NAME\" \"ab\") NIL NIL \"7BIT\" 0 0)");
}

}  // namespace
}  // namespace ringmail::mime
