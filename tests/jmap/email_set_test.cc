// Email/set (RFC 8621 §4.6) and Thread/get (§3.1) over a real store: keyword and mailbox
// changes as whole values and patches, destroy, SetErrors, ifInState, and the mailbox
// notifications IMAP sessions wake on.
#include <gtest/gtest.h>

#include "email_test_util.h"

namespace ringmail::testing {
namespace {

using jmap::EmailGet;
using jmap::EmailSet;
using jmap::ThreadGet;

const char kMessage[] = "From: a@example.test\r\nSubject: hi\r\n\r\nhello\r\n";

// The store's view of alice's email `id`.
Task<std::optional<EmailRecord>> Load(EmailMethodsTest* t, const std::string& id) {
  Result<std::vector<EmailRecord>> found =
      co_await t->metadata().LoadEmails(t->alice_.account_id, Ids(*jmap::ParseEmailId(id)));
  EXPECT_TRUE(found.has_value());
  if (!found || found->empty()) co_return std::nullopt;
  co_return found->front();
}

TEST_F(EmailMethodsTest, SetKeywordsByPatchAndWhole) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const std::string id =
        co_await t->Deliver(kMessage, Ids(t->Box("alice/INBOX"), t->Box("alice/Archive")));
    simdjson::dom::element r;
    std::string name = co_await t->Call(
        EmailSet, t->alice_,
        "{\"update\":{\"" + id + "\":{\"keywords/$seen\":true,\"keywords/Todo\":true}}}", &r);
    EXPECT_EQ(name, "Email/set") << t->last_;
    EXPECT_EQ(Json(r["updated"]), "{\"" + id + "\":null}") << t->last_;
    EXPECT_NE(Str(r, "oldState"), Str(r, "newState"));
    std::optional<EmailRecord> e = co_await Load(t, id);
    EXPECT_TRUE(e && e->flags.seen);
    EXPECT_EQ(e->flags.keywords, Strs("todo"));
    // IMAP sessions of both mailboxes are told.
    std::vector<int64_t> told;
    for (const auto& [account, mailbox, modseq] : t->events_.calls) told.push_back(mailbox);
    std::sort(told.begin(), told.end());
    EXPECT_EQ(told, Ids(std::min(t->Box("alice/INBOX"), t->Box("alice/Archive")),
                        std::max(t->Box("alice/INBOX"), t->Box("alice/Archive"))));
    // Both placements show it (flags live on the email).
    Result<MailboxSnapshot> archive = co_await t->metadata().LoadMailbox(t->Box("alice/Archive"));
    EXPECT_TRUE(archive->messages.front().flags.seen);
    name = co_await t->Call(EmailSet, t->alice_,
                            "{\"update\":{\"" + id + "\":{\"keywords/$seen\":null}}}", &r);
    e = co_await Load(t, id);
    EXPECT_FALSE(e->flags.seen);
    name = co_await t->Call(EmailSet, t->alice_,
                            "{\"update\":{\"" + id + "\":{\"keywords\":{\"$flagged\":true}}}}", &r);
    e = co_await Load(t, id);
    EXPECT_TRUE(e->flags.flagged);
    EXPECT_TRUE(e->flags.keywords.empty());
    // Email/get shows it.
    co_await t->Call(EmailGet, t->alice_,
                     "{\"ids\":[\"" + id + "\"],\"properties\":[\"keywords\"]}", &r);
    EXPECT_EQ(Json(At(r, "list", 0)["keywords"]), "{\"$flagged\":true}");
  }(this));
}

