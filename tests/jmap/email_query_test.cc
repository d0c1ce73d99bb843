// Email/query (RFC 8621 §4.4) over a real store: filters, sorts, windows, thread collapsing,
// and the errors for what it does not support.
#include <gtest/gtest.h>

#include "email_test_util.h"

namespace ringmail::testing {
namespace {

using jmap::EmailQuery;

std::string Message(std::string from, std::string subject, std::string body,
                    std::string extra = "") {
  return "From: " + from + "\r\nTo: alice@example.test\r\nSubject: " + subject +
         "\r\nDate: Tue, 14 Nov 2023 10:00:00 +0000\r\n" + extra + "\r\n" + body + "\r\n";
}

// Three emails in alice's INBOX (one also in Archive), one in bob's.
struct Mail {
  std::string old_, mid, young;
};

Task<Mail> Fill(EmailMethodsTest* t) {
  co_await t->MakeAccounts();
  Mail m;
  MessageFlags seen;
  seen.seen = true;
  m.old_ = co_await t->Deliver(Message("Zed <zed@example.test>", "Re: lunch", "pizza today"),
                               Ids(t->Box("alice/INBOX")), seen, 1000);
  m.mid = co_await t->Deliver(
      Message("Amy <amy@example.test>", "budget", "numbers attached", "Cc: boss@example.test\r\n"),
      Ids(t->Box("alice/INBOX"), t->Box("alice/Archive")), MessageFlags(), 2000);
  m.young = co_await t->Deliver(Message("bob@example.test", "Lunch", "sushi, longer body text"),
                                Ids(t->Box("alice/INBOX")), MessageFlags(), 3000);
  co_await t->Deliver(Message("x@example.test", "lunch", "bob's"), Ids(t->Box("bob/INBOX")));
  co_return m;
}

TEST_F(EmailMethodsTest, QueryFiltersAndSorts) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    const Mail m = co_await Fill(t);
    simdjson::dom::element r;
    std::string name = co_await t->Call(EmailQuery, t->alice_, "{}", &r);
    EXPECT_EQ(name, "Email/query") << t->last_;
    EXPECT_EQ(StrList(r, "ids"), Strs(m.old_, m.mid, m.young));  // no sort: by id
    EXPECT_FALSE(Str(r, "queryState").empty());
    EXPECT_FALSE(Flag(r, "canCalculateChanges"));
    const std::string by_date_desc =
        "{\"sort\":[{\"property\":\"receivedAt\",\"isAscending\":false}],";
    co_await t->Call(EmailQuery, t->alice_,
                     by_date_desc + "\"filter\":{\"inMailbox\":\"" + t->BoxId("alice/INBOX") +
                         "\"},\"calculateTotal\":true}",
                     &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.young, m.mid, m.old_)) << t->last_;
    EXPECT_EQ(Num(r, "total"), 3u);
    co_await t->Call(EmailQuery, t->alice_,
                     "{\"filter\":{\"inMailbox\":\"" + t->BoxId("alice/Archive") + "\"}}", &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.mid));
    co_await t->Call(EmailQuery, t->alice_,
                     "{\"filter\":{\"inMailboxOtherThan\":[\"" + t->BoxId("alice/INBOX") + "\"]}}",
                     &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.mid));
    co_await t->Call(EmailQuery, t->alice_, "{\"filter\":{\"hasKeyword\":\"$Seen\"}}", &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.old_));
    co_await t->Call(EmailQuery, t->alice_, "{\"filter\":{\"notKeyword\":\"$seen\"}}", &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.mid, m.young));
    co_await t->Call(EmailQuery, t->alice_,
                     "{\"filter\":{\"after\":\"1970-01-01T00:25:00Z\","
                     "\"before\":\"1970-01-01T00:50:00Z\"}}",
                     &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.mid)) << t->last_;
    co_await t->Call(EmailQuery, t->alice_, "{\"filter\":{\"subject\":\"LUNCH\"}}", &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.old_, m.young));
    co_await t->Call(EmailQuery, t->alice_, "{\"filter\":{\"from\":\"amy\"}}", &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.mid));
    co_await t->Call(EmailQuery, t->alice_, "{\"filter\":{\"cc\":\"boss\"}}", &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.mid));
    co_await t->Call(EmailQuery, t->alice_, "{\"filter\":{\"body\":\"SUSHI\"}}", &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.young));
    co_await t->Call(EmailQuery, t->alice_, "{\"filter\":{\"text\":\"pizza\"}}", &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.old_));
    co_await t->Call(EmailQuery, t->alice_, "{\"filter\":{\"header\":[\"Cc\"]}}", &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.mid));
    co_await t->Call(EmailQuery, t->alice_,
                     "{\"filter\":{\"operator\":\"OR\",\"conditions\":[{\"from\":\"zed\"},"
                     "{\"operator\":\"NOT\",\"conditions\":[{\"subject\":\"lunch\"}]}]}}",
                     &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.old_, m.mid));
    co_await t->Call(EmailQuery, t->alice_, "{\"filter\":{\"minSize\":1,\"maxSize\":1}}", &r);
    EXPECT_TRUE(StrList(r, "ids").empty());
    // Sorts: subject (base subject: "Re: lunch" sorts as "lunch"), then received descending.
    co_await t->Call(EmailQuery, t->alice_,
                     "{\"sort\":[{\"property\":\"subject\"},"
                     "{\"property\":\"receivedAt\",\"isAscending\":false}]}",
                     &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.mid, m.young, m.old_)) << t->last_;
    co_await t->Call(EmailQuery, t->alice_, "{\"sort\":[{\"property\":\"from\"}]}", &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.mid, m.young, m.old_));
    co_await t->Call(EmailQuery, t->alice_,
                     "{\"sort\":[{\"property\":\"hasKeyword\",\"keyword\":\"$seen\","
                     "\"isAscending\":false},{\"property\":\"size\"}]}",
                     &r);
    EXPECT_EQ(StrList(r, "ids").front(), m.old_);
  }(this));
}

