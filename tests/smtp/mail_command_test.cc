// MAIL and RCPT through ParseCommand: paths, the address tricks used against relays, and
// ESMTP parameters.
#include <gtest/gtest.h>

#include <string>

#include "smtp/command_parser.h"
#include "smtp/smtp_test_util.h"
#include "smtp/xtext.h"

namespace ringmail::smtp {
namespace {

TEST(SmtpMailCommand, Paths) {
  SmtpCommand mail = Ok("MAIL FROM:<Alice@Example.ORG>");
  EXPECT_EQ(mail.verb, SmtpVerb::kMail);
  EXPECT_EQ(mail.path.kind, SmtpPath::Kind::kMailbox);
  EXPECT_EQ(mail.path.address.local, "Alice");
  EXPECT_EQ(mail.path.address.domain, "example.org");
  EXPECT_EQ(Ok("mail from:<>").path.kind, SmtpPath::Kind::kNull);
  SmtpCommand rcpt = Ok("RCPT TO:<bob@example.org>");
  EXPECT_EQ(rcpt.verb, SmtpVerb::kRcpt);
  EXPECT_EQ(rcpt.path.address.local, "bob");
  EXPECT_EQ(Ok("RCPT TO:<Postmaster>").path.kind, SmtpPath::Kind::kPostmaster);
  EXPECT_EQ(Ok("RCPT TO:<POSTMASTER>").path.kind, SmtpPath::Kind::kPostmaster);
  EXPECT_EQ(Ok("RCPT TO:<postmaster@example.org>").path.kind, SmtpPath::Kind::kMailbox);
  EXPECT_EQ(Fails("RCPT TO:<>"), replies::kBadRecipient);
  EXPECT_EQ(Fails("MAIL FROM:<postmaster>"), replies::kBadSender);
}

TEST(SmtpMailCommand, TolerancesAndStrictness) {
  EXPECT_EQ(Ok("MAIL FROM: <a@b.example>").path.address.local, "a");  // space after colon
  EXPECT_EQ(Ok("RCPT TO:  <a@b.example>  ").path.address.local, "a");
  EXPECT_EQ(Fails("MAIL FROM :<a@b.example>"), replies::kBadPath);
  EXPECT_EQ(Fails("MAIL FROM:a@b.example"), replies::kBadPath);  // no brackets
  EXPECT_EQ(Fails("MAIL FROM:<a@b.example"), replies::kBadPath);
  EXPECT_EQ(Fails("MAIL FROM:<a@b.example>SIZE=1"), replies::kBadPath);
  EXPECT_EQ(Fails("MAIL TO:<a@b.example>"), replies::kBadPath);
  EXPECT_EQ(Fails("RCPT FROM:<a@b.example>"), replies::kBadPath);
  EXPECT_EQ(Fails("MAIL"), replies::kBadPath);
  EXPECT_EQ(Fails("MAIL FROM:<a@b.example>\tSIZE=1"), replies::kBadCharacter);
}

TEST(SmtpMailCommand, RelayTricksParseAsWhatTheyAre) {
  // The percent hack is a local part with a '%', at our domain: never routed.
  SmtpCommand percent = Ok("RCPT TO:<user%other.example@ours.example>");
  EXPECT_EQ(percent.path.address.local, "user%other.example");
  EXPECT_EQ(percent.path.address.domain, "ours.example");
  // A quoted '@' is part of the local part.
  SmtpCommand quoted = Ok("RCPT TO:<\"a@b.example\"@ours.example>");
  EXPECT_EQ(quoted.path.address.local, "a@b.example");
  EXPECT_EQ(quoted.path.address.domain, "ours.example");
  SmtpCommand bracket = Ok("RCPT TO:<\"a>b\"@ours.example>");
  EXPECT_EQ(bracket.path.address.local, "a>b");
  // Two '@': not a mailbox.
  EXPECT_EQ(Fails("RCPT TO:<user@ours.example@evil.example>"), replies::kBadRecipient);
  EXPECT_EQ(Fails("RCPT TO:<user@evil.example>@ours.example"), replies::kBadPath);
  // Source routes are dropped: the mailbox is what is delivered to.
  SmtpCommand route = Ok("RCPT TO:<@relay.example,@hop.example:user@final.example>");
  EXPECT_TRUE(route.path.source_route);
  EXPECT_EQ(route.path.address.local, "user");
  EXPECT_EQ(route.path.address.domain, "final.example");
  EXPECT_TRUE(Ok("MAIL FROM:<@a.example:u@b.example>").path.source_route);
  EXPECT_EQ(Fails("RCPT TO:<@relay.example:>"), replies::kBadRecipient);
  EXPECT_EQ(Fails("RCPT TO:<@:user@final.example>"), replies::kBadRecipient);
  EXPECT_EQ(Fails("RCPT TO:<@relay.example,hop.example:u@x.example>"), replies::kBadRecipient);
  EXPECT_EQ(Fails("RCPT TO:<@relay.example:Postmaster>"), replies::kBadRecipient);
  // Bang paths and address literals.
  EXPECT_EQ(Ok("RCPT TO:<evil.example!user@ours.example>").path.address.local, "evil.example!user");
  EXPECT_EQ(Fails("RCPT TO:<user@[192.0.2.1]>"), replies::kBadRecipient);
  EXPECT_EQ(Fails("RCPT TO:<user>"), replies::kBadRecipient);
  EXPECT_EQ(Fails("RCPT TO:<user@>"), replies::kBadRecipient);
  EXPECT_EQ(Fails("RCPT TO:<@ours.example>"), replies::kBadRecipient);
}

TEST(SmtpMailCommand, NoInjectionThroughAddresses) {
  EXPECT_EQ(Fails("RCPT TO:<a\r\nRCPT TO:<b@x.example>"), replies::kBadCharacter);
  EXPECT_EQ(Fails("MAIL FROM:<a\n@x.example>"), replies::kBadCharacter);
  EXPECT_EQ(Fails("RCPT TO:<\"a\rb\"@x.example>"), replies::kBadCharacter);
  EXPECT_EQ(Fails(std::string("RCPT TO:<a\0b@x.example>", 23)), replies::kBadCharacter);
  // xtext that decodes to CR LF is refused, so it never reaches a DSN or a header.
  EXPECT_EQ(Fails("MAIL FROM:<a@x.example> ENVID=a+0D+0ABcc:x"), replies::kBadParameter);
  EXPECT_EQ(Fails("RCPT TO:<a@x.example> ORCPT=rfc822;a+0D+0A@x.example"), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<a@x.example> AUTH=a+00@x.example"), replies::kBadParameter);
  EXPECT_EQ(Fails("RCPT TO:<a@x.example> ORCPT=utf-8;a\\x{D}@x.example"), replies::kBadParameter);
}

TEST(SmtpMailCommand, Limits) {
  std::string local64(64, 'l');
  EXPECT_EQ(Ok("RCPT TO:<" + local64 + "@x.example>").path.address.local, local64);
  EXPECT_EQ(Fails("RCPT TO:<" + local64 + "l@x.example>"), replies::kBadRecipient);
  EXPECT_EQ(Fails("MAIL FROM:<" + local64 + "l@x.example>"), replies::kBadSender);
  // A path of 257 octets with its brackets (a source route makes it long).
  std::string route = "@" + std::string(60, 'r') + ".example";
  std::string path = "<" + route + "," + route + "," + route + "," + route + ":a@b.example>";
  ASSERT_GT(path.size(), kPathSizeMax);
  EXPECT_EQ(Fails("RCPT TO:" + path), replies::kBadRecipient);
}

TEST(SmtpMailCommand, Utf8NeedsSmtpUtf8) {
  SmtpCommand mail = Ok("MAIL FROM:<jörg@bücher.example> SMTPUTF8");
  EXPECT_TRUE(mail.path.utf8);
  EXPECT_TRUE(mail.mail.smtputf8);
  EXPECT_EQ(mail.path.address.local, "jörg");
  EXPECT_EQ(mail.path.address.domain, "xn--bcher-kva.example");
  EXPECT_EQ(Fails("MAIL FROM:<jörg@example.org>"), replies::kNonAsciiAddress);
  EXPECT_EQ(Fails("RCPT TO:<用户@例子.example>"), replies::kNonAsciiAddress);
  CommandContext utf8;
  utf8.smtputf8 = true;
  EXPECT_TRUE(Ok("RCPT TO:<用户@例子.example>", utf8).path.utf8);
  EXPECT_EQ(Fails("RCPT TO:<a\xff@x.example>", utf8), replies::kBadRecipient);
  CommandContext no_utf8_ext;
  no_utf8_ext.extensions = kAllExtensions & ~kExtSmtpUtf8;
  EXPECT_EQ(Fails("MAIL FROM:<a@x.example> SMTPUTF8", no_utf8_ext), replies::kUnknownParameter);
}

TEST(SmtpMailCommand, MailParameters) {
  SmtpCommand c =
      Ok("MAIL FROM:<a@x.example> size=12345 BODY=8bitmime RET=HDRS ENVID=QQ314159+2Bx "
         "AUTH=a+2Bb@x.example REQUIRETLS");
  EXPECT_EQ(c.mail.size, 12345u);
  EXPECT_EQ(c.mail.body, BodyType::k8BitMime);
  EXPECT_EQ(c.mail.ret, DsnRet::kHdrs);
  EXPECT_EQ(c.mail.envid, "QQ314159+x");
  EXPECT_EQ(c.mail.auth, "a+b@x.example");
  EXPECT_TRUE(c.mail.requiretls);
  EXPECT_FALSE(c.mail.smtputf8);
  EXPECT_EQ(Ok("MAIL FROM:<> AUTH=<>").mail.auth, "<>");
  EXPECT_EQ(Ok("MAIL FROM:<> BODY=7BIT").mail.body, BodyType::k7Bit);
  EXPECT_EQ(Ok("MAIL FROM:<> BODY=BINARYMIME").mail.body, BodyType::kBinaryMime);
  EXPECT_EQ(Ok("MAIL FROM:<> RET=full").mail.ret, DsnRet::kFull);
  EXPECT_EQ(Ok("MAIL FROM:<> SIZE=0").mail.size, 0u);
  EXPECT_EQ(Ok("MAIL FROM:<> SIZE=99999999999999999999").mail.size, UINT64_MAX);
  EXPECT_FALSE(Ok("MAIL FROM:<>").mail.size.has_value());
}

TEST(SmtpMailCommand, MailParameterErrors) {
  EXPECT_EQ(Fails("MAIL FROM:<> SIZE="), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> SIZE"), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> SIZE=12a"), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> SIZE=-1"), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> SIZE=123456789012345678901"), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> SIZE=1 SIZE=2"), replies::kDuplicateParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> BODY=9BIT"), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> SMTPUTF8=yes"), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> REQUIRETLS=1"), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> RET=ALL"), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> ENVID=" + std::string(101, 'e')), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> ENVID=a+2"), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> ENVID=a+ZZ"), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> AUTH="), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> X-FOO=bar"), replies::kUnknownParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> NOTIFY=NEVER"), replies::kUnknownParameter);  // RCPT's
  EXPECT_EQ(Fails("MAIL FROM:<> -SIZE=1"), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> =1"), replies::kBadParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> SIZE=1=2"), replies::kBadParameter);
  // A parameter of a disabled extension is unknown (RFC 1869 §6).
  CommandContext plain;
  plain.extensions = kExtSize | kExt8BitMime;
  EXPECT_EQ(Fails("MAIL FROM:<> REQUIRETLS", plain), replies::kUnknownParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> RET=FULL", plain), replies::kUnknownParameter);
  EXPECT_EQ(Fails("MAIL FROM:<> BODY=BINARYMIME", plain), replies::kUnknownParameter);
  EXPECT_EQ(Ok("MAIL FROM:<> BODY=8BITMIME", plain).mail.body, BodyType::k8BitMime);
}

