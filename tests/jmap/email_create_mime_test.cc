// Email/set create's pure steps (jmap/email_create.h): ReadEmailDraft's rules and
// ComposeMessage's shapes. Every composed message is parsed back with the project's MIME
// parser (mime/message_parser.h) and checked part by part.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "base/json_writer.h"
#include "jmap/email_create.h"
#include "jmap/email_render.h"
#include "mime/header.h"
#include "mime/message_parser.h"
#include "mime/transfer_decoding.h"

namespace ringmail::jmap {
namespace {

class EmailCreateMimeTest : public ::testing::Test {
 protected:
  std::expected<EmailDraft, CreateError> Read(const std::string& json) {
    simdjson::dom::element e;
    EXPECT_EQ(parser_.parse(json).get(e), simdjson::SUCCESS) << json;
    simdjson::dom::object o;
    EXPECT_EQ(e.get_object().get(o), simdjson::SUCCESS);
    return ReadEmailDraft(o);
  }
  // Reads and composes `json`; fails the test when it is refused.
  std::string Compose(const std::string& json) {
    std::expected<EmailDraft, CreateError> d = Read(json);
    EXPECT_TRUE(d.has_value()) << json << " -> " << (d ? "" : d.error().description);
    if (!d) return "";
    std::map<std::string, std::string> blobs;
    for (const std::string& id : DraftBlobIds(*d)) blobs[id] = "blob " + id + "\x01\x02\xff";
    return ComposeMessage(*d, blobs, ComposeOptions{"mail.example.test", 1700000000, 42});
  }
  // The error of a refused `json`.
  CreateError Refused(const std::string& json) {
    std::expected<EmailDraft, CreateError> d = Read(json);
    EXPECT_FALSE(d.has_value()) << json;
    return d ? CreateError{} : d.error();
  }
  simdjson::dom::parser parser_;
};

constexpr char kBox[] = "\"mailboxIds\":{\"F1\":true}";

// "type/subtype" of every part in tree order, children indented by nesting.
std::string Shape(const mime::ParsedMessage& m, uint32_t i = 0) {
  std::string out = m[i].content_type.type + "/" + m[i].content_type.subtype;
  if (!m[i].children.empty()) {
    out += "[";
    for (size_t k = 0; k < m[i].children.size(); ++k) {
      out += (k ? "," : "") + Shape(m, m[i].children[k]);
    }
    out += "]";
  }
  return out;
}

std::string Content(const std::string& msg, const mime::ParsedMessage& m, uint32_t i) {
  return mime::DecodeTransferEncoding(m[i].body.In(msg), m[i].transfer_encoding);
}

std::string Header(const std::string& msg, std::string_view name) {
  const std::string_view block(msg.data(), mime::HeaderBlockSize(msg));
  std::optional<std::string_view> v = mime::FindHeader(block, name);
  return v ? mime::DecodeHeaderValue(*v) : "<none>";
}

TEST_F(EmailCreateMimeTest, TextOnly) {
  const std::string msg = Compose(std::string("{") + kBox +
                                  ",\"subject\":\"hi\",\"textBody\":[{\"partId\":\"1\"}],"
                                  "\"bodyValues\":{\"1\":{\"value\":\"hello\\nworld\"}}}");
  const mime::ParsedMessage m = mime::ParseMessage(msg);
  EXPECT_EQ(Shape(m), "text/plain");
  EXPECT_EQ(Content(msg, m, 0), "hello\r\nworld");
  EXPECT_EQ(m[0].transfer_encoding, "");  // 7bit
  EXPECT_EQ(Header(msg, "Subject"), "hi");
  EXPECT_EQ(Header(msg, "MIME-Version"), "1.0");
  EXPECT_EQ(Header(msg, "Date"), "Tue, 14 Nov 2023 22:13:20 +0000");
  EXPECT_TRUE(Header(msg, "Message-ID").ends_with("@mail.example.test>"));
  EXPECT_NE(msg.find("charset=utf-8"), std::string::npos);
}

TEST_F(EmailCreateMimeTest, TextHtmlAttachmentInline) {
  const std::string msg = Compose(
      std::string("{") + kBox +
      ",\"textBody\":[{\"partId\":\"t\"}],\"htmlBody\":[{\"partId\":\"h\",\"type\":\"text/html\"}],"
      "\"attachments\":[{\"blobId\":\"Bfile\",\"type\":\"application/pdf\",\"name\":\"r é.pdf\"},"
      "{\"blobId\":\"Bimg\",\"type\":\"image/png\",\"disposition\":\"inline\",\"cid\":\"i1@x\"}],"
      "\"bodyValues\":{\"t\":{\"value\":\"Grüße\"},\"h\":{\"value\":\"<p>Grüße</p>\"}}}");
  const mime::ParsedMessage m = mime::ParseMessage(msg);
  EXPECT_EQ(Shape(m),
            "multipart/mixed[multipart/alternative[text/plain,multipart/related[text/html,image/"
            "png]],application/pdf]");
  // parts: 0 mixed, 1 alternative, 2 text, 3 related, 4 html, 5 png, 6 pdf
  EXPECT_EQ(m[2].transfer_encoding, "quoted-printable");
  EXPECT_EQ(Content(msg, m, 2), "Grüße");
  EXPECT_EQ(Content(msg, m, 4), "<p>Grüße</p>");
  EXPECT_EQ(m[5].id.value_or(""), "<i1@x>");
  EXPECT_EQ(m[5].disposition->type, "inline");
  EXPECT_EQ(m[6].transfer_encoding, "base64");
  EXPECT_EQ(Content(msg, m, 6), std::string("blob Bfile\x01\x02\xff"));
  EXPECT_EQ(m[6].disposition->type, "attachment");
  EXPECT_EQ(mime::FindParam(m[6].disposition->params, "filename")->value, "r é.pdf");
}

TEST_F(EmailCreateMimeTest, InlineWithoutHtmlIsAnAttachment) {
  const std::string msg =
      Compose(std::string("{") + kBox +
              ",\"textBody\":[{\"partId\":\"t\"}],\"attachments\":[{\"blobId\":\"Bimg\",\"type\":"
              "\"image/png\",\"disposition\":\"inline\",\"cid\":\"c\"}],"
              "\"bodyValues\":{\"t\":{\"value\":\"x\"}}}");
  EXPECT_EQ(Shape(mime::ParseMessage(msg)), "multipart/mixed[text/plain,image/png]");
}

TEST_F(EmailCreateMimeTest, HtmlOnlyAndNoBody) {
  EXPECT_EQ(
      Shape(mime::ParseMessage(Compose(std::string("{") + kBox +
                                       ",\"htmlBody\":[{\"partId\":\"h\",\"type\":\"text/html\"}],"
                                       "\"bodyValues\":{\"h\":{\"value\":\"<b>x</b>\"}}}"))),
      "text/html");
  const std::string empty = Compose(std::string("{") + kBox + "}");
  EXPECT_EQ(Shape(mime::ParseMessage(empty)), "text/plain");
}

TEST_F(EmailCreateMimeTest, BodyStructureNested) {
  const std::string msg = Compose(
      std::string("{") + kBox +
      ",\"bodyStructure\":{\"type\":\"multipart/mixed\",\"header:X-Root\":\"r\",\"subParts\":["
      "{\"type\":\"multipart/alternative\",\"subParts\":[{\"partId\":\"a\"},"
      "{\"partId\":\"b\",\"type\":\"text/html\",\"language\":[\"en\",\"de\"]}]},"
      "{\"blobId\":\"Bm\",\"type\":\"message/rfc822\"}]},"
      "\"bodyValues\":{\"a\":{\"value\":\"A\"},\"b\":{\"value\":\"B\"}}}");
  const mime::ParsedMessage m = mime::ParseMessage(msg);
  EXPECT_EQ(Shape(m),
            "multipart/mixed[multipart/alternative[text/plain,text/html],message/rfc822]");
  EXPECT_EQ(Header(msg, "X-Root"), "r");
  // parts: 0 mixed, 1 alternative, 2 text, 3 html, 4 message (5: the message inside)
  EXPECT_EQ(m[3].languages, (std::vector<std::string>{"en", "de"}));
  EXPECT_EQ(m[4].transfer_encoding, "8bit");  // message/* is never base64
}

TEST_F(EmailCreateMimeTest, LongAndEightBitTextIsQuotedPrintable) {
  const std::string long_line(2000, 'a');
  const std::string msg = Compose(std::string("{") + kBox +
                                  ",\"textBody\":[{\"partId\":\"1\"}],\"bodyValues\":{\"1\":{"
                                  "\"value\":\"" +
                                  long_line + "\"}}}");
  const mime::ParsedMessage m = mime::ParseMessage(msg);
  EXPECT_EQ(m[0].transfer_encoding, "quoted-printable");
  EXPECT_EQ(Content(msg, m, 0), long_line);
  for (size_t pos = 0, end; (end = msg.find("\r\n", pos)) != std::string::npos; pos = end + 2) {
    EXPECT_LE(end - pos, 998u);
  }
}

TEST_F(EmailCreateMimeTest, HeadersEncodedAndOrdered) {
  const std::string msg = Compose(
      std::string("{") + kBox +
      ",\"subject\":\"Grüße aus Köln, wie geht es dir heute an diesem schönen langen Tag?\","
      "\"from\":[{\"name\":\"Zoë\",\"email\":\"zoe@example.test\"}],"
      "\"to\":[{\"name\":\"Bob, "
      "Jr.\",\"email\":\"bob@example.test\"},{\"email\":\"c@example.test\"}],"
      "\"sentAt\":\"2024-05-01T12:00:00+02:00\",\"messageId\":[\"m1@example.test\"],"
      "\"references\":[\"a@x\",\"b@x\"],\"header:List-Post:asURLs\":[\"mailto:l@x\"],"
      "\"header:X-Grouped:asGroupedAddresses\":[{\"name\":\"Team\",\"addresses\":[{\"email\":"
      "\"t@x\"}]}],\"header:X-Raw:asRaw\":\" raw  value\",\"header:X-Two:all\":[\" 1\",\" 2\"]}");
  EXPECT_EQ(Header(msg, "Subject"),
            "Grüße aus Köln, wie geht es dir heute an diesem schönen langen Tag?");
  EXPECT_EQ(Header(msg, "From"), "Zoë <zoe@example.test>");
  EXPECT_EQ(Header(msg, "To"), "\"Bob, Jr.\" <bob@example.test>, c@example.test");
  EXPECT_EQ(Header(msg, "Date"), "Wed, 01 May 2024 12:00:00 +0200");
  EXPECT_EQ(Header(msg, "Message-ID"), "<m1@example.test>");
  EXPECT_EQ(Header(msg, "References"), "<a@x> <b@x>");
  EXPECT_EQ(Header(msg, "List-Post"), "<mailto:l@x>");
  EXPECT_EQ(Header(msg, "X-Grouped"), "Team: t@x;");
  EXPECT_NE(msg.find("X-Raw: raw  value\r\n"), std::string::npos);
  EXPECT_NE(msg.find("X-Two: 1\r\nX-Two: 2\r\n"), std::string::npos) << msg;
  EXPECT_LT(msg.find("From:"), msg.find("Subject:"));
  const std::string_view block(msg.data(), mime::HeaderBlockSize(msg));
  for (size_t pos = 0, end; (end = block.find("\r\n", pos)) != std::string::npos; pos = end + 2) {
    EXPECT_LE(end - pos, 78u) << block.substr(pos, end - pos);
  }
}

// Email/get's rendering (jmap/email_render.h) of each composed message shows every header
// property with the value it was created from, and the bodies' values.
TEST_F(EmailCreateMimeTest, RoundTripsThroughEmailGetRendering) {
  const std::string box = std::string("\"mailboxIds\":{\"F1\":true},");
  const std::string emails[] = {
      "{\"subject\":\"plain\",\"from\":[{\"name\":null,\"email\":\"a@example.test\"}]}",
      "{\"subject\":\"Grüße aus Köln — ein längerer Betreff, der gefaltet werden muss, "
      "wirklich\",\"from\":[{\"name\":\"Zoë Ångström\",\"email\":\"zoe@example.test\"}],"
      "\"to\":[{\"name\":\"Bob, Jr.\",\"email\":\"bob@example.test\"},{\"name\":\"\\\"Q\\\" "
      "\\\\ x\",\"email\":\"q@example.test\"},{\"name\":null,\"email\":\"c@example.test\"}],"
      "\"cc\":[{\"name\":\"日本語の名前\",\"email\":\"j@example.test\"}],"
      "\"replyTo\":[{\"name\":\"=?fake?=\",\"email\":\"r@example.test\"}],"
      "\"sentAt\":\"2024-05-01T10:00:00Z\",\"messageId\":[\"m1@example.test\"],"
      "\"inReplyTo\":[\"p1@example.test\",\"p2@example.test\"],"
      "\"references\":[\"r1@example.test\",\"r2@example.test\"]}",
      "{\"header:X-Text:asText\":\"ünïcödé text\",\"header:List-Post:asURLs\":"
      "[\"mailto:list@example.test\",\"https://example.test/post\"],"
      "\"header:X-Addr:asGroupedAddresses\":[{\"name\":\"Team Ä\",\"addresses\":[{\"name\":"
      "\"A\",\"email\":\"a@x.test\"},{\"name\":null,\"email\":\"b@x.test\"}]},{\"name\":null,"
      "\"addresses\":[{\"name\":null,\"email\":\"c@x.test\"}]}],"
      "\"header:X-Multi:asText:all\":[\"one\",\"twö\"],\"header:Resent-Date:asDate\":"
      "\"2020-02-29T23:59:59Z\"}",
      "{\"sender\":[{\"name\":\"S\",\"email\":\"s@example.test\"}],\"bcc\":[{\"name\":null,"
      "\"email\":\"quoted local\\\"part@example.test\"}],\"subject\":\"" +
          std::string(120, 'x') + " " + std::string(950, 'y') + "\"}",
  };
  for (const std::string& email : emails) {
    const std::string json = "{" + box + email.substr(1);
    const std::string msg = Compose(json);
    LoadedMessage loaded{msg, mime::ParseMessage(msg)};
    simdjson::dom::parser input_parser, output_parser;
    simdjson::dom::object input;
    ASSERT_EQ(input_parser.parse(email).get(input), simdjson::SUCCESS) << email;
    EmailFetch fetch;
    for (auto [key, value] : input) fetch.properties.emplace_back(key);
    EmailRecord record;
    record.placements.push_back({1, 1});
    std::string out;
    JsonWriter w(&out);
    WriteEmail(w, record, &loaded, fetch);
    simdjson::dom::element rendered;
    ASSERT_EQ(output_parser.parse(out).get(rendered), simdjson::SUCCESS) << out;
    for (auto [key, value] : input) {
      simdjson::dom::element got;
      ASSERT_EQ(rendered[key].get(got), simdjson::SUCCESS) << key;
      EXPECT_EQ(simdjson::to_string(got), simdjson::to_string(value)) << key << "\n" << msg;
    }
  }
}

TEST_F(EmailCreateMimeTest, BodyValuesRoundTripThroughEmailGetRendering) {
  const std::string values[] = {"ascii",
                                "Grüße\nzweite Zeile\n",
                                std::string(1500, 'l'),
                                "trailing space \nand tab\t",
                                "=3D and =?x?= stay",
                                "<p>&amp;</p>"};
  for (const std::string& value : values) {
    std::string escaped;
    JsonWriter(&escaped).String(value);
    const std::string msg = Compose(
        std::string("{") + kBox + ",\"textBody\":[{\"partId\":\"t\"}],\"htmlBody\":[{\"partId\":" +
        "\"h\",\"type\":\"text/html\"}],\"bodyValues\":{\"t\":{\"value\":" + escaped +
        "},\"h\":{\"value\":" + escaped + "}}}");
    LoadedMessage loaded{msg, mime::ParseMessage(msg)};
    EmailFetch fetch;
    fetch.properties = {"textBody", "htmlBody", "bodyValues"};
    fetch.body_properties = {"partId", "type", "charset"};
    fetch.fetch_all_values = true;
    std::string out;
    JsonWriter w(&out);
    EmailRecord record;
    record.placements.push_back({1, 1});
    WriteEmail(w, record, &loaded, fetch);
    simdjson::dom::parser p;
    simdjson::dom::element e;
    ASSERT_EQ(p.parse(out).get(e), simdjson::SUCCESS);
    std::string crlf;
    for (char c : value) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    for (std::string_view list : {"textBody", "htmlBody"}) {
      std::string_view part, got, charset;
      ASSERT_EQ(e[list].at(0)["partId"].get_string().get(part), simdjson::SUCCESS) << out;
      EXPECT_EQ(e[list].at(0)["charset"].get_string().get(charset), simdjson::SUCCESS);
      EXPECT_EQ(charset, "utf-8");
      ASSERT_EQ(e["bodyValues"][part]["value"].get_string().get(got), simdjson::SUCCESS);
      EXPECT_EQ(got, crlf) << msg;
    }
  }
}

TEST_F(EmailCreateMimeTest, RefusedDrafts) {
  struct Case {
    std::string json;
    std::vector<std::string> properties;
  };
  const std::string t = ",\"bodyValues\":{\"1\":{\"value\":\"x\"}}";
  const Case cases[] = {
      {"{}", {"mailboxIds"}},
      {"{\"mailboxIds\":{}}", {"mailboxIds"}},
      {std::string("{") + kBox + ",\"id\":\"M1\"}", {"id"}},
      {std::string("{") + kBox + ",\"headers\":[]}", {"headers"}},
      {std::string("{") + kBox + ",\"from\":[{\"email\":\"a@x\"}],\"header:From\":\" a@x\"}",
       {"from", "header:From"}},
      {std::string("{") + kBox + ",\"header:Subject\":\"a\",\"header:subject:asText\":\"b\"}",
       {"header:Subject", "header:subject:asText"}},
      {std::string("{") + kBox + ",\"header:Content-Type\":\" text/plain\"}",
       {"header:Content-Type"}},
      {std::string("{") + kBox + ",\"header:From:asDate\":\"2024-01-01T00:00:00Z\"}",
       {"header:From:asDate"}},
      {std::string("{") + kBox + ",\"from\":[{\"email\":\"no-at\"}]}", {"from"}},
      {std::string("{") + kBox + ",\"sentAt\":\"yesterday\"}", {"sentAt"}},
      {std::string("{") + kBox + ",\"keywords\":{\"a b\":true}}", {"keywords/a b"}},
      {std::string("{") + kBox + ",\"header:X-Raw:asRaw\":\"a\\r\\nBcc: x@y\"}",
       {"header:X-Raw:asRaw"}},
      {std::string("{") + kBox +
           ",\"bodyStructure\":{\"partId\":\"1\"},\"textBody\":[{\"partId\":"
           "\"1\"}]" +
           t + "}",
       {"bodyStructure", "textBody"}},
      {std::string("{") + kBox + ",\"textBody\":[{\"partId\":\"1\",\"type\":\"text/html\"}]" + t +
           "}",
       {"textBody/0/type"}},
      {std::string("{") + kBox + ",\"textBody\":[{\"partId\":\"1\"},{\"partId\":\"1\"}]" + t + "}",
       {"textBody"}},
      {std::string("{") + kBox + ",\"textBody\":[{\"partId\":\"2\"}]" + t + "}",
       {"textBody/0/partId"}},
      {std::string("{") + kBox + ",\"textBody\":[{\"partId\":\"1\",\"blobId\":\"B\"}]" + t + "}",
       {"textBody/0/partId"}},
      {std::string("{") + kBox + ",\"textBody\":[{\"partId\":\"1\",\"charset\":\"latin1\"}]" + t +
           "}",
       {"textBody/0/charset"}},
      {std::string("{") + kBox + ",\"textBody\":[{\"partId\":\"1\",\"size\":3}]" + t + "}",
       {"textBody/0/size"}},
      {std::string("{") + kBox +
           ",\"attachments\":[{\"blobId\":\"B\",\"header:Content-Transfer-Encoding\":\" 7bit\"}]}",
       {"attachments/0/header:Content-Transfer-Encoding"}},
      {std::string("{") + kBox + ",\"bodyStructure\":{\"type\":\"text/plain\",\"subParts\":[]}}",
       {"bodyStructure/type"}},
      {std::string("{") + kBox +
           ",\"subject\":\"a\",\"bodyStructure\":{\"partId\":\"1\","
           "\"header:Subject\":\"b\"}" +
           t + "}",
       {"bodyStructure/header:Subject"}},
      {std::string("{") + kBox + ",\"bodyValues\":{\"1\":{\"value\":\"x\",\"isTruncated\":true}}}",
       {"bodyValues/1"}},
  };
  for (const Case& c : cases) {
    const CreateError e = Refused(c.json);
    EXPECT_EQ(e.type, "invalidProperties") << c.json;
    EXPECT_EQ(e.properties, c.properties) << c.json << " -> " << e.description;
  }
}

TEST_F(EmailCreateMimeTest, TooDeepOrTooManyParts) {
  std::string deep = "{\"type\":\"text/plain\",\"partId\":\"1\"}";
  for (size_t i = 0; i < kCreateDepthMax + 2; ++i) deep = "{\"subParts\":[" + deep + "]}";
  EXPECT_EQ(Refused(std::string("{") + kBox + ",\"bodyStructure\":" + deep +
                    ",\"bodyValues\":{\"1\":{\"value\":\"x\"}}}")
                .type,
            "invalidProperties");
  std::string many;
  for (size_t i = 0; i <= kCreatePartsMax; ++i)
    many += (i ? "," : "") + std::string("{\"blobId\":\"B\"}");
  EXPECT_EQ(Refused(std::string("{") + kBox + ",\"attachments\":[" + many + "]}").type,
            "invalidProperties");
}

}  // namespace
}  // namespace ringmail::jmap
