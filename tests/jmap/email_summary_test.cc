// Email/get's summary properties (jmap/email_summary.h): rendered from the cache they are
// byte for byte what rendering from the message gives, and Email/get answers them without
// reading the blob once this core has rendered them.
#include "jmap/email_summary.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "email_test_util.h"
#include "jmap/email_render.h"

namespace ringmail::testing {
namespace {

using jmap::EmailFetch;
using jmap::EmailGet;
using jmap::EmailSummaryJson;
using jmap::LoadedMessage;

// Messages whose headers exercise every form: encoded words, groups, repeated and missing
// fields, bad bytes, attachments; plus the MIME parser's fuzz seeds.
std::vector<std::string> Messages() {
  std::vector<std::string> out = {
      "",
      "no header at all",
      "Subject: only\r\n\r\nbody\r\n",
      "From: \"Ann\" <ann@example.test>, =?UTF-8?Q?B=C3=A9a?= <bea@example.test>\r\n"
      "Sender: s@example.test\r\nReply-To: Team: a@x.test, b@x.test;, c@x.test\r\n"
      "To: undisclosed-recipients:;\r\nCc: \"quoted local\\\"part\"@example.test\r\n"
      "Bcc: bad address\r\nSubject: =?UTF-8?B?Q2Fmw6k=?= \r\n  folded\r\n"
      "Subject: second\r\nDate: Tue, 14 Nov 2023 22:13:20 +0100\r\n"
      "Message-ID: <a@x> <b@x>\r\nIn-Reply-To: junk\r\nReferences: <r1@x>\r\n <r2@x>\r\n"
      "\r\nHi \xff\xfe there\r\n",
      "Date: not a date\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n"
      "\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Hello <b>world</b></p>\r\n--b\r\n"
      "Content-Type: image/png\r\nContent-Disposition: attachment; filename=x.png\r\n\r\n"
      "iVBOR\r\n--b--\r\n",
  };
  const std::filesystem::path corpus =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
      "fuzz/corpus/mime_message";
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    out.push_back(bytes.str());
  }
  return out;
}

// The default properties (only those a summary answers with `list_only`), as Email/get writes
// them from `message` and `summary`.
std::string Render(const LoadedMessage* message, const EmailSummaryJson* summary, bool list_only) {
  EmailFetch fetch;
  fetch.properties = jmap::DefaultEmailProperties();
  fetch.body_properties = jmap::DefaultBodyProperties();
  if (list_only) {
    std::erase_if(fetch.properties, [](const std::string& p) {
      return jmap::NeedsMessage(p) && !jmap::SummaryPropertyIndex(p);
    });
  }
  EmailRecord record;
  record.placements.push_back({1, 1});
  std::string out;
  JsonWriter w(&out);
  jmap::WriteEmail(w, record, message, fetch, summary);
  return out;
}

TEST(EmailSummary, RendersAsTheMessageDoes) {
  const std::vector<std::string> messages = Messages();
  ASSERT_GT(messages.size(), 8u);
  for (const std::string& bytes : messages) {
    LoadedMessage message{bytes, mime::ParseMessage(bytes)};
    std::shared_ptr<const EmailSummaryJson> summary = jmap::RenderEmailSummary(message);
    // Every property, from the bytes alone and with the summary answering its own.
    EXPECT_EQ(Render(&message, summary.get(), false), Render(&message, nullptr, false)) << bytes;
    // The summary alone answers the list properties exactly as the bytes do.
    const std::string from_summary = Render(nullptr, summary.get(), true);
    EXPECT_EQ(from_summary, Render(&message, nullptr, true)) << bytes;
    EXPECT_NE(from_summary.find("\"preview\":"), std::string::npos);
  }
}

TEST(EmailSummary, CacheKeepsAndFinds) {
  const BlobKey a = BlobKey::Of("a"), b = BlobKey::Of("b");
  auto summary = std::make_shared<EmailSummaryJson>();
  summary->values[0] = "null";
  jmap::KeepEmailSummary(a, summary);
  EXPECT_EQ(jmap::FindEmailSummary(a), summary);
  EXPECT_EQ(jmap::FindEmailSummary(b), nullptr);
}

TEST_F(EmailMethodsTest, GetListPropertiesFromCachedSummaryWithoutTheBlob) {
  RunOnReactor([](EmailMethodsTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    const std::string message =
        "From: Ann <ann@example.test>\r\nSubject: cached\r\nMessage-ID: <c@x>\r\n\r\nHello\r\n";
    const std::string id = co_await t->Deliver(message, Ids(t->Box("alice/INBOX")));
    const std::string call = "{\"accountId\":\"x\",\"ids\":[\"" + id +
                             "\"],\"properties\":[\"from\",\"subject\",\"messageId\","
                             "\"preview\",\"hasAttachment\",\"receivedAt\",\"keywords\"]}";
    simdjson::dom::element r;
    EXPECT_EQ(co_await t->Call(EmailGet, t->alice_, call, &r), "Email/get");
    const std::string first = t->last_;
    EXPECT_EQ(Str(At(r, "list", 0), "subject"), "cached") << first;
    // The blob is gone: the same answer comes from this core's summary.
    Result<void> deleted = co_await t->stores_.blobs->Delete(BlobKey::Of(message));
    EXPECT_TRUE(deleted.has_value());
    EXPECT_EQ(co_await t->Call(EmailGet, t->alice_, call, &r), "Email/get");
    EXPECT_EQ(t->last_, first);
    // A property that needs the bytes still reads them (and fails without them).
    const std::string body = "{\"accountId\":\"x\",\"ids\":[\"" + id +
                             "\"],\"properties\":[\"subject\",\"bodyStructure\"]}";
    EXPECT_EQ(co_await t->Call(EmailGet, t->alice_, body, &r), "error");
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
