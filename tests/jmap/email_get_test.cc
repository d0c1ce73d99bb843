// Email/get (RFC 8621 §4.2) over a real store: properties from the store and from the
// message, body parts, header forms, body values, and ids that are not the caller's.
#include <gtest/gtest.h>

#include "email_test_util.h"
#include "jmap/email_render.h"

namespace ringmail::testing {
namespace {

using jmap::EmailGet;

const char kRich[] =
    "From: \"Ann Example\" <ann@example.test>\r\n"
    "To: alice@example.test, =?UTF-8?Q?B=C3=A9a?= <bea@example.test>\r\n"
    "Cc: Team: carl@example.test;\r\n"
    "Subject: =?UTF-8?Q?Caf=C3=A9?= plans\r\n"
    "Date: Tue, 14 Nov 2023 22:13:20 +0100\r\n"
    "Message-ID: <rich@example.test>\r\n"
    "In-Reply-To: <parent@example.test>\r\n"
    "References: <root@example.test> <parent@example.test>\r\n"
    "List-Post: <mailto:list@example.test>\r\n"
    "X-Tag: first\r\n"
    "X-Tag: second\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=\"alt\"\r\n"
    "\r\n"
    "--alt\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Let's meet at the caf=C3=A9 tomorrow.\r\n"
    "--alt\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    "<p>Let's meet at the caf\xc3\xa9 tomorrow.</p>\r\n"
    "--alt--\r\n"
    "--outer\r\n"
    "Content-Type: application/pdf; name=\"plan.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"plan.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0xLjQK\r\n"
    "--outer--\r\n";

TEST_F(EmailMethodsTest, GetDefaultPropertiesFromStoreAndMessage) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    MessageFlags flags;
    flags.seen = true;
    flags.keywords = {"Work"};
    const std::string id =
        co_await t->Deliver(kRich, Ids(t->Box("alice/INBOX"), t->Box("alice/Archive")), flags);
    simdjson::dom::element r;
    const std::string name =
        co_await t->Call(EmailGet, t->alice_, "{\"accountId\":\"x\",\"ids\":[\"" + id + "\"]}", &r);
    EXPECT_EQ(name, "Email/get") << t->last_;
    EXPECT_EQ(Str(r, "accountId"), t->alice_.jmap_account_id);
    EXPECT_FALSE(Str(r, "state").empty());
    simdjson::dom::element e = At(r, "list", 0);
    EXPECT_EQ(Str(e, "id"), id);
    EXPECT_EQ(Str(e, "threadId"), "T" + id.substr(1));
    EXPECT_EQ(Str(e, "blobId"), "B" + BlobKey::Of(kRich).Hex());
    EXPECT_EQ(Json(e["mailboxIds"]), "{\"" + t->BoxId("alice/INBOX") + "\":true,\"" +
                                         t->BoxId("alice/Archive") + "\":true}")
        << Json(e["mailboxIds"]);
    EXPECT_EQ(Json(e["keywords"]), "{\"$seen\":true,\"work\":true}");
    EXPECT_EQ(Num(e, "size"), sizeof(kRich) - 1);
    EXPECT_EQ(Str(e, "receivedAt"), "2023-11-14T22:13:20Z");
    EXPECT_EQ(Str(e, "sentAt"), "2023-11-14T21:13:20Z");
    EXPECT_EQ(Str(e, "subject"), "Caf\xc3\xa9 plans");
    EXPECT_EQ(StrList(e, "messageId"), Strs("rich@example.test"));
    EXPECT_EQ(StrList(e, "inReplyTo"), Strs("parent@example.test"));
    EXPECT_EQ(StrList(e, "references"), Strs("root@example.test", "parent@example.test"));
    EXPECT_EQ(Json(e["from"]), "[{\"name\":\"Ann Example\",\"email\":\"ann@example.test\"}]");
    EXPECT_EQ(Json(e["to"]),
              "[{\"name\":null,\"email\":\"alice@example.test\"},"
              "{\"name\":\"B\xc3\xa9\x61\",\"email\":\"bea@example.test\"}]");
    EXPECT_EQ(Json(e["cc"]), "[{\"name\":null,\"email\":\"carl@example.test\"}]");
    EXPECT_TRUE(IsNull(e["bcc"]));
    EXPECT_TRUE(IsNull(e["sender"]));
    EXPECT_TRUE(Flag(e, "hasAttachment"));
    EXPECT_EQ(Str(e, "preview"), "Let's meet at the caf\xc3\xa9 tomorrow.");
    EXPECT_EQ(Json(e["bodyValues"]), "{}");
    // multipart/mixed(0) > multipart/alternative(1) > text/plain(2), text/html(3); pdf(4).
    EXPECT_EQ(Str(At(e, "textBody", 0), "partId"), "2");
    EXPECT_EQ(Str(At(e, "textBody", 0), "type"), "text/plain");
    EXPECT_EQ(Str(At(e, "textBody", 0), "charset"), "utf-8");
    EXPECT_EQ(Str(At(e, "htmlBody", 0), "partId"), "3");
    simdjson::dom::element pdf = At(e, "attachments", 0);
    EXPECT_EQ(Str(pdf, "name"), "plan.pdf");
    EXPECT_EQ(Str(pdf, "type"), "application/pdf");
    EXPECT_EQ(Str(pdf, "disposition"), "attachment");
    EXPECT_EQ(Num(pdf, "size"), 9u);  // "%PDF-1.4\n"
    EXPECT_TRUE(IsNull(pdf["charset"]));
    EXPECT_EQ(Str(pdf, "blobId"), "B" + BlobKey::Of(kRich).Hex() + "_4");
  }(this));
}

