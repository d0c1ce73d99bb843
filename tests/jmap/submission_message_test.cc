// EmailSubmission's pure parts: who may send as what, the derived envelope, Bcc stripping,
// and EmailAddress[] validation (jmap/submission_message.h, jmap/submission_common.h).
#include "jmap/submission_message.h"

#include <gtest/gtest.h>

#include "jmap/submission_common.h"

namespace ringmail::jmap {
namespace {

TEST(SubmissionIdentity, SendAsOwnAddressesAndCatchAllDomains) {
  const std::vector<std::string> owned = {"alice@example.com", "al@example.com", "@example.net"};
  EXPECT_TRUE(SendAsAllowed(owned, "alice@example.com"));
  EXPECT_TRUE(SendAsAllowed(owned, "Alice@EXAMPLE.com"));
  EXPECT_TRUE(SendAsAllowed(owned, "al@example.com"));
  EXPECT_TRUE(SendAsAllowed(owned, "anyone@example.net"));
  EXPECT_TRUE(SendAsAllowed(owned, "*@example.net"));
  EXPECT_FALSE(SendAsAllowed(owned, "*@example.com"));
  EXPECT_FALSE(SendAsAllowed(owned, "bob@example.com"));
  EXPECT_FALSE(SendAsAllowed(owned, "alice@example.org"));
  EXPECT_FALSE(SendAsAllowed(owned, "not an address"));
  EXPECT_FALSE(SendAsAllowed({}, "alice@example.com"));
}

TEST(SubmissionIdentity, EmailAddressListsAreChecked) {
  simdjson::dom::parser parser;
  auto json = [&](const char* text) {
    return EmailAddressesJson(parser.parse(std::string(text)).value());
  };
  EXPECT_EQ(json("null"), "");
  EXPECT_EQ(json(R"([{"email":"a@b.org"}])"), R"([{"name":null,"email":"a@b.org"}])");
  EXPECT_EQ(json(R"([{"name":"A","email":"a@b.org"}])"), R"([{"name":"A","email":"a@b.org"}])");
  EXPECT_FALSE(json(R"([{"name":"A"}])"));
  EXPECT_FALSE(json(R"([{"email":"nope"}])"));
  EXPECT_FALSE(json(R"([{"email":"a@b.org","x":1}])"));
  EXPECT_FALSE(json(R"({"email":"a@b.org"})"));
}

TEST(SubmissionIdentity, DuplicateDefaultsKeepTheOldestCopy) {
  auto identity = [](int64_t id, std::string email, std::string signature = "") {
    IdentityRecord r;
    r.id = id;
    r.name = "alice";
    r.email = std::move(email);
    r.text_signature = std::move(signature);
    return r;
  };
  const std::vector<IdentityRecord> defaults = {identity(0, "a@x.test"), identity(0, "*@y.test")};
  // Two racers each stored both defaults; the user had also made an edited copy.
  const std::vector<IdentityRecord> stored = {
      identity(1, "a@x.test"), identity(2, "*@y.test"), identity(3, "a@x.test", "sig"),
      identity(4, "a@x.test"), identity(5, "*@y.test"), identity(6, "a@x.test", "sig")};
  EXPECT_EQ(DuplicateDefaults(stored, defaults), (std::vector<int64_t>{4, 5}));
  EXPECT_TRUE(DuplicateDefaults({stored[0], stored[1]}, defaults).empty());
}

constexpr std::string_view kMessage =
    "From: Alice <alice@example.com>\r\n"
    "To: bob@example.org, Carol <carol@example.org>\r\n"
    "Cc: bob@example.org\r\n"
    "Bcc: secret@example.org,\r\n"
    "  other@example.org\r\n"
    "Subject: hi\r\n"
    "\r\n"
    "Bcc: this line is body\r\n";

TEST(SubmissionMessage, EnvelopeFromIdentityAndHeader) {
  const std::string header(kMessage.substr(0, kMessage.find("\r\n\r\n") + 4));
  DerivedEnvelope e = DeriveEnvelope(header, "alice@example.com");
  EXPECT_EQ(e.mail_from, "alice@example.com");
  EXPECT_EQ(e.rcpt_to, (std::vector<std::string>{"bob@example.org", "carol@example.org",
                                                 "secret@example.org", "other@example.org"}));
  EXPECT_EQ(DeriveEnvelope(header, "*@example.com").mail_from, "alice@example.com");
  EXPECT_TRUE(DeriveEnvelope("Subject: x\r\n\r\n", "a@b.org").rcpt_to.empty());
}

TEST(SubmissionMessage, BccIsStrippedFromTheHeaderOnly) {
  const std::string sent = WithoutBcc(kMessage);
  EXPECT_EQ(sent,
            "From: Alice <alice@example.com>\r\n"
            "To: bob@example.org, Carol <carol@example.org>\r\n"
            "Cc: bob@example.org\r\n"
            "Subject: hi\r\n"
            "\r\n"
            "Bcc: this line is body\r\n");
  EXPECT_EQ(WithoutBcc("BCC: x@y.org\r\nSubject: s\r\n\r\nbody"), "Subject: s\r\n\r\nbody");
}

}  // namespace
}  // namespace ringmail::jmap
