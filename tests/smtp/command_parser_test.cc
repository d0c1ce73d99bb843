#include "smtp/command_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "smtp/smtp_test_util.h"

namespace ringmail::smtp {
namespace {

TEST(SmtpCommand, HeloEhloLhlo) {
  SmtpCommand c = Ok("EHLO mail.example.org");
  EXPECT_EQ(c.verb, SmtpVerb::kEhlo);
  EXPECT_EQ(c.helo, "mail.example.org");
  EXPECT_TRUE(c.helo_valid);
  EXPECT_EQ(Ok("helo Mail.Example.ORG").verb, SmtpVerb::kHelo);
  EXPECT_EQ(Ok("LHLO client.example").verb, SmtpVerb::kLhlo);
  EXPECT_TRUE(Ok("EHLO [192.0.2.1]").helo_valid);
  EXPECT_TRUE(Ok("EHLO [IPv6:2001:db8::1]").helo_valid);
  EXPECT_TRUE(Ok("EHLO [x-tag:some-content]").helo_valid);
  EXPECT_TRUE(Ok("EHLO bücher.example").helo_valid);
  // Accepted (real clients send them) but flagged for the session's policy.
  EXPECT_FALSE(Ok("EHLO my_pc").helo_valid);
  EXPECT_FALSE(Ok("EHLO [192.0.2.300]").helo_valid);
  EXPECT_FALSE(Ok("EHLO [IPv6:zz]").helo_valid);
  EXPECT_FALSE(Ok("EHLO [1.2.3.4").helo_valid);
  // Words after the domain are ignored; trailing spaces too.
  SmtpCommand extra = Ok("HELO host.example (comment) ");
  EXPECT_EQ(extra.helo, "host.example");
  EXPECT_EQ(Fails("EHLO"), replies::kDomainRequired);
  EXPECT_EQ(Fails("EHLO   "), replies::kDomainRequired);
  EXPECT_EQ(Fails("EHLO " + std::string(256, 'a')), replies::kBadArguments);
}

TEST(SmtpCommand, CommandsWithoutArguments) {
  EXPECT_EQ(Ok("DATA").verb, SmtpVerb::kData);
  EXPECT_EQ(Ok("rset").verb, SmtpVerb::kRset);
  EXPECT_EQ(Ok("Quit").verb, SmtpVerb::kQuit);
  EXPECT_EQ(Ok("STARTTLS").verb, SmtpVerb::kStarttls);
  EXPECT_EQ(Ok("QUIT ").verb, SmtpVerb::kQuit);
  EXPECT_EQ(Fails("DATA now"), replies::kNoArgumentsAllowed);
  EXPECT_EQ(Fails("STARTTLS x"), replies::kNoArgumentsAllowed);
  EXPECT_EQ(Fails("RSET 1"), replies::kNoArgumentsAllowed);
}

TEST(SmtpCommand, TextArguments) {
  EXPECT_EQ(Ok("NOOP").argument, "");
  EXPECT_EQ(Ok("NOOP anything at all").argument, "anything at all");
  EXPECT_EQ(Ok("HELP").verb, SmtpVerb::kHelp);
  EXPECT_EQ(Ok("HELP MAIL").argument, "MAIL");
  SmtpCommand v = Ok("VRFY  postmaster ");
  EXPECT_EQ(v.verb, SmtpVerb::kVrfy);
  EXPECT_EQ(v.argument, "postmaster");
  EXPECT_EQ(Ok("EXPN staff").verb, SmtpVerb::kExpn);
  EXPECT_EQ(Fails("VRFY"), replies::kArgumentRequired);
  EXPECT_EQ(Fails("EXPN "), replies::kArgumentRequired);
  EXPECT_EQ(Fails("VRFY " + std::string(kArgumentSizeMax + 1, 'a')), replies::kBadArguments);
}

TEST(SmtpCommand, UnknownAndMalformed) {
  EXPECT_EQ(Fails(""), replies::kSyntax);
  EXPECT_EQ(Fails(" MAIL FROM:<>"), replies::kSyntax);
  EXPECT_EQ(Fails("MAILFROM:<a@b.example>"), replies::kUnknownCommand);
  EXPECT_EQ(Fails("ETRN example.org"), replies::kUnknownCommand);
  EXPECT_EQ(Fails("GET / HTTP/1.1"), replies::kUnknownCommand);
  EXPECT_EQ(Fails("DATA\tx"), replies::kBadCharacter);
  EXPECT_EQ(Fails(std::string("NOOP \0", 6)), replies::kBadCharacter);
  EXPECT_EQ(Fails("NOOP \x7f"), replies::kBadCharacter);
  EXPECT_EQ(Fails("QUIT\r"), replies::kBadCharacter);  // a bare CR left by kNormalize
}

TEST(SmtpCommand, Bdat) {
  SmtpCommand c = Ok("BDAT 1000");
  EXPECT_EQ(c.verb, SmtpVerb::kBdat);
  EXPECT_EQ(c.bdat_size, 1000u);
  EXPECT_FALSE(c.bdat_last);
  SmtpCommand last = Ok("bdat 0 last");
  EXPECT_EQ(last.bdat_size, 0u);
  EXPECT_TRUE(last.bdat_last);
  EXPECT_EQ(Ok("BDAT 18446744073709551615 LAST").bdat_size, UINT64_MAX);
  SmtpReply bad = Fails("BDAT 18446744073709551616");
  EXPECT_EQ(bad, replies::kBadBdatSize);
  EXPECT_TRUE(bad.close);  // the chunk's bytes cannot be skipped
  EXPECT_EQ(Fails("BDAT"), replies::kBadBdatSize);
  EXPECT_EQ(Fails("BDAT -1"), replies::kBadBdatSize);
  EXPECT_EQ(Fails("BDAT 10 LAST x"), replies::kBadBdatSize);
  EXPECT_EQ(Fails("BDAT 0x10"), replies::kBadBdatSize);
  EXPECT_EQ(Fails("BDAT 10 FIRST"), replies::kBadBdatSize);
}

TEST(SmtpCommand, Auth) {
  SmtpCommand plain = Ok("AUTH plain AGFsaWNlAHNlY3JldA==");
  EXPECT_EQ(plain.verb, SmtpVerb::kAuth);
  EXPECT_EQ(plain.argument, "PLAIN");
  ASSERT_TRUE(plain.initial_response.has_value());
  EXPECT_EQ(*plain.initial_response, std::string("\0alice\0secret", 13));
  SmtpCommand empty = Ok("AUTH EXTERNAL =");
  ASSERT_TRUE(empty.initial_response.has_value());
  EXPECT_EQ(*empty.initial_response, "");
  EXPECT_FALSE(Ok("AUTH SCRAM-SHA-256").initial_response.has_value());
  EXPECT_EQ(Ok("AUTH x_oauth2").argument, "X_OAUTH2");
  EXPECT_EQ(Fails("AUTH"), replies::kMechanismRequired);
  EXPECT_EQ(Fails("AUTH PL@IN"), replies::kMechanismRequired);
  EXPECT_EQ(Fails("AUTH " + std::string(21, 'A')), replies::kMechanismRequired);
  EXPECT_EQ(Fails("AUTH PLAIN not-base64!"), replies::kBadBase64);
  EXPECT_EQ(Fails("AUTH PLAIN AGF"), replies::kBadBase64);  // not padded
  EXPECT_EQ(Fails("AUTH PLAIN AA== BB=="), replies::kBadArguments);
}

TEST(SmtpCommand, FormatReply) {
  EXPECT_EQ(FormatReply(replies::kUnknownParameter),
            "555 5.5.4 MAIL or RCPT parameter unrecognized or not implemented\r\n");
  EXPECT_EQ(FormatReply({250, "", "OK"}), "250 OK\r\n");
}

}  // namespace
}  // namespace ringmail::smtp