TEST_F(EmailMethodsTest, QueryWindowsAndAnchors) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    const Mail m = co_await Fill(t);
    simdjson::dom::element r;
    co_await t->Call(EmailQuery, t->alice_, "{\"position\":1,\"limit\":1}", &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.mid));
    EXPECT_EQ(Num(r, "position"), 1u);
    co_await t->Call(EmailQuery, t->alice_, "{\"position\":-1}", &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.young));
    co_await t->Call(EmailQuery, t->alice_,
                     "{\"anchor\":\"" + m.mid + "\",\"anchorOffset\":-1,\"limit\":2}", &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.old_, m.mid));
    std::string name = co_await t->Call(EmailQuery, t->alice_, "{\"anchor\":\"M999999\"}", &r);
    EXPECT_EQ(name, "error");
    EXPECT_EQ(Str(r, "type"), "anchorNotFound");
    // Every email is its own thread: collapsing keeps them all.
    co_await t->Call(EmailQuery, t->alice_, "{\"collapseThreads\":true}", &r);
    EXPECT_EQ(StrList(r, "ids").size(), 3u);
  }(this));
}

// The same query again is answered from the cache (jmap/account_emails.h) until the account's
// state moves; then it sees the change.
TEST_F(EmailMethodsTest, QueryAgainAfterAChangeSeesIt) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    const Mail m = co_await Fill(t);
    simdjson::dom::element r;
    const std::string unseen = "{\"filter\":{\"notKeyword\":\"$seen\"}}";
    co_await t->Call(EmailQuery, t->alice_, unseen, &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.mid, m.young));
    const std::string state = Str(r, "queryState");
    co_await t->Call(EmailQuery, t->alice_, unseen, &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.mid, m.young));
    EXPECT_EQ(Str(r, "queryState"), state);
    co_await t->Call(jmap::EmailSet, t->alice_,
                     "{\"update\":{\"" + m.mid + "\":{\"keywords/$seen\":true}}}", &r);
    co_await t->Call(EmailQuery, t->alice_, unseen, &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(m.young)) << t->last_;
    EXPECT_NE(Str(r, "queryState"), state);
  }(this));
}

TEST_F(EmailMethodsTest, QueryUnsupportedAndInvalid) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await Fill(t);
    simdjson::dom::element r;
    std::string name =
        co_await t->Call(EmailQuery, t->alice_, "{\"filter\":{\"color\":\"red\"}}", &r);
    EXPECT_EQ(name, "error");
    EXPECT_EQ(Str(r, "type"), "unsupportedFilter");
    name = co_await t->Call(EmailQuery, t->alice_,
                            "{\"filter\":{\"operator\":\"XOR\",\"conditions\":[]}}", &r);
    EXPECT_EQ(Str(r, "type"), "unsupportedFilter");
    name = co_await t->Call(EmailQuery, t->alice_, "{\"sort\":[{\"property\":\"color\"}]}", &r);
    EXPECT_EQ(name, "error");
    EXPECT_EQ(Str(r, "type"), "unsupportedSort");
    name =
        co_await t->Call(EmailQuery, t->alice_,
                         "{\"sort\":[{\"property\":\"subject\",\"collation\":\"i;klingon\"}]}", &r);
    EXPECT_EQ(Str(r, "type"), "unsupportedSort");
    name = co_await t->Call(EmailQuery, t->alice_, "{\"filter\":{\"before\":\"yesterday\"}}", &r);
    EXPECT_EQ(Str(r, "type"), "invalidArguments");
    name = co_await t->Call(EmailQuery, t->alice_, "{\"limit\":-1}", &r);
    EXPECT_EQ(Str(r, "type"), "invalidArguments");
    name = co_await t->Call(EmailQuery, t->alice_, "{\"filter\":{\"hasKeyword\":\"a b\"}}", &r);
    EXPECT_EQ(Str(r, "type"), "invalidArguments");
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
