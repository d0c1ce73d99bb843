// Email/set create (RFC 8621 §4.6) over a real store: the created email reads back through
// Email/get with the values it was made from, blobs are read only when the account may,
// creation ids work in later calls, IMAP sessions are told, and SearchSnippet/get marks what
// a text filter matched.
#include <gtest/gtest.h>

#include "email_test_util.h"

namespace ringmail::testing {
namespace {

using jmap::EmailGet;
using jmap::EmailSet;
using jmap::SearchSnippetGet;

const char kAttachment[] =
    "From: a@example.test\r\nSubject: with file\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
    "see file\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: "
    "base64\r\n\r\nAAEC/w==\r\n--b--\r\n";

std::string Draft(EmailMethodsTest* t, const std::string& extra) {
  return "{\"create\":{\"k1\":{\"mailboxIds\":{\"" + t->BoxId("alice/Drafts") +
         "\":true},\"keywords\":{\"$draft\":true,\"$seen\":true}" + extra + "}}}";
}

TEST_F(EmailMethodsTest, CreateReadsBackThroughEmailGet) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    simdjson::dom::element r;
    std::string name = co_await t->Call(
        EmailSet, t->alice_,
        Draft(t,
              ",\"subject\":\"Grüße, Bob\",\"from\":[{\"name\":\"Älice\",\"email\":"
              "\"alice@example.test\"}],\"to\":[{\"name\":\"Bob\",\"email\":\"bob@example.test\"}],"
              "\"receivedAt\":\"2024-01-02T03:04:05Z\",\"sentAt\":\"2024-01-02T04:04:05+01:00\","
              "\"inReplyTo\":[\"p@example.test\"],"
              "\"textBody\":[{\"partId\":\"t\"}],\"htmlBody\":[{\"partId\":\"h\",\"type\":"
              "\"text/html\"}],\"bodyValues\":{\"t\":{\"value\":\"Hallo Bob,\\nschön!\"},"
              "\"h\":{\"value\":\"<p>Hallo Bob, schön!</p>\"}}"),
        &r);
    EXPECT_EQ(name, "Email/set") << t->last_;
    simdjson::dom::element made;
    if (r["created"]["k1"].get(made) != simdjson::SUCCESS) {
      ADD_FAILURE() << t->last_;
      co_return;
    }
    const std::string id = Str(made, "id");
    EXPECT_EQ(t->alice_.created_ids.at("k1"), id);
    EXPECT_EQ(Str(made, "threadId").substr(0, 1), "T");
    EXPECT_EQ(Str(made, "blobId").substr(0, 1), "B");
    EXPECT_GT(Num(made, "size"), 100u);
    EXPECT_TRUE(IsNull(r["notCreated"]) || Json(r["notCreated"]) == "{}") << t->last_;
    EXPECT_FALSE(t->events_.calls.empty());
    if (!t->events_.calls.empty()) {
      EXPECT_EQ(std::get<1>(t->events_.calls.back()), t->Box("alice/Drafts"));
    }
    // "#k1" names it in a later call of the request.
    co_await t->Call(EmailGet, t->alice_,
                     "{\"ids\":[\"" + id +
                         "\"],\"properties\":[\"subject\",\"from\",\"to\",\"keywords\","
                         "\"mailboxIds\",\"receivedAt\",\"sentAt\",\"inReplyTo\",\"textBody\","
                         "\"htmlBody\",\"bodyValues\",\"size\"],\"fetchAllBodyValues\":true}",
                     &r);
    simdjson::dom::element e = At(r, "list", 0);
    EXPECT_EQ(Str(e, "subject"), "Grüße, Bob") << t->last_;
    EXPECT_EQ(Json(e["from"]), "[{\"name\":\"Älice\",\"email\":\"alice@example.test\"}]");
    EXPECT_EQ(Json(e["to"]), "[{\"name\":\"Bob\",\"email\":\"bob@example.test\"}]");
    EXPECT_EQ(Json(e["keywords"]), "{\"$draft\":true,\"$seen\":true}");
    EXPECT_EQ(Json(e["mailboxIds"]), "{\"" + t->BoxId("alice/Drafts") + "\":true}");
    EXPECT_EQ(Str(e, "receivedAt"), "2024-01-02T03:04:05Z");
    EXPECT_EQ(Str(e, "sentAt"), "2024-01-02T03:04:05Z");
    EXPECT_EQ(StrList(e, "inReplyTo"), Strs("p@example.test"));
    const std::string text_part = Str(At(e, "textBody", 0), "partId");
    const std::string html_part = Str(At(e, "htmlBody", 0), "partId");
    EXPECT_EQ(Str(e["bodyValues"][text_part], "value"), "Hallo Bob,\r\nschön!");
    EXPECT_EQ(Str(e["bodyValues"][html_part], "value"), "<p>Hallo Bob, schön!</p>");
  }(this));
}