TEST(SmtpMailCommand, RcptParameters) {
  SmtpCommand c = Ok("RCPT TO:<b@x.example> NOTIFY=SUCCESS,delay ORCPT=rfc822;b+2Bx@x.example");
  EXPECT_EQ(c.rcpt.notify, kNotifySuccess | kNotifyDelay);
  EXPECT_EQ(c.rcpt.orcpt_type, "rfc822");
  EXPECT_EQ(c.rcpt.orcpt_raw, "b+2Bx@x.example");
  EXPECT_EQ(c.rcpt.orcpt_address, "b+x@x.example");
  EXPECT_EQ(Ok("RCPT TO:<b@x.example> NOTIFY=NEVER").rcpt.notify, kNotifyNever);
  SmtpCommand utf8 = Ok("RCPT TO:<b@x.example> ORCPT=UTF-8;j\\x{F6}rg@x.example");
  EXPECT_EQ(utf8.rcpt.orcpt_type, "utf-8");
  EXPECT_EQ(utf8.rcpt.orcpt_address, "jörg@x.example");
  EXPECT_EQ(Fails("RCPT TO:<b@x.example> NOTIFY=NEVER,SUCCESS"), replies::kBadParameter);
  EXPECT_EQ(Fails("RCPT TO:<b@x.example> NOTIFY=SUCCESS,SUCCESS"), replies::kBadParameter);
  EXPECT_EQ(Fails("RCPT TO:<b@x.example> NOTIFY=SUCCESS,"), replies::kBadParameter);
  EXPECT_EQ(Fails("RCPT TO:<b@x.example> NOTIFY=ALWAYS"), replies::kBadParameter);
  EXPECT_EQ(Fails("RCPT TO:<b@x.example> NOTIFY"), replies::kBadParameter);
  EXPECT_EQ(Fails("RCPT TO:<b@x.example> ORCPT=b@x.example"), replies::kBadParameter);
  EXPECT_EQ(Fails("RCPT TO:<b@x.example> ORCPT=;b@x.example"), replies::kBadParameter);
  EXPECT_EQ(Fails("RCPT TO:<b@x.example> ORCPT=rfc822;"), replies::kBadParameter);
  EXPECT_EQ(Fails("RCPT TO:<b@x.example> ORCPT=rfc822;" + std::string(500, 'o')),
            replies::kBadParameter);
  EXPECT_EQ(Fails("RCPT TO:<b@x.example> NOTIFY=NEVER NOTIFY=NEVER"), replies::kDuplicateParameter);
  EXPECT_EQ(Fails("RCPT TO:<b@x.example> SIZE=1"), replies::kUnknownParameter);
  CommandContext no_dsn;
  no_dsn.extensions = kAllExtensions & ~kExtDsn;
  EXPECT_EQ(Fails("RCPT TO:<b@x.example> NOTIFY=NEVER", no_dsn), replies::kUnknownParameter);
}

