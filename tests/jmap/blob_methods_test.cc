// Email/import, Email/parse, Blob/copy and Email/copy (RFC 8621 §4.7-4.9, RFC 8620 §6.3) over a
// real store: blobs uploaded with StoreUpload (what POST /jmap/upload/ calls), the ownership
// check between accounts, SetErrors, states and the mailbox notifications.
#include "jmap/blob_methods.h"

#include <gtest/gtest.h>

#include <ctime>

#include "email_test_util.h"
#include "jmap/blob_access.h"
#include "store/upload.h"

namespace ringmail::testing {
namespace {

using jmap::BlobCopy;
using jmap::EmailCopy;
using jmap::EmailGet;
using jmap::EmailImport;
using jmap::EmailParse;

const char kMessage[] =
    "From: Ann <ann@example.test>\r\nTo: alice@example.test\r\nSubject: imported\r\n"
    "Message-ID: <m1@example.test>\r\n\r\nhello from the upload\r\n";

// Uploads `bytes` for the context's account; returns the blob id.
Task<std::string> Upload(EmailMethodsTest* t, const jmap::CallContext& c, std::string bytes) {
  BlobUploadRequest request;
  request.account_id = c.account_id;
  request.type = "message/rfc822";
  request.expires_at = static_cast<int64_t>(time(nullptr)) + 3600;
  Result<BlobKey> key =
      co_await StoreUpload(*t->stores_.blobs, t->metadata(), std::move(bytes), std::move(request));
  EXPECT_TRUE(key.has_value());
  co_return key ? jmap::BlobId(*key) : "";
}

std::string ImportArgs(const std::string& blob, const std::string& mailbox,
                       const std::string& extra = "") {
  return "{\"emails\":{\"k1\":{\"blobId\":\"" + blob + "\",\"mailboxIds\":{\"" + mailbox +
         "\":true},\"keywords\":{\"$seen\":true}" + extra + "}}}";
}

TEST_F(EmailMethodsTest, ImportStoresTheUploadedMessage) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const std::string blob = co_await Upload(t, t->alice_, kMessage);
    simdjson::dom::element r;
    std::string name = co_await t->Call(
        EmailImport, t->alice_,
        ImportArgs(blob, t->BoxId("alice/INBOX"), ",\"receivedAt\":\"2024-01-02T03:04:05Z\""), &r);
    EXPECT_EQ(name, "Email/import") << t->last_;
    simdjson::dom::element created = r["created"]["k1"];
    const std::string id = Str(created, "id");
    EXPECT_FALSE(id.empty()) << t->last_;
    EXPECT_EQ(Str(created, "blobId"), blob);
    EXPECT_FALSE(Str(created, "threadId").empty());
    EXPECT_EQ(Num(created, "size"), std::string(kMessage).size());
    EXPECT_NE(Str(r, "oldState"), Str(r, "newState"));
    EXPECT_TRUE(r["notCreated"].is_null());
    EXPECT_EQ(t->alice_.created_ids["k1"], id);
    EXPECT_EQ(t->events_.calls.size(), 1u);  // IMAP sessions of INBOX are woken
    co_await t->Call(EmailGet, t->alice_,
                     "{\"ids\":[\"" + id +
                         "\"],\"properties\":[\"subject\",\"keywords\","
                         "\"receivedAt\",\"blobId\"]}",
                     &r);
    simdjson::dom::element e = At(r, "list", 0);
    EXPECT_EQ(Str(e, "subject"), "imported") << t->last_;
    EXPECT_EQ(Json(e["keywords"]), "{\"$seen\":true}");
    EXPECT_EQ(Str(e, "receivedAt"), "2024-01-02T03:04:05Z");
    EXPECT_EQ(Str(e, "blobId"), blob);
    // IMAP sees it with its flag.
    Result<MailboxSnapshot> inbox = co_await t->metadata().LoadMailbox(t->Box("alice/INBOX"));
    EXPECT_EQ(inbox->messages.size(), 1u);
    EXPECT_TRUE(inbox->messages.front().flags.seen);
  }(this));
}

TEST_F(EmailMethodsTest, ImportRefusesOthersBlobsAndBadProperties) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const std::string blob = co_await Upload(t, t->alice_, kMessage);
    simdjson::dom::element r;
    co_await t->Call(EmailImport, t->bob_, ImportArgs(blob, t->BoxId("bob/INBOX")), &r);
    EXPECT_EQ(Str(r["notCreated"]["k1"], "type"), "blobNotFound") << t->last_;
    EXPECT_TRUE(r["created"].is_null());
    Result<std::string> read =
        co_await jmap::ReadAccountBlob(t->services_, t->bob_.account_id, blob);
    EXPECT_TRUE(!read && read.error().code == ErrorCode::kNotFound);
    // Bob's own mailbox in Alice's import; a bad keyword; a bad date.
    co_await t->Call(EmailImport, t->alice_, ImportArgs(blob, t->BoxId("bob/INBOX")), &r);
    EXPECT_EQ(Str(r["notCreated"]["k1"], "type"), "invalidProperties") << t->last_;
    EXPECT_EQ(StrList(r["notCreated"]["k1"], "properties"), Strs("mailboxIds"));
    co_await t->Call(EmailImport, t->alice_,
                     ImportArgs(blob, t->BoxId("alice/INBOX"), ",\"receivedAt\":\"yesterday\""),
                     &r);
    EXPECT_EQ(StrList(r["notCreated"]["k1"], "properties"), Strs("receivedAt")) << t->last_;
    std::string name =
        co_await t->Call(EmailImport, t->alice_, "{\"ifInState\":\"999\",\"emails\":{}}", &r);
    EXPECT_EQ(name, "error");
    EXPECT_EQ(Str(r, "type"), "stateMismatch");
    EXPECT_TRUE(t->events_.calls.empty());
  }(this));
}