TEST_F(EmailMethodsTest, GetServesStorePropertiesWithoutTheBlob) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const std::string id = co_await t->Deliver(kRich, Ids(t->Box("alice/INBOX")));
    // The blob is gone: properties from the store still work, message ones fail.
    std::filesystem::remove_all(t->blob_root());
    simdjson::dom::element r;
    const std::string name =
        co_await t->Call(EmailGet, t->alice_,
                         "{\"ids\":[\"" + id +
                             "\"],\"properties\":[\"threadId\",\"keywords\",\"size\","
                             "\"receivedAt\",\"mailboxIds\",\"blobId\"]}",
                         &r);
    EXPECT_EQ(name, "Email/get") << t->last_;
    EXPECT_EQ(Str(At(r, "list", 0), "id"), id);  // always returned
    EXPECT_EQ(Json(At(r, "list", 0)["keywords"]), "{}");
    // (subject may come from this core's summary cache: email_summary_test.cc)
    const std::string failed = co_await t->Call(
        EmailGet, t->alice_, "{\"ids\":[\"" + id + "\"],\"properties\":[\"bodyStructure\"]}", &r);
    EXPECT_EQ(failed, "error");
  }(this));
}

TEST_F(EmailMethodsTest, GetHeaderFormsBodyValuesAndBodyStructure) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const std::string id = co_await t->Deliver(kRich, Ids(t->Box("alice/INBOX")));
    simdjson::dom::element r;
    co_await t->Call(
        EmailGet, t->alice_,
        "{\"ids\":[\"" + id +
            "\"],\"properties\":[\"header:subject:asText\","
            "\"header:X-Tag:all\",\"header:X-Tag\",\"header:From:asAddresses\","
            "\"header:Cc:asGroupedAddresses\",\"header:List-Post:asURLs\",\"header:Date:asDate\","
            "\"header:X-Missing\",\"header:X-Missing:all\",\"bodyValues\",\"bodyStructure\"],"
            "\"fetchTextBodyValues\":true,\"fetchHTMLBodyValues\":true,\"maxBodyValueBytes\":12,"
            "\"bodyProperties\":[\"partId\",\"type\"]}",
        &r);
    simdjson::dom::element e = At(r, "list", 0);
    EXPECT_EQ(Str(e, "header:subject:asText"), "Caf\xc3\xa9 plans") << t->last_;
    EXPECT_EQ(StrList(e, "header:X-Tag:all"), Strs(" first", " second"));
    EXPECT_EQ(Str(e, "header:X-Tag"), " second");
    EXPECT_EQ(Json(e["header:From:asAddresses"]),
              "[{\"name\":\"Ann Example\",\"email\":\"ann@example.test\"}]");
    EXPECT_EQ(
        Json(e["header:Cc:asGroupedAddresses"]),
        "[{\"name\":\"Team\",\"addresses\":[{\"name\":null,\"email\":\"carl@example.test\"}]}]");
    EXPECT_EQ(StrList(e, "header:List-Post:asURLs"), Strs("mailto:list@example.test"));
    EXPECT_EQ(Str(e, "header:Date:asDate"), "2023-11-14T21:13:20Z");
    EXPECT_TRUE(IsNull(e["header:X-Missing"]));
    EXPECT_EQ(Json(e["header:X-Missing:all"]), "[]");
    EXPECT_EQ(
        Json(e["bodyValues"]),
        "{\"2\":{\"value\":\"Let's meet a\",\"isEncodingProblem\":false,\"isTruncated\":true},"
        "\"3\":{\"value\":\"<p>Let's mee\",\"isEncodingProblem\":false,\"isTruncated\":true}}");
    EXPECT_EQ(Json(e["bodyStructure"]),
              "{\"partId\":null,\"type\":\"multipart/mixed\",\"subParts\":["
              "{\"partId\":null,\"type\":\"multipart/alternative\",\"subParts\":["
              "{\"partId\":\"2\",\"type\":\"text/plain\",\"subParts\":null},"
              "{\"partId\":\"3\",\"type\":\"text/html\",\"subParts\":null}]},"
              "{\"partId\":\"4\",\"type\":\"application/pdf\",\"subParts\":null}]}");
  }(this));
}