TEST_F(EmailMethodsTest, CreateWithAttachmentsFromOwnBlobsOnly) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const std::string mine = co_await t->Deliver(kAttachment, Ids(t->Box("alice/INBOX")));
    const std::string theirs =
        co_await t->Deliver(kAttachment + std::string("x"), Ids(t->Box("bob/INBOX")));
    simdjson::dom::element r;
    co_await t->Call(EmailGet, t->alice_,
                     "{\"ids\":[\"" + mine + "\"],\"properties\":[\"blobId\",\"attachments\"]}",
                     &r);
    const std::string message_blob = Str(At(r, "list", 0), "blobId");
    const std::string part_blob = Str(At(At(r, "list", 0), "attachments", 0), "blobId");
    co_await t->Call(EmailGet, t->bob_,
                     "{\"ids\":[\"" + theirs + "\"],\"properties\":[\"blobId\"]}", &r);
    const std::string bobs_blob = Str(At(r, "list", 0), "blobId");
    co_await t->Call(
        EmailSet, t->alice_,
        Draft(t,
              ",\"textBody\":[{\"partId\":\"t\"}],\"bodyValues\":{\"t\":{\"value\":\"fwd\"}},"
              "\"attachments\":[{\"blobId\":\"" +
                  message_blob +
                  "\",\"type\":"
                  "\"message/rfc822\"},{\"blobId\":\"" +
                  part_blob + "\",\"name\":\"x.bin\"}]"),
        &r);
    const std::string id = Str(r["created"]["k1"], "id");
    EXPECT_FALSE(id.empty()) << t->last_;
    co_await t->Call(EmailGet, t->alice_,
                     "{\"ids\":[\"" + id +
                         "\"],\"properties\":[\"attachments\"],"
                         "\"bodyProperties\":[\"type\",\"name\",\"size\"]}",
                     &r);
    EXPECT_EQ(Json(At(r, "list", 0)["attachments"]),
              "[{\"type\":\"message/rfc822\",\"name\":null,\"size\":" +
                  std::to_string(sizeof(kAttachment) - 1) +
                  "},{\"type\":\"application/octet-stream\",\"name\":\"x.bin\",\"size\":4}]")
        << t->last_;
    // Bob's blob, an unknown one: blobNotFound with both ids, nothing stored.
    const size_t events = t->events_.calls.size();
    co_await t->Call(
        EmailSet, t->alice_,
        Draft(t, ",\"attachments\":[{\"blobId\":\"" + bobs_blob + "\"},{\"blobId\":\"Bnope\"}]"),
        &r);
    EXPECT_EQ(Str(r["notCreated"]["k1"], "type"), "blobNotFound") << t->last_;
    EXPECT_EQ(StrList(r["notCreated"]["k1"], "notFound"), Strs(bobs_blob, "Bnope"));
    EXPECT_EQ(t->events_.calls.size(), events);
  }(this));
}

