#include "jmap/email_render.h"

#include <algorithm>

#include "imap/fetch_preview.h"
#include "jmap/email_body.h"
#include "jmap/email_headers.h"
#include "jmap/email_keywords.h"
#include "jmap/ids.h"
#include "mime/header.h"

namespace ringmail::jmap {
namespace {

// Store-only properties.
constexpr std::string_view kStoreProperties[] = {"id",       "blobId", "threadId",  "mailboxIds",
                                                 "keywords", "size",   "receivedAt"};
// Convenience header properties (RFC 8621 §4.1.3) and the form each is shown in.
constexpr std::pair<std::string_view, std::pair<std::string_view, HeaderForm>> kHeaderProperties[] =
    {{"messageId", {"Message-ID", HeaderForm::kMessageIds}},
     {"inReplyTo", {"In-Reply-To", HeaderForm::kMessageIds}},
     {"references", {"References", HeaderForm::kMessageIds}},
     {"sender", {"Sender", HeaderForm::kAddresses}},
     {"from", {"From", HeaderForm::kAddresses}},
     {"to", {"To", HeaderForm::kAddresses}},
     {"cc", {"Cc", HeaderForm::kAddresses}},
     {"bcc", {"Bcc", HeaderForm::kAddresses}},
     {"replyTo", {"Reply-To", HeaderForm::kAddresses}},
     {"subject", {"Subject", HeaderForm::kText}},
     {"sentAt", {"Date", HeaderForm::kDate}}};
constexpr std::string_view kMessageProperties[] = {"headers",       "bodyStructure", "textBody",
                                                   "htmlBody",      "attachments",   "bodyValues",
                                                   "hasAttachment", "preview"};

void WriteParts(JsonWriter& w, const LoadedMessage& m, const EmailRecord& e,
                const std::vector<uint32_t>& parts, const EmailFetch& fetch) {
  w.BeginArray();
  for (uint32_t p : parts) WriteBodyPart(w, m.bytes, m.tree, p, e.blob, fetch.body_properties);
  w.EndArray();
}

void WriteBodyValues(JsonWriter& w, const LoadedMessage& m, const BodyLists& lists,
                     const EmailFetch& fetch) {
  std::vector<uint32_t> parts;
  auto add = [&](const std::vector<uint32_t>& from) {
    for (uint32_t p : from) {
      if (m.tree[p].content_type.type == "text") parts.push_back(p);
    }
  };
  if (fetch.fetch_text_values || fetch.fetch_all_values) add(lists.text);
  if (fetch.fetch_html_values || fetch.fetch_all_values) add(lists.html);
  if (fetch.fetch_all_values) add(lists.attachments);
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  w.BeginObject();
  for (uint32_t p : parts) {
    w.Key(std::to_string(p));
    WriteBodyValue(w, m.bytes, m.tree, p, fetch.max_body_value_bytes);
  }
  w.EndObject();
}

void WriteStoreProperty(JsonWriter& w, const EmailRecord& e, std::string_view property) {
  if (property == "id") {
    w.String(EmailId(e.id));
  } else if (property == "blobId") {
    w.String(BlobId(e.blob));
  } else if (property == "threadId") {
    w.String(ThreadId(e.thread_id));
  } else if (property == "mailboxIds") {
    w.BeginObject();
    for (const EmailPlacement& p : e.placements) w.Key(MailboxId(p.mailbox_id)).Bool(true);
    w.EndObject();
  } else if (property == "keywords") {
    w.BeginObject();
    for (const std::string& k : KeywordsOf(e.flags)) w.Key(k).Bool(true);
    w.EndObject();
  } else if (property == "size") {
    w.Uint(e.size);
  } else if (property == "receivedAt") {
    w.String(UtcDate(e.received_at));
  }
}

void WriteMessageProperty(JsonWriter& w, const EmailRecord& e, const LoadedMessage& m,
                          const BodyLists& lists, std::string_view property,
                          const EmailFetch& fetch) {
  const std::string_view header = m.tree.root().header.In(m.bytes);
  for (const auto& [name, field] : kHeaderProperties) {
    if (property == name) {
      HeaderProperty p{std::string(field.first), field.second, false};
      WriteHeaderValue(w, header, p);
      return;
    }
  }
  if (std::optional<HeaderProperty> h = ParseHeaderProperty(property)) {
    WriteHeaderValue(w, header, *h);
  } else if (property == "headers") {
    w.BeginArray();
    for (const mime::HeaderField& f : mime::ParseHeaderFields(header)) {
      w.BeginObject().Key("name").String(f.name).Key("value").String(f.value).EndObject();
    }
    w.EndArray();
  } else if (property == "bodyStructure") {
    std::vector<std::string> props = fetch.body_properties;
    if (std::find(props.begin(), props.end(), "subParts") == props.end()) {
      props.push_back("subParts");
    }
    WriteBodyPart(w, m.bytes, m.tree, 0, e.blob, props);
  } else if (property == "textBody") {
    WriteParts(w, m, e, lists.text, fetch);
  } else if (property == "htmlBody") {
    WriteParts(w, m, e, lists.html, fetch);
  } else if (property == "attachments") {
    WriteParts(w, m, e, lists.attachments, fetch);
  } else if (property == "bodyValues") {
    WriteBodyValues(w, m, lists, fetch);
  } else if (property == "hasAttachment") {
    w.Bool(HasAttachment(lists));
  } else if (property == "preview") {
    w.String(EmailPreview(m));
  }
}

}  // namespace

std::vector<std::string> DefaultEmailProperties() {
  return {"id",         "blobId",     "threadId",      "mailboxIds",
          "keywords",   "size",       "receivedAt",    "messageId",
          "inReplyTo",  "references", "sender",        "from",
          "to",         "cc",         "bcc",           "replyTo",
          "subject",    "sentAt",     "hasAttachment", "preview",
          "bodyValues", "textBody",   "htmlBody",      "attachments"};
}

std::vector<std::string> DefaultBodyProperties() {
  return {"partId",  "blobId",      "size", "name",     "type",
          "charset", "disposition", "cid",  "language", "location"};
}

bool ValidEmailProperty(std::string_view property) {
  if (std::find(std::begin(kStoreProperties), std::end(kStoreProperties), property) !=
      std::end(kStoreProperties)) {
    return true;
  }
  return NeedsMessage(property);
}

bool NeedsMessage(std::string_view property) {
  for (const auto& entry : kHeaderProperties) {
    if (entry.first == property) return true;
  }
  if (std::find(std::begin(kMessageProperties), std::end(kMessageProperties), property) !=
      std::end(kMessageProperties)) {
    return true;
  }
  return ParseHeaderProperty(property).has_value();
}

std::string EmailPreview(const LoadedMessage& message) {
  return imap::MakePreview(message.bytes, message.tree);
}

std::shared_ptr<const EmailSummaryJson> RenderEmailSummary(const LoadedMessage& message) {
  auto summary = std::make_shared<EmailSummaryJson>();
  const BodyLists lists = PickBodyParts(message.tree);
  const EmailRecord unused_record;  // summary properties read neither record nor fetch
  const EmailFetch unused_fetch;
  for (size_t i = 0; i < kSummaryPropertyCount; ++i) {
    JsonWriter w(&summary->values[i]);
    WriteMessageProperty(w, unused_record, message, lists, kSummaryProperties[i], unused_fetch);
  }
  return summary;
}

void WriteEmail(JsonWriter& w, const EmailRecord& email, const LoadedMessage* message,
                const EmailFetch& fetch, const EmailSummaryJson* summary) {
  std::optional<BodyLists> lists;
  if (message != nullptr) lists = PickBodyParts(message->tree);
  w.BeginObject();
  for (const std::string& property : fetch.properties) {
    if (fetch.parsed && (property == "id" || property == "threadId" || property == "mailboxIds" ||
                         property == "keywords" || property == "receivedAt")) {
      w.Key(property).Null();
    } else if (!NeedsMessage(property)) {
      w.Key(property);
      WriteStoreProperty(w, email, property);
    } else if (std::optional<size_t> i = SummaryPropertyIndex(property); summary != nullptr && i) {
      w.Key(property).Raw(summary->values[*i]);
    } else if (message != nullptr) {
      w.Key(property);
      WriteMessageProperty(w, email, *message, *lists, property, fetch);
    }
  }
  w.EndObject();
}

}  // namespace ringmail::jmap