TEST_F(EmailMethodsTest, GetOtherAccountsAndUnknownIdsAreNotFound) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const std::string mine = co_await t->Deliver(kRich, Ids(t->Box("alice/INBOX")));
    const std::string theirs =
        co_await t->Deliver("Subject: x\r\n\r\nx\r\n", Ids(t->Box("bob/INBOX")));
    simdjson::dom::element r;
    co_await t->Call(EmailGet, t->alice_,
                     "{\"ids\":[\"" + theirs + "\",\"M999999\",\"garbage\",\"" + mine +
                         "\"],\"properties\":[\"id\"]}",
                     &r);
    EXPECT_EQ(Json(r["list"]), "[{\"id\":\"" + mine + "\"}]");
    EXPECT_EQ(StrList(r, "notFound"), Strs(theirs, "M999999", "garbage"));
    // ids null: every email of the account, none of the other's.
    co_await t->Call(EmailGet, t->alice_, "{\"ids\":null,\"properties\":[\"id\"]}", &r);
    EXPECT_EQ(Json(r["list"]), "[{\"id\":\"" + mine + "\"}]");
  }(this));
}

TEST_F(EmailMethodsTest, GetRejectsUnknownPropertiesAndArguments) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    simdjson::dom::element r;
    {
      const std::string n =
          co_await t->Call(EmailGet, t->alice_, "{\"ids\":[],\"properties\":[\"nope\"]}", &r);
      EXPECT_EQ(n, "error");
    }
    EXPECT_EQ(Str(r, "type"), "invalidArguments");
    {
      const std::string n =
          co_await t->Call(EmailGet, t->alice_, "{\"ids\":[],\"bodyProperties\":[\"x\"]}", &r);
      EXPECT_EQ(n, "error");
    }
    EXPECT_EQ(Str(r, "type"), "invalidArguments");
    {
      const std::string n =
          co_await t->Call(EmailGet, t->alice_, "{\"ids\":[],\"frobnicate\":1}", &r);
      EXPECT_EQ(n, "error");
    }
    EXPECT_EQ(Str(r, "type"), "invalidArguments");
    {
      const std::string n = co_await t->Call(EmailGet, t->alice_, "{\"ids\":\"M1\"}", &r);
      EXPECT_EQ(n, "error");
    }
    EXPECT_EQ(Str(r, "type"), "invalidArguments");
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
