// When the vacation auto-reply goes (RFC 3834 §2, RFC 5230 §4.5) and what it looks like.
#include "mail/vacation.h"

#include <gtest/gtest.h>

namespace ringmail {
namespace {

constexpr int64_t kNow = 1700000000;

VacationRecord On() {
  VacationRecord v;
  v.is_enabled = true;
  v.subject = "Away";
  v.text_body = "Back on Monday.";
  return v;
}

VacationIncoming Mail(std::string extra_headers, std::string to = "alice@example.com") {
  return {"bob@example.org", "From: Bob <bob@example.org>\r\nTo: " + to +
                                 "\r\nSubject: Lunch?\r\nMessage-ID: <m1@example.org>\r\n" +
                                 extra_headers + "\r\n"};
}

const std::vector<std::string> kAlice = {"alice@example.com", "al@example.com", "@example.com"};

std::string Skip(const VacationRecord& v, const VacationIncoming& m, int64_t now = kNow) {
  std::optional<std::string_view> why = VacationSkipReason(v, now, m, kAlice);
  return why ? std::string(*why) : "reply";
}

TEST(VacationRules, RepliesToPersonalMail) {
  EXPECT_EQ(Skip(On(), Mail("")), "reply");
  EXPECT_EQ(Skip(On(), Mail("", "Friends <AL@Example.com>, x@y.org")),
            "reply");  // an alias, in a list
  EXPECT_EQ(Skip(On(), Mail("Cc: alice@example.com\r\n", "x@y.org")), "reply");
  EXPECT_EQ(Skip(On(), Mail("Auto-Submitted: no\r\n")), "reply");
}

TEST(VacationRules, OnlyWhileEnabledAndInItsDates) {
  VacationRecord v = On();
  v.is_enabled = false;
  EXPECT_EQ(Skip(v, Mail("")), "disabled");
  v = On();
  v.from_date = kNow + 1;
  EXPECT_EQ(Skip(v, Mail("")), "not started");
  v.from_date = kNow - 10;
  v.to_date = kNow;
  EXPECT_EQ(Skip(v, Mail("")), "ended");
  v.to_date = kNow + 1;
  EXPECT_EQ(Skip(v, Mail("")), "reply");
}

TEST(VacationRules, NeverToAutomatedOrListMail) {
  EXPECT_EQ(Skip(On(), Mail("Auto-Submitted: auto-replied\r\n")), "auto-submitted");
  EXPECT_EQ(Skip(On(), Mail("auto-submitted: auto-generated; x\r\n")), "auto-submitted");
  EXPECT_EQ(Skip(On(), Mail("Precedence: bulk\r\n")), "precedence");
  EXPECT_EQ(Skip(On(), Mail("Precedence: List\r\n")), "precedence");
  EXPECT_EQ(Skip(On(), Mail("List-Id: <dev.lists.example.org>\r\n")), "mailing list");
  EXPECT_EQ(Skip(On(), Mail("List-Unsubscribe: <mailto:x@y>\r\n")), "mailing list");
  VacationIncoming m = Mail("");
  m.envelope_sender = "";
  EXPECT_EQ(Skip(On(), m), "null sender");
  for (const char* daemon : {"MAILER-DAEMON@example.org", "owner-dev@lists.example.org",
                             "dev-request@lists.example.org", "postmaster@example.org"}) {
    m.envelope_sender = daemon;
    EXPECT_EQ(Skip(On(), m), "automated sender") << daemon;
  }
}

TEST(VacationRules, NotToItselfNorWhenNotAddressed) {
  VacationIncoming m = Mail("");
  m.envelope_sender = "Alice@Example.com";
  EXPECT_EQ(Skip(On(), m), "self");
  EXPECT_EQ(Skip(On(), Mail("", "team@example.com")), "not in To or Cc");  // catch-all only
  EXPECT_EQ(Skip(On(), Mail("Bcc: alice@example.com\r\n", "x@y.org")), "not in To or Cc");
}

TEST(VacationReply, HeadersThreadTheOriginal) {
  VacationIncoming m = Mail("References: <m0@example.org>\r\n");
  const std::string reply =
      BuildVacationReply(On(), m, "alice@example.com", "mx.example.com", kNow);
  EXPECT_NE(reply.find("From: <alice@example.com>\r\n"), std::string::npos);
  EXPECT_NE(reply.find("To: <bob@example.org>\r\n"), std::string::npos);
  EXPECT_NE(reply.find("Subject: Away\r\n"), std::string::npos);
  EXPECT_NE(reply.find("In-Reply-To: <m1@example.org>\r\n"), std::string::npos);
  EXPECT_NE(reply.find("References: <m0@example.org> <m1@example.org>\r\n"), std::string::npos);
  EXPECT_NE(reply.find("Auto-Submitted: auto-replied\r\n"), std::string::npos);
  EXPECT_NE(reply.find("text/plain"), std::string::npos);
  VacationRecord v = On();
  v.subject.reset();
  v.html_body = "<p>Away</p>";
  const std::string both = BuildVacationReply(v, m, "alice@example.com", "mx.example.com", kNow);
  EXPECT_NE(both.find("Subject: Auto: Lunch?\r\n"), std::string::npos);
  EXPECT_NE(both.find("multipart/alternative"), std::string::npos);
  EXPECT_NE(both.find("text/html"), std::string::npos);
}

}  // namespace
}  // namespace ringmail
