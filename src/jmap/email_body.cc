#include "jmap/email_body.h"

#include <algorithm>
#include <optional>

#include "imap/fetch_preview.h"
#include "jmap/email_headers.h"
#include "jmap/ids.h"
#include "mime/charset.h"
#include "mime/header.h"

namespace ringmail::jmap {
namespace {

bool InlineMediaType(const mime::ContentType& t) {
  return t.type == "image" || t.type == "audio" || t.type == "video";
}

std::optional<std::string> PartName(const mime::MimePart& p) {
  if (p.disposition) {
    if (const mime::MimeParam* f = mime::FindParam(p.disposition->params, "filename")) {
      return f->value;
    }
  }
  if (const mime::MimeParam* n = mime::FindParam(p.content_type.params, "name")) return n->value;
  return std::nullopt;
}

// RFC 8621 §4.1.4 parseStructure; null `text` / `html` as the RFC's null lists.
void ParseStructure(const mime::ParsedMessage& m, const std::vector<uint32_t>& parts,
                    std::string_view multipart_type, bool in_alternative,
                    std::vector<uint32_t>* html, std::vector<uint32_t>* text,
                    std::vector<uint32_t>& attachments) {
  const size_t text_length = text ? text->size() : SIZE_MAX;
  const size_t html_length = html ? html->size() : SIZE_MAX;
  for (size_t i = 0; i < parts.size(); ++i) {
    const mime::MimePart& part = m[parts[i]];
    const mime::ContentType& type = part.content_type;
    const bool plain = type.Is("text", "plain"), is_html = type.Is("text", "html");
    const bool attachment = part.disposition && part.disposition->type == "attachment";
    const bool is_inline =
        !attachment && (plain || is_html || InlineMediaType(type)) &&
        (i == 0 || (multipart_type != "related" && (InlineMediaType(type) || !PartName(part))));
    if (part.IsMultipart()) {
      ParseStructure(m, part.children, type.subtype,
                     in_alternative || type.subtype == "alternative", html, text, attachments);
    } else if (is_inline) {
      if (multipart_type == "alternative") {
        if (plain && text) {
          text->push_back(parts[i]);
        } else if (is_html && html) {
          html->push_back(parts[i]);
        } else if (!plain && !is_html) {
          attachments.push_back(parts[i]);
        }
        continue;
      }
      if (in_alternative) {
        if (plain) html = nullptr;
        if (is_html) text = nullptr;
      }
      if (text) text->push_back(parts[i]);
      if (html) html->push_back(parts[i]);
      if ((!text || !html) && InlineMediaType(type)) attachments.push_back(parts[i]);
    } else {
      attachments.push_back(parts[i]);
    }
  }
  if (multipart_type == "alternative" && text && html) {
    if (text_length == text->size() && html_length != html->size()) {
      for (size_t i = html_length; i < html->size(); ++i) text->push_back((*html)[i]);
    }
    if (html_length == html->size() && text_length != text->size()) {
      for (size_t i = text_length; i < text->size(); ++i) html->push_back((*text)[i]);
    }
  }
}

void WriteOptional(JsonWriter& w, const std::optional<std::string>& v) {
  if (v) {
    w.String(*v);
  } else {
    w.Null();
  }
}

std::optional<std::string> Cid(const mime::MimePart& p) {
  if (!p.id) return std::nullopt;
  std::string id = mime::Unfold(*p.id);
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  return id;
}

void WritePartProperty(JsonWriter& w, std::string_view data, const mime::ParsedMessage& m,
                       uint32_t index, const BlobKey& blob, std::string_view property,
                       const std::vector<std::string>& properties) {
  const mime::MimePart& p = m[index];
  w.Key(property);
  if (property == "partId") {
    if (p.IsMultipart()) {
      w.Null();
    } else {
      w.String(std::to_string(index));
    }
  } else if (property == "blobId") {
    if (p.IsMultipart()) {
      w.Null();
    } else {
      w.String(PartBlobId(blob, index));
    }
  } else if (property == "size") {
    std::optional<std::string> content = imap::DecodedPartContent(data, m, index);
    w.Uint(content ? content->size() : p.body.size);
  } else if (property == "headers") {
    w.BeginArray();
    for (const mime::HeaderField& f : mime::ParseHeaderFields(p.header.In(data))) {
      w.BeginObject().Key("name").String(f.name).Key("value").String(f.value).EndObject();
    }
    w.EndArray();
  } else if (property == "name") {
    WriteOptional(w, PartName(p));
  } else if (property == "type") {
    w.String(p.content_type.type + "/" + p.content_type.subtype);
  } else if (property == "charset") {
    const mime::MimeParam* c = mime::FindParam(p.content_type.params, "charset");
    if (c) {
      w.String(c->value);
    } else if (p.content_type.type == "text") {
      w.String("us-ascii");
    } else {
      w.Null();
    }
  } else if (property == "disposition") {
    WriteOptional(w,
                  p.disposition ? std::optional<std::string>(p.disposition->type) : std::nullopt);
  } else if (property == "cid") {
    WriteOptional(w, Cid(p));
  } else if (property == "language") {
    if (p.languages.empty()) {
      w.Null();
    } else {
      w.Strings(p.languages);
    }
  } else if (property == "location") {
    WriteOptional(
        w, p.location ? std::optional<std::string>(mime::Unfold(*p.location)) : std::nullopt);
  } else if (property == "subParts") {
    if (!p.IsMultipart()) {
      w.Null();
      return;
    }
    w.BeginArray();
    for (uint32_t child : p.children) WriteBodyPart(w, data, m, child, blob, properties);
    w.EndArray();
  } else if (std::optional<HeaderProperty> h = ParseHeaderProperty(property)) {
    WriteHeaderValue(w, p.header.In(data), *h);
  } else {
    w.Null();
  }
}

}  // namespace

std::string PartBlobId(const BlobKey& blob, uint32_t part) {
  return BlobId(blob) + "_" + std::to_string(part);
}

BodyLists PickBodyParts(const mime::ParsedMessage& message) {
  BodyLists lists;
  ParseStructure(message, std::vector<uint32_t>(1, 0), "mixed", false, &lists.html, &lists.text,
                 lists.attachments);
  return lists;
}

bool HasAttachment(const BodyLists& lists) { return !lists.attachments.empty(); }

bool ValidBodyProperty(std::string_view property) {
  static constexpr std::string_view kNames[] = {"partId", "blobId",   "size",     "headers",
                                                "name",   "type",     "charset",  "disposition",
                                                "cid",    "language", "location", "subParts"};
  if (std::find(std::begin(kNames), std::end(kNames), property) != std::end(kNames)) return true;
  return ParseHeaderProperty(property).has_value();
}

void WriteBodyPart(JsonWriter& w, std::string_view data, const mime::ParsedMessage& message,
                   uint32_t part, const BlobKey& blob, const std::vector<std::string>& properties) {
  w.BeginObject();
  for (const std::string& property : properties) {
    WritePartProperty(w, data, message, part, blob, property, properties);
  }
  w.EndObject();
}

void WriteBodyValue(JsonWriter& w, std::string_view data, const mime::ParsedMessage& message,
                    uint32_t part, size_t max_bytes) {
  const mime::MimePart& p = message[part];
  std::optional<std::string> content = imap::DecodedPartContent(data, message, part);
  bool problem = !content.has_value();
  std::string text;
  if (content) {
    const mime::MimeParam* c = mime::FindParam(p.content_type.params, "charset");
    std::optional<std::string> utf8 = mime::ToUtf8(*content, c ? c->value : "us-ascii");
    if (!utf8) problem = true;
    text = utf8 ? std::move(*utf8) : mime::SanitizeUtf8(*content);
  }
  bool truncated = false;
  if (max_bytes > 0 && text.size() > max_bytes) {
    size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;
    text.resize(cut);
    truncated = true;
  }
  w.BeginObject().Key("value").String(text).Key("isEncodingProblem").Bool(problem);
  w.Key("isTruncated").Bool(truncated).EndObject();
}

}  // namespace ringmail::jmap
