// ComposeMessage: the MIME message of an EmailDraft (RFC 8621 §4.6). Without bodyStructure the
// tree is built from textBody / htmlBody / attachments: text and HTML as multipart/alternative,
// inline attachments with a Content-ID next to the HTML in multipart/related, the rest of the
// attachments after the body in multipart/mixed. Each leaf gets the lightest transfer
// encoding that keeps it intact: 7bit when it is short-lined ASCII, quoted-printable for
// other text, base64 for other content (message/* is never encoded: 8bit).
#include <algorithm>

#include "base/encoding.h"
#include "jmap/email_create.h"
#include "mime/compose.h"

namespace ringmail::jmap {
namespace {

struct Composer {
  const EmailDraft& draft;
  const std::map<std::string, std::string>& blobs;
  uint64_t seed;
  uint64_t boundaries = 0;  // how many boundaries were made
};

std::string Hex64(uint64_t v) {
  char buf[17];
  snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// splitmix64: spreads a seed and a counter into unrelated-looking values.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::string WriteFields(const std::vector<DraftField>& fields) {
  std::string out;
  for (const DraftField& f : fields) {
    out += f.raw ? f.name + ":" + f.value + "\r\n" : mime::FoldField(f.name, f.value);
  }
  return out;
}

// A part (header block, empty line, body) as text.
std::string ComposePart(Composer& c, const DraftPart& part);

std::string ComposeMultipart(Composer& c, const DraftPart& part, std::string head) {
  std::vector<std::string> children;
  for (const DraftPart& sub : part.sub_parts) children.push_back(ComposePart(c, sub));
  std::string boundary;
  for (;;) {  // "=_" never occurs in quoted-printable or base64 text; 7bit text is checked
    boundary = "=_rm" + Hex64(Mix(c.seed + ++c.boundaries));
    if (std::none_of(children.begin(), children.end(), [&](const std::string& child) {
          return child.find(boundary) != std::string::npos;
        })) {
      break;
    }
  }
  head += mime::FoldField("Content-Type", part.type + mime::ContentParameter("boundary", boundary));
  std::string out = head + "\r\n";
  for (const std::string& child : children) out += "--" + boundary + "\r\n" + child + "\r\n";
  if (children.empty()) out += "--" + boundary + "\r\n\r\n";
  return out + "--" + boundary + "--\r\n";
}

std::string ComposeLeaf(const Composer& c, const DraftPart& part, std::string head) {
  std::string content;
  std::optional<std::string> charset = part.charset;
  const bool text = part.type.starts_with("text/");
  if (part.part_id) {
    content = mime::ToCrlf(c.draft.body_values.at(*part.part_id));
    charset = "utf-8";
  } else {
    auto blob = c.blobs.find(*part.blob_id);  // "" (BuildTree's empty body) is not there
    if (blob != c.blobs.end()) content = blob->second;
  }
  std::string type = part.type;
  if (charset && text) type += mime::ContentParameter("charset", *charset);
  if (part.name) type += mime::ContentParameter("name", *part.name);
  head += mime::FoldField("Content-Type", type);
  if (part.disposition) {
    std::string disposition = *part.disposition;
    if (part.name) disposition += mime::ContentParameter("filename", *part.name);
    head += mime::FoldField("Content-Disposition", disposition);
  }
  if (part.cid) head += mime::FoldField("Content-ID", "<" + *part.cid + ">");
  if (!part.languages.empty()) {
    std::string list;
    for (const std::string& l : part.languages) list += (list.empty() ? "" : ", ") + l;
    head += mime::FoldField("Content-Language", list);
  }
  if (part.location) head += mime::FoldField("Content-Location", *part.location);
  if (mime::Is7bit(content)) return head + "\r\n" + content;
  if (part.type.starts_with("message/")) {
    return head + mime::FoldField("Content-Transfer-Encoding", "8bit") + "\r\n" + content;
  }
  if (text && part.part_id) {
    return head + mime::FoldField("Content-Transfer-Encoding", "quoted-printable") + "\r\n" +
           mime::EncodeQuotedPrintable(content);
  }
  return head + mime::FoldField("Content-Transfer-Encoding", "base64") + "\r\n" +
         mime::EncodeBase64Lines(content);
}

std::string ComposePart(Composer& c, const DraftPart& part) {
  std::string head = WriteFields(part.fields);
  return part.sub_parts.empty() ? ComposeLeaf(c, part, std::move(head))
                                : ComposeMultipart(c, part, std::move(head));
}

DraftPart Multipart(std::string_view subtype, std::vector<DraftPart> parts) {
  if (parts.size() == 1) return std::move(parts.front());
  DraftPart m;
  m.type = "multipart/" + std::string(subtype);
  m.sub_parts = std::move(parts);
  return m;
}

// The body tree RFC 8621 §4.6 describes for textBody / htmlBody / attachments.
DraftPart BuildTree(const EmailDraft& d) {
  std::vector<DraftPart> inline_parts, attached;
  for (const DraftPart& a : d.attachments) {
    DraftPart p = a;
    if (!p.disposition) p.disposition = "attachment";
    const bool is_inline = p.cid && *p.disposition == "inline" && !d.html_body.empty();
    (is_inline ? inline_parts : attached).push_back(std::move(p));
  }
  std::vector<DraftPart> alternatives;
  if (!d.text_body.empty()) alternatives.push_back(d.text_body.front());
  if (!d.html_body.empty()) {
    std::vector<DraftPart> related(1, d.html_body.front());
    for (DraftPart& p : inline_parts) related.push_back(std::move(p));
    alternatives.push_back(Multipart("related", std::move(related)));
  }
  std::vector<DraftPart> mixed;
  if (!alternatives.empty()) mixed.push_back(Multipart("alternative", std::move(alternatives)));
  for (DraftPart& p : attached) mixed.push_back(std::move(p));
  if (mixed.empty()) {  // no body at all: an empty text part
    DraftPart empty;
    empty.type = "text/plain";
    empty.blob_id = "";
    return empty;
  }
  return Multipart("mixed", std::move(mixed));
}

}  // namespace

std::string ComposeMessage(const EmailDraft& draft, const std::map<std::string, std::string>& blobs,
                           const ComposeOptions& options) {
  Composer c{draft, blobs, options.seed};
  std::string out = WriteFields(draft.fields);
  if (!draft.has_date) out += mime::FoldField("Date", mime::FormatDate(options.now));
  if (!draft.has_message_id) {
    const std::string host = options.hostname.empty() ? "localhost" : options.hostname;
    out += mime::FoldField("Message-ID", "<" + Hex64(Mix(options.seed)) + "." +
                                             std::to_string(options.now) + "@" + host + ">");
  }
  if (!draft.has_mime_version) out += "MIME-Version: 1.0\r\n";
  const DraftPart root = draft.body_structure ? *draft.body_structure : BuildTree(draft);
  return out + ComposePart(c, root);
}

}  // namespace ringmail::jmap