TEST_F(EmailMethodsTest, SetMailboxIdsMovesAndDestroyRemoves) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const std::string id = co_await t->Deliver(kMessage, Ids(t->Box("alice/INBOX")));
    simdjson::dom::element r;
    // Move INBOX -> Archive by patch.
    co_await t->Call(EmailSet, t->alice_,
                     "{\"update\":{\"" + id + "\":{\"mailboxIds/" + t->BoxId("alice/Archive") +
                         "\":true,\"mailboxIds/" + t->BoxId("alice/INBOX") + "\":null}}}",
                     &r);
    EXPECT_EQ(Json(r["updated"]), "{\"" + id + "\":null}") << t->last_;
    std::optional<EmailRecord> e = co_await Load(t, id);
    EXPECT_EQ(e->placements.size(), 1u);
    EXPECT_EQ(e->placements.front().mailbox_id, t->Box("alice/Archive"));
    Result<MailboxSnapshot> inbox = co_await t->metadata().LoadMailbox(t->Box("alice/INBOX"));
    EXPECT_TRUE(inbox->messages.empty());
    EXPECT_EQ(inbox->mailbox.message_count, 0u);
    // Whole value: Trash and Drafts.
    co_await t->Call(EmailSet, t->alice_,
                     "{\"update\":{\"" + id + "\":{\"mailboxIds\":{\"" + t->BoxId("alice/Trash") +
                         "\":true,\"" + t->BoxId("alice/Drafts") + "\":true}}}}",
                     &r);
    e = co_await Load(t, id);
    EXPECT_EQ(e->placements.size(), 2u);
    // Destroy: gone everywhere, then notFound.
    co_await t->Call(EmailSet, t->alice_, "{\"destroy\":[\"" + id + "\"]}", &r);
    EXPECT_EQ(StrList(r, "destroyed"), Strs(id)) << t->last_;
    e = co_await Load(t, id);
    EXPECT_FALSE(e.has_value());
    co_await t->Call(EmailSet, t->alice_, "{\"destroy\":[\"" + id + "\"]}", &r);
    EXPECT_EQ(Json(r["notDestroyed"]), "{\"" + id + "\":{\"type\":\"notFound\"}}");
  }(this));
}

TEST_F(EmailMethodsTest, SetErrors) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const std::string id = co_await t->Deliver(kMessage, Ids(t->Box("alice/INBOX")));
    const std::string theirs = co_await t->Deliver(kMessage, Ids(t->Box("bob/INBOX")));
    simdjson::dom::element r;
    co_await t->Call(EmailSet, t->alice_,
                     "{\"update\":{\"" + theirs +
                         "\":{\"keywords/$seen\":true},"
                         "\"" +
                         id + "\":{\"mailboxIds\":{}}},\"destroy\":[\"" + theirs + "\"]}",
                     &r);
    EXPECT_EQ(Str(r["notUpdated"][theirs], "type"), "notFound") << t->last_;
    EXPECT_EQ(Str(r["notUpdated"][id], "type"), "invalidProperties");
    EXPECT_EQ(Str(r["notDestroyed"][theirs], "type"), "notFound");
    // Bob's mailbox is not alice's; an unknown property; a bad keyword.
    co_await t->Call(
        EmailSet, t->alice_,
        "{\"update\":{\"" + id + "\":{\"mailboxIds/" + t->BoxId("bob/INBOX") + "\":true}}}", &r);
    EXPECT_EQ(Str(r["notUpdated"][id], "type"), "invalidProperties") << t->last_;
    co_await t->Call(EmailSet, t->alice_, "{\"update\":{\"" + id + "\":{\"subject\":\"x\"}}}", &r);
    EXPECT_EQ(Json(r["notUpdated"][id]["properties"]), "[\"subject\"]");
    co_await t->Call(EmailSet, t->alice_, "{\"update\":{\"" + id + "\":{\"keywords/a(b\":true}}}",
                     &r);
    EXPECT_EQ(Str(r["notUpdated"][id], "type"), "invalidProperties");
    // Nothing of bob's changed.
    Result<std::vector<EmailRecord>> bobs = co_await t->metadata().ListEmails(t->bob_.account_id);
    EXPECT_FALSE(bobs->front().flags.seen);
    // ifInState.
    std::string name =
        co_await t->Call(EmailSet, t->alice_, "{\"ifInState\":\"1\",\"destroy\":[]}", &r);
    EXPECT_EQ(name, "error");
    EXPECT_EQ(Str(r, "type"), "stateMismatch");
    name = co_await t->Call(EmailSet, t->alice_, "{\"destroy\":\"" + id + "\"}", &r);
    EXPECT_EQ(Str(r, "type"), "invalidArguments");
    // A create is refused per object (email_create_test.cc has the rest).
    name = co_await t->Call(EmailSet, t->alice_, "{\"create\":{\"k1\":{}}}", &r);
    EXPECT_EQ(Str(r["notCreated"]["k1"], "type"), "invalidProperties") << t->last_;
  }(this));
}

