// ReadEmailDraft: the Email object of an Email/set create checked against RFC 8621 §4.6 (which
// properties may be set, header fields not given twice, Content-* only on body parts, either
// bodyStructure or textBody/htmlBody/attachments, every partId in bodyValues) and its header
// fields encoded. Body parts: email_create_parts.cc; header values: email_create_fields.cc.
#include <algorithm>

#include "base/ascii.h"
#include "jmap/email_create_internal.h"
#include "jmap/email_keywords.h"
#include "jmap/ids.h"

namespace ringmail::jmap {
namespace {

// The convenience properties (RFC 8621 §4.1.2-4.1.3) in the order their fields are written.
struct Convenience {
  std::string_view property, field;
  HeaderForm form;
};
constexpr Convenience kConvenience[] = {
    {"from", "From", HeaderForm::kAddresses},
    {"sender", "Sender", HeaderForm::kAddresses},
    {"replyTo", "Reply-To", HeaderForm::kAddresses},
    {"to", "To", HeaderForm::kAddresses},
    {"cc", "Cc", HeaderForm::kAddresses},
    {"bcc", "Bcc", HeaderForm::kAddresses},
    {"subject", "Subject", HeaderForm::kText},
    {"sentAt", "Date", HeaderForm::kDate},
    {"messageId", "Message-ID", HeaderForm::kMessageIds},
    {"inReplyTo", "In-Reply-To", HeaderForm::kMessageIds},
    {"references", "References", HeaderForm::kMessageIds},
};

// The header fields of one Email or EmailBodyPart, and which property gave each field name

CreateRead ReadEmailMember(PartReader& r, EmailDraft& d, std::string_view key,
                           simdjson::dom::element v, bool* lists) {
  const std::string where(key);
  if (v.is_null()) return {};  // null is the default (RFC 8620 §5.3)
  if (key == "mailboxIds" || key == "keywords") {
    simdjson::dom::object o;
    if (v.get_object().get(o) != simdjson::SUCCESS) return std::unexpected(Invalid(where, ""));
    for (auto [k, on] : o) {
      bool b = false;
      const bool valid = on.get_bool().get(b) == simdjson::SUCCESS && b &&
                         (key == "mailboxIds" || SetKeyword(d.flags, k, true));
      if (!valid) return std::unexpected(Invalid(where + "/" + std::string(k), ""));
      if (key == "mailboxIds") d.mailbox_ids.emplace_back(k);
    }
  } else if (key == "receivedAt") {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS || !(d.received_at = ParseUtcDate(s))) {
      return std::unexpected(Invalid(where, "a UTCDate"));
    }
  } else if (key == "bodyStructure") {
    std::expected<DraftPart, CreateError> part = ReadBodyPart(r, v, where + "/", 0);
    if (!part) return std::unexpected(part.error());
    d.body_structure = std::move(*part);
  } else if (key == "textBody" || key == "htmlBody" || key == "attachments") {
    simdjson::dom::array list;
    if (v.get_array().get(list) != simdjson::SUCCESS) return std::unexpected(Invalid(where, ""));
    std::vector<DraftPart>& out = key == "textBody"   ? d.text_body
                                  : key == "htmlBody" ? d.html_body
                                                      : d.attachments;
    size_t i = 0;
    for (simdjson::dom::element e : list) {
      std::expected<DraftPart, CreateError> part =
          ReadBodyPart(r, e, where + "/" + std::to_string(i++) + "/", 1);
      if (!part) return std::unexpected(part.error());
      out.push_back(std::move(*part));
    }
    *lists = true;
  } else if (key == "bodyValues") {
    simdjson::dom::object o;
    if (v.get_object().get(o) != simdjson::SUCCESS) return std::unexpected(Invalid(where, ""));
    for (auto [id, value] : o) {
      std::string_view text;
      bool problem = false, truncated = false;
      simdjson::dom::element flag;
      const bool valid = value["value"].get_string().get(text) == simdjson::SUCCESS &&
                         (value["isEncodingProblem"].get(flag) != simdjson::SUCCESS ||
                          (flag.get_bool().get(problem) == simdjson::SUCCESS && !problem)) &&
                         (value["isTruncated"].get(flag) != simdjson::SUCCESS ||
                          (flag.get_bool().get(truncated) == simdjson::SUCCESS && !truncated));
      if (!valid) return std::unexpected(Invalid(where + "/" + std::string(id), ""));
      d.body_values.emplace(std::string(id), std::string(text));
    }
  } else {
    return std::unexpected(Invalid(where, "cannot be set"));
  }
  return {};
}

// Every partId of `part` and below is in bodyValues.
CreateRead CheckPartIds(const EmailDraft& d, const DraftPart& part, const std::string& path) {
  if (part.part_id && !d.body_values.contains(*part.part_id)) {
    return std::unexpected(Invalid(path + "partId", "no such bodyValues entry"));
  }
  for (size_t i = 0; i < part.sub_parts.size(); ++i) {
    CreateRead done =
        CheckPartIds(d, part.sub_parts[i], path + "subParts/" + std::to_string(i) + "/");
    if (!done) return done;
  }
  return {};
}

// The RFC's rules that span members.
CreateRead CheckDraft(const EmailDraft& d, bool lists) {
  if (d.mailbox_ids.empty()) return std::unexpected(Invalid("mailboxIds", "required"));
  if (d.body_structure && lists) {
    return std::unexpected(CreateError{"invalidProperties",
                                       "bodyStructure excludes textBody, htmlBody, attachments",
                                       {"bodyStructure", "textBody"},
                                       {}});
  }
  for (const auto& [list, type] :
       {std::pair{&d.text_body, "text/plain"}, std::pair{&d.html_body, "text/html"}}) {
    const std::string name = list == &d.text_body ? "textBody" : "htmlBody";
    if (list->size() > 1) return std::unexpected(Invalid(name, "at most one part"));
    if (!list->empty() && list->front().type != type) {
      return std::unexpected(Invalid(name + "/0/type", std::string("must be ") + type));
    }
  }
  for (const auto& [name, list] :
       {std::pair{"textBody", &d.text_body}, std::pair{"htmlBody", &d.html_body},
        std::pair{"attachments", &d.attachments}}) {
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string path = std::string(name) + "/" + std::to_string(i) + "/";
      if (!(*list)[i].sub_parts.empty()) {
        return std::unexpected(Invalid(path + "subParts", "a leaf part"));
      }
      CreateRead done = CheckPartIds(d, (*list)[i], path);
      if (!done) return done;
    }
  }
  if (d.body_structure) return CheckPartIds(d, *d.body_structure, "bodyStructure/");
  return {};
}

