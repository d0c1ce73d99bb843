// RFC 8621 §4.1.1: an email with IMAP's \Deleted flag is not visible to JMAP. Email/get and
// Email/query do not show it, Mailbox/get does not count it, and Email/changes reports it
// destroyed when the flag is set (over IMAP: the store's UpdateFlags, as STORE calls it).
#include <gtest/gtest.h>

#include "email_test_util.h"
#include "jmap/mailbox_tree.h"

namespace ringmail::testing {
namespace {

const char kMessage[] = "From: a@example.test\r\nSubject: s\r\n\r\nbody\r\n";

// Sets (or clears) \Deleted on the INBOX message with `uid`, as IMAP STORE does.
Task<void> MarkDeleted(EmailMethodsTest* t, uint32_t uid, bool deleted) {
  FlagUpdate update;
  update.mailbox_id = t->Box("alice/INBOX");
  update.uids.push_back(uid);
  update.operation = deleted ? FlagOperation::kAdd : FlagOperation::kRemove;
  update.flags.deleted = true;
  Result<FlagUpdateResult> done = co_await t->metadata().UpdateFlags(std::move(update));
  EXPECT_TRUE(done.has_value() && done->changed.size() == 1);
}

// INBOX's totalEmails and unreadEmails as "total/unread".
Task<std::string> InboxCounts(EmailMethodsTest* t) {
  simdjson::dom::element r;
  co_await t->Call(jmap::MailboxGet, t->alice_,
                   "{\"ids\":[\"" + t->BoxId("alice/INBOX") +
                       "\"],\"properties\":[\"totalEmails\",\"unreadEmails\"]}",
                   &r);
  simdjson::dom::element box = At(r, "list", 0);
  co_return std::to_string(Num(box, "totalEmails")) + "/" +
      std::to_string(Num(box, "unreadEmails"));
}

TEST_F(EmailMethodsTest, DeletedEmailsAreNotVisible) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const int64_t inbox = t->Box("alice/INBOX");
    const std::string kept = co_await t->Deliver(kMessage, Ids(inbox));     // UID 1
    const std::string deleted = co_await t->Deliver(kMessage, Ids(inbox));  // UID 2
    simdjson::dom::element r;
    co_await t->Call(jmap::EmailGet, t->alice_, "{\"ids\":[]}", &r);
    const std::string before = Str(r, "state");
    EXPECT_EQ(co_await InboxCounts(t), "2/2");

    co_await MarkDeleted(t, 2, true);
    co_await t->Call(jmap::EmailQuery, t->alice_,
                     "{\"filter\":{\"inMailbox\":\"" + t->BoxId("alice/INBOX") + "\"}}", &r);
    EXPECT_EQ(StrList(r, "ids"), Strs(kept)) << t->last_;
    co_await t->Call(jmap::EmailGet, t->alice_,
                     "{\"ids\":[\"" + kept + "\",\"" + deleted + "\"],\"properties\":[\"id\"]}",
                     &r);
    EXPECT_EQ(StrList(r, "notFound"), Strs(deleted)) << t->last_;
    EXPECT_EQ(co_await InboxCounts(t), "1/1");
    co_await t->Call(jmap::EmailChanges, t->alice_, "{\"sinceState\":\"" + before + "\"}", &r);
    EXPECT_EQ(StrList(r, "destroyed"), Strs(deleted)) << t->last_;
    EXPECT_TRUE(StrList(r, "updated").empty());
    EXPECT_TRUE(StrList(r, "created").empty());

    co_await t->Call(jmap::ThreadChanges, t->alice_, "{\"sinceState\":\"" + before + "\"}", &r);
    EXPECT_EQ(StrList(r, "destroyed").size(), 1u) << t->last_;
    EXPECT_TRUE(StrList(r, "updated").empty() && StrList(r, "created").empty());
    co_await t->Call(jmap::EmailGet, t->alice_, "{\"ids\":[]}", &r);
    const std::string hidden = Str(r, "state");

    // Clearing the flag shows it again: an update since a state where it was visible, a
    // creation since one where it was hidden (its thread too).
    co_await MarkDeleted(t, 2, false);
    co_await t->Call(jmap::EmailChanges, t->alice_, "{\"sinceState\":\"" + before + "\"}", &r);
    EXPECT_EQ(StrList(r, "updated"), Strs(deleted)) << t->last_;
    EXPECT_TRUE(StrList(r, "destroyed").empty());
    co_await t->Call(jmap::EmailChanges, t->alice_, "{\"sinceState\":\"" + hidden + "\"}", &r);
    EXPECT_EQ(StrList(r, "created"), Strs(deleted)) << t->last_;
    EXPECT_TRUE(StrList(r, "updated").empty() && StrList(r, "destroyed").empty());
    co_await t->Call(jmap::ThreadChanges, t->alice_, "{\"sinceState\":\"" + hidden + "\"}", &r);
    EXPECT_EQ(StrList(r, "created").size(), 1u) << t->last_;
    EXPECT_EQ(co_await InboxCounts(t), "2/2");
  }(this));
}

TEST_F(EmailMethodsTest, EmailCreatedAndDeletedSinceStateIsNotListed) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    simdjson::dom::element r;
    co_await t->Call(jmap::EmailGet, t->alice_, "{\"ids\":[]}", &r);
    const std::string before = Str(r, "state");
    const std::string id = co_await t->Deliver(kMessage, Ids(t->Box("alice/INBOX")));
    co_await MarkDeleted(t, 1, true);
    co_await t->Call(jmap::EmailChanges, t->alice_, "{\"sinceState\":\"" + before + "\"}", &r);
    EXPECT_TRUE(StrList(r, "created").empty()) << t->last_;
    EXPECT_TRUE(StrList(r, "updated").empty());
    EXPECT_TRUE(StrList(r, "destroyed").empty());
    EXPECT_FALSE(id.empty());
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