TEST_F(EmailMethodsTest, ThreadGetListsEmails) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const std::string id = co_await t->Deliver(kMessage, Ids(t->Box("alice/INBOX")));
    const std::string theirs = co_await t->Deliver(kMessage, Ids(t->Box("bob/INBOX")));
    const std::string thread = "T" + id.substr(1), other = "T" + theirs.substr(1);
    simdjson::dom::element r;
    std::string name = co_await t->Call(
        ThreadGet, t->alice_, "{\"ids\":[\"" + thread + "\",\"" + other + "\",\"T0\"]}", &r);
    EXPECT_EQ(name, "Thread/get") << t->last_;
    EXPECT_EQ(Json(r["list"]), "[{\"id\":\"" + thread + "\",\"emailIds\":[\"" + id + "\"]}]");
    EXPECT_EQ(StrList(r, "notFound"), Strs(other, "T0"));
  }(this));
}

}  // namespace
}  // namespace ringmail::testing

namespace ringmail::testing {
namespace {

// Email/changes and Thread/changes from the store's history: a delivery creates, Email/set
// updates and destroys; a state from the future cannot be brought forward.
TEST_F(EmailMethodsTest, ChangesFollowDeliveryAndSet) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    simdjson::dom::element r;
    co_await t->Call(jmap::EmailGet, t->alice_, "{\"ids\":[]}", &r);
    const std::string start = Str(r, "state");
    const std::string id = co_await t->Deliver(kMessage, Ids(t->Box("alice/INBOX")));
    const std::string kept = co_await t->Deliver(kMessage, Ids(t->Box("alice/INBOX")));
    std::string name =
        co_await t->Call(jmap::EmailChanges, t->alice_, "{\"sinceState\":\"" + start + "\"}", &r);
    EXPECT_EQ(name, "Email/changes") << t->last_;
    EXPECT_EQ(StrList(r, "created"), Strs(id, kept));
    EXPECT_FALSE(Flag(r, "hasMoreChanges"));
    const std::string after_delivery = Str(r, "newState");
    co_await t->Call(
        jmap::EmailSet, t->alice_,
        "{\"update\":{\"" + kept + "\":{\"keywords/$seen\":true}},\"destroy\":[\"" + id + "\"]}",
        &r);
    co_await t->Call(jmap::EmailChanges, t->alice_, "{\"sinceState\":\"" + after_delivery + "\"}",
                     &r);
    EXPECT_EQ(StrList(r, "updated"), Strs(kept)) << t->last_;
    EXPECT_EQ(StrList(r, "destroyed"), Strs(id));
    EXPECT_TRUE(StrList(r, "created").empty());
    name =
        co_await t->Call(jmap::ThreadChanges, t->alice_, "{\"sinceState\":\"" + start + "\"}", &r);
    EXPECT_EQ(name, "Thread/changes") << t->last_;
    EXPECT_EQ(StrList(r, "created"), Strs("T" + kept.substr(1)));
    name = co_await t->Call(jmap::EmailChanges, t->alice_, "{\"sinceState\":\"999999\"}", &r);
    EXPECT_EQ(Str(r, "type"), "cannotCalculateChanges") << t->last_;
    name = co_await t->Call(jmap::EmailChanges, t->alice_, "{}", &r);
    EXPECT_EQ(Str(r, "type"), "invalidArguments");
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