void CollectBlobIds(const DraftPart& part, std::vector<std::string>& out) {
  if (part.blob_id && std::find(out.begin(), out.end(), *part.blob_id) == out.end()) {
    out.push_back(*part.blob_id);
  }
  for (const DraftPart& sub : part.sub_parts) CollectBlobIds(sub, out);
}

}  // namespace

std::expected<EmailDraft, CreateError> ReadEmailDraft(simdjson::dom::object email) {
  EmailDraft d;
  PartReader reader;
  HeaderScope scope;
  std::vector<DraftField> convenience[std::size(kConvenience)];
  bool lists = false;
  for (auto [key, value] : email) {
    const auto c = std::find_if(std::begin(kConvenience), std::end(kConvenience),
                                [&](const Convenience& x) { return x.property == key; });
    CreateRead done;
    if (c != std::end(kConvenience)) {
      HeaderScope one{std::move(scope.given), {}};
      done = AddHeader(one, key, HeaderProperty{std::string(c->field), c->form, false}, value, "");
      scope.given = std::move(one.given);
      convenience[c - std::begin(kConvenience)] = std::move(one.fields);
    } else if (key.starts_with("header:")) {
      std::optional<HeaderProperty> p = ParseHeaderProperty(key);
      if (!p || AsciiLowerString(p->name).starts_with("content-")) {
        return std::unexpected(Invalid(std::string(key), "Content-* fields belong to body parts"));
      }
      done = AddHeader(scope, key, *p, value, "");
    } else {
      done = ReadEmailMember(reader, d, key, value, &lists);
    }
    if (!done) return std::unexpected(done.error());
  }
  for (std::vector<DraftField>& fields : convenience) {
    for (DraftField& f : fields) d.fields.push_back(std::move(f));
  }
  for (DraftField& f : scope.fields) d.fields.push_back(std::move(f));
  if (d.body_structure) {
    // The root part's fields join the message header: none may repeat a top-level one.
    for (const DraftField& f : d.body_structure->fields) {
      if (scope.given.contains(AsciiLowerString(f.name))) {
        return std::unexpected(Invalid("bodyStructure/header:" + f.name, "given on the Email too"));
      }
    }
  }
  for (const DraftField& f : d.fields) {
    const std::string name = AsciiLowerString(f.name);
    d.has_date = d.has_date || name == "date";
    d.has_message_id = d.has_message_id || name == "message-id";
    d.has_mime_version = d.has_mime_version || name == "mime-version";
  }
  CreateRead checked = CheckDraft(d, lists);
  if (!checked) return std::unexpected(checked.error());
  return d;
}

std::vector<std::string> DraftBlobIds(const EmailDraft& d) {
  std::vector<std::string> out;
  if (d.body_structure) CollectBlobIds(*d.body_structure, out);
  for (const auto* list : {&d.text_body, &d.html_body, &d.attachments}) {
    for (const DraftPart& p : *list) CollectBlobIds(p, out);
  }
  return out;
}

}  // namespace ringmail::jmap
