#include "imap/fetch_preview.h"

#include "base/ascii.h"
#include "base/utf8.h"
#include "mime/charset.h"
#include "mime/transfer_decoding.h"

namespace ringmail::imap {
namespace {

bool InsideAttachedMessage(const mime::ParsedMessage& m, uint32_t index) {
  for (std::optional<uint32_t> p = m[index].parent; p; p = m[*p].parent) {
    if (m[*p].IsMessage()) return true;
  }
  return false;
}

bool IsCandidate(const mime::ParsedMessage& m, uint32_t index, std::string_view subtype) {
  const mime::MimePart& p = m[index];
  if (!p.content_type.Is("text", subtype)) return false;
  if (p.disposition && p.disposition->type == "attachment") return false;
  return !InsideAttachedMessage(m, index);
}

// The position of `needle` (lower-case ASCII) in `s` from `from`, ignoring ASCII case.
size_t FindIgnoreCase(std::string_view s, std::string_view needle, size_t from) {
  for (size_t i = from; i + needle.size() <= s.size(); ++i) {
    if (EqualsIgnoreCase(s.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

// Drops tags, and what <style> and <script> hold; decodes the common entities.
std::string HtmlToText(std::string_view html) {
  std::string out;
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      size_t close = html.find('>', i);
      if (close == html.npos) break;
      std::string tag = AsciiLowerString(html.substr(i + 1, std::min<size_t>(close - i - 1, 7)));
      i = close + 1;
      for (std::string_view hidden : {"</style", "</script"}) {
        if (tag.starts_with(hidden.substr(2))) {
          size_t end = FindIgnoreCase(html, hidden, i);
          i = end == std::string_view::npos ? html.size() : end;
        }
      }
      out += ' ';
      continue;
    }
    if (c == '&') {
      static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&nbsp;", " "},  {"&amp;", "&"}, {"&lt;", "<"},  {"&gt;", ">"},
          {"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"}};
      bool done = false;
      for (const auto& [entity, text] : kEntities) {
        if (html.substr(i, entity.size()) == entity) {
          out += text;
          i += entity.size();
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out += c;
    ++i;
  }
  return out;
}

// Whitespace runs (and control characters) as one space, trimmed, at most `chars_max`
// code points.
std::string Collapse(std::string_view text, size_t chars_max) {
  std::string out;
  size_t chars = 0;
  bool space = false;
  size_t i = 0;
  while (i < text.size() && chars < chars_max) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == ' ' || c == 0x7f) {
      space = !out.empty();
      ++i;
      continue;
    }
    size_t n = Utf8SequenceSize(text.substr(i));
    if (n == 0) n = 1;  // DecodeText already replaced ill-formed sequences
    if (space) {
      out += ' ';
      ++chars;
      space = false;
      if (chars == chars_max) break;
    }
    out.append(text.substr(i, n));
    ++chars;
    i += n;
  }
  return out;
}

}  // namespace

std::string MakePreview(std::string_view data, const mime::ParsedMessage& message,
                        size_t chars_max) {
  std::optional<uint32_t> chosen;
  for (std::string_view subtype : {"plain", "html"}) {
    for (uint32_t i = 0; i < message.parts.size() && !chosen; ++i) {
      if (IsCandidate(message, i, subtype)) chosen = i;
    }
    if (chosen) break;
  }
  if (!chosen) return "";
  const mime::MimePart& p = message[*chosen];
  const mime::MimeParam* charset = mime::FindParam(p.content_type.params, "charset");
  std::string_view body = p.body.In(data);
  body = body.substr(0, std::min(body.size(), kPreviewInputMax));
  std::string text =
      mime::DecodeText(body, p.transfer_encoding, charset ? std::string_view(charset->value) : "");
  if (p.content_type.subtype == "html") text = HtmlToText(text);
  return Collapse(mime::SanitizeUtf8(text), chars_max);
}

std::optional<std::string> DecodedPartContent(std::string_view data,
                                              const mime::ParsedMessage& message, uint32_t part) {
  const mime::MimePart& p = message[part];
  std::string_view body = p.body.In(data);
  if (p.IsMultipart() || p.IsMessage()) return std::string(body);
  const std::string& e = p.transfer_encoding;
  if (e.empty() || e == "7bit" || e == "8bit" || e == "binary") return std::string(body);
  if (e == "base64") return mime::DecodeBase64Lenient(body);
  if (e == "quoted-printable") return mime::DecodeQuotedPrintable(body);
  return std::nullopt;
}

}  // namespace ringmail::imap