TEST_F(EmailMethodsTest, ImportOverQuota) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    AccountUpdate update;
    update.name = "alice";
    update.quota_bytes = 10;
    Result<AccountRecord> updated = co_await t->metadata().UpdateAccount(update);
    EXPECT_TRUE(updated.has_value());
    const std::string blob = co_await Upload(t, t->alice_, kMessage);
    simdjson::dom::element r;
    co_await t->Call(EmailImport, t->alice_, ImportArgs(blob, t->BoxId("alice/INBOX")), &r);
    EXPECT_EQ(Str(r["notCreated"]["k1"], "type"), "overQuota") << t->last_;
  }(this));
}

TEST_F(EmailMethodsTest, ParseRendersBlobsAsEmails) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const std::string blob = co_await Upload(t, t->alice_, kMessage);
    const std::string junk = co_await Upload(t, t->alice_, "no header here");
    const std::string bobs = co_await Upload(t, t->bob_, "Subject: bob's\r\n\r\nx\r\n");
    simdjson::dom::element r;
    std::string name =
        co_await t->Call(EmailParse, t->alice_,
                         "{\"blobIds\":[\"" + blob + "\",\"" + junk + "\",\"" + bobs +
                             "\",\"Bnope\"],\"properties\":[\"id\",\"subject\",\"size\",\"blobId\","
                             "\"mailboxIds\",\"bodyValues\"],\"fetchTextBodyValues\":true}",
                         &r);
    EXPECT_EQ(name, "Email/parse") << t->last_;
    simdjson::dom::element e = r["parsed"][blob];
    EXPECT_EQ(Str(e, "subject"), "imported") << t->last_;
    EXPECT_TRUE(e["id"].is_null());
    EXPECT_TRUE(e["mailboxIds"].is_null());
    EXPECT_EQ(Str(e, "blobId"), blob);
    EXPECT_EQ(Num(e, "size"), std::string(kMessage).size());
    EXPECT_NE(Json(e["bodyValues"]).find("hello from the upload"), std::string::npos);
    EXPECT_EQ(StrList(r, "notParsable"), Strs(junk));
    EXPECT_EQ(StrList(r, "notFound"), Strs(bobs, "Bnope"));
    // Without properties: RFC 8621's defaults, no metadata.
    co_await t->Call(EmailParse, t->alice_, "{\"blobIds\":[\"" + blob + "\"]}", &r);
    e = r["parsed"][blob];
    EXPECT_EQ(Str(e, "subject"), "imported") << t->last_;
    EXPECT_FALSE(e["id"].error() == simdjson::SUCCESS);
  }(this));
}

TEST_F(EmailMethodsTest, BlobCopyAndEmailCopyStayInTheAccount) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const std::string blob = co_await Upload(t, t->alice_, kMessage);
    const std::string bobs = co_await Upload(t, t->bob_, "Subject: bob's\r\n\r\nx\r\n");
    simdjson::dom::element r;
    const std::string alice = t->alice_.jmap_account_id;
    co_await t->Call(
        BlobCopy, t->alice_,
        "{\"fromAccountId\":\"" + alice + "\",\"blobIds\":[\"" + blob + "\",\"" + bobs + "\"]}",
        &r);
    EXPECT_EQ(Str(r["copied"], blob), blob) << t->last_;
    EXPECT_EQ(Str(r["notCopied"][bobs], "type"), "blobNotFound");
    std::string name = co_await t->Call(
        BlobCopy, t->alice_,
        "{\"fromAccountId\":\"" + t->bob_.jmap_account_id + "\",\"blobIds\":[]}", &r);
    EXPECT_EQ(name, "error");
    EXPECT_EQ(Str(r, "type"), "fromAccountNotFound");
    name = co_await t->Call(EmailCopy, t->alice_,
                            "{\"fromAccountId\":\"" + t->bob_.jmap_account_id + "\",\"create\":{}}",
                            &r);
    EXPECT_EQ(Str(r, "type"), "fromAccountNotFound");
    name = co_await t->Call(EmailCopy, t->alice_,
                            "{\"fromAccountId\":\"" + alice + "\",\"create\":{}}", &r);
    EXPECT_EQ(Str(r, "type"), "invalidArguments");
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