TEST_F(EmailMethodsTest, CreateRefusesOtherMailboxesAndNamesCreations) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    simdjson::dom::element r;
    co_await t->Call(EmailSet, t->alice_,
                     "{\"create\":{\"a\":{\"mailboxIds\":{\"" + t->BoxId("bob/INBOX") +
                         "\":true}},\"b\":{\"mailboxIds\":{\"#nope\":true}},\"c\":{\"subject\":"
                         "\"x\"},\"d\":[]}}",
                     &r);
    EXPECT_EQ(Json(r["created"]), "{}") << t->last_;
    EXPECT_EQ(StrList(r["notCreated"]["a"], "properties"),
              Strs("mailboxIds/" + t->BoxId("bob/INBOX")));
    EXPECT_EQ(StrList(r["notCreated"]["b"], "properties"), Strs("mailboxIds/#nope"));
    EXPECT_EQ(StrList(r["notCreated"]["c"], "properties"), Strs("mailboxIds"));
    EXPECT_EQ(Str(r["notCreated"]["d"], "type"), "invalidProperties");
    // A mailbox created earlier in the request ("#m"), and update of "#k" in the same call.
    t->alice_.created_ids["m"] = t->BoxId("alice/Archive");
    co_await t->Call(EmailSet, t->alice_,
                     "{\"create\":{\"k\":{\"mailboxIds\":{\"#m\":true,\"" +
                         t->BoxId("alice/Archive") +
                         "\":true}}},\"update\":{\"#k\":{\"keywords/$flagged\":true}}}",
                     &r);
    EXPECT_EQ(Json(r["updated"]), "{\"#k\":null}") << t->last_;
    Result<MailboxSnapshot> archive = co_await t->metadata().LoadMailbox(t->Box("alice/Archive"));
    EXPECT_EQ(archive->messages.size(), 1u);
    EXPECT_TRUE(!archive->messages.empty() && archive->messages.front().flags.flagged);
  }(this));
}

TEST_F(EmailMethodsTest, SearchSnippetsMarkTheMatch) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const std::string a = co_await t->Deliver(
        "Subject: Lunch <today> & tomorrow\r\n\r\nShall we have LUNCH at noon? The usual "
        "place.\r\n",
        Ids(t->Box("alice/INBOX")));
    const std::string b =
        co_await t->Deliver("Subject: other\r\n\r\nnothing here\r\n", Ids(t->Box("alice/INBOX")));
    simdjson::dom::element r;
    std::string name = co_await t->Call(
        SearchSnippetGet, t->alice_,
        "{\"filter\":{\"text\":\"lunch\"},\"emailIds\":[\"" + a + "\",\"" + b + "\",\"M999\"]}",
        &r);
    EXPECT_EQ(name, "SearchSnippet/get") << t->last_;
    EXPECT_EQ(Str(At(r, "list", 0), "emailId"), a);
    EXPECT_EQ(Str(At(r, "list", 0), "subject"), "<mark>Lunch</mark> &lt;today&gt; &amp; tomorrow");
    EXPECT_EQ(Str(At(r, "list", 0), "preview"),
              "Shall we have <mark>LUNCH</mark> at noon? The usual place.");
    EXPECT_TRUE(IsNull(At(r, "list", 1)["subject"]));
    EXPECT_TRUE(IsNull(At(r, "list", 1)["preview"]));
    EXPECT_EQ(StrList(r, "notFound"), Strs("M999"));
    // body only marks the preview; NOT terms mark nothing; errors are method errors.
    co_await t->Call(SearchSnippetGet, t->alice_,
                     "{\"filter\":{\"operator\":\"AND\",\"conditions\":[{\"body\":\"noon\"},"
                     "{\"operator\":\"NOT\",\"conditions\":[{\"text\":\"usual\"}]}]},"
                     "\"emailIds\":[\"" +
                         a + "\"]}",
                     &r);
    EXPECT_TRUE(IsNull(At(r, "list", 0)["subject"])) << t->last_;
    EXPECT_EQ(Str(At(r, "list", 0), "preview"),
              "Shall we have LUNCH at <mark>noon</mark>? The usual place.");
    name = co_await t->Call(SearchSnippetGet, t->alice_,
                            "{\"filter\":{\"nope\":1},\"emailIds\":[]}", &r);
    EXPECT_EQ(name, "error");
    EXPECT_EQ(Str(r, "type"), "unsupportedFilter");
    name = co_await t->Call(SearchSnippetGet, t->alice_, "{\"filter\":null}", &r);
    EXPECT_EQ(Str(r, "type"), "invalidArguments");
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