TEST(SmtpXtext, RoundTripAndErrors) {
  EXPECT_EQ(XtextDecode("a+2Bb+3D+20c"), "a+b= c");
  EXPECT_EQ(XtextDecode("a+2bb"), "a+b");  // lower-case hex tolerated
  EXPECT_EQ(XtextEncode("a+b= c\r\n"), "a+2Bb+3D+20c+0D+0A");
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(XtextDecode(XtextEncode(all)), all);
  EXPECT_FALSE(XtextDecode("a+").has_value());
  EXPECT_FALSE(XtextDecode("a+4").has_value());
  EXPECT_FALSE(XtextDecode("a=b").has_value());
  EXPECT_FALSE(XtextDecode("a b").has_value());
  EXPECT_EQ(Utf8AddrXtextDecode("\\x{1F600}@\\x{e9}"), "\xF0\x9F\x98\x80@\xC3\xA9");
  EXPECT_FALSE(Utf8AddrXtextDecode("\\x{D800}").has_value());
  EXPECT_FALSE(Utf8AddrXtextDecode("\\x{110000}").has_value());
  EXPECT_FALSE(Utf8AddrXtextDecode("\\x{}").has_value());
  EXPECT_FALSE(Utf8AddrXtextDecode("\\x{41").has_value());
  EXPECT_FALSE(Utf8AddrXtextDecode("a+b").has_value());
}

}  // namespace
}  // namespace ringmail::smtp
