#include "imap/search_text.h"

#include <algorithm>
#include <functional>

#include "base/ascii.h"
#include "base/utf8.h"
#include "mime/charset.h"
#include "mime/header.h"
#include "mime/transfer_decoding.h"

namespace ringmail::imap {
namespace {

uint32_t Decode(std::string_view s, size_t n) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[i])); };
  if (n == 2) return ((b(0) & 0x1f) << 6) | (b(1) & 0x3f);
  if (n == 3) return ((b(0) & 0x0f) << 12) | ((b(1) & 0x3f) << 6) | (b(2) & 0x3f);
  return ((b(0) & 0x07) << 18) | ((b(1) & 0x3f) << 12) | ((b(2) & 0x3f) << 6) | (b(3) & 0x3f);
}

uint32_t LowerCodePoint(uint32_t c) {
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 0x20;
  if (c >= 0x100 && c <= 0x137 && c % 2 == 0) return c + 1;  // Latin Extended-A pairs
  if (c >= 0x139 && c <= 0x148 && c % 2 == 1) return c + 1;
  if (c >= 0x14A && c <= 0x177 && c % 2 == 0) return c + 1;
  if (c == 0x178) return 0xFF;
  if ((c == 0x179 || c == 0x17B || c == 0x17D)) return c + 1;
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 0x20;  // Greek
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;                // Cyrillic
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  return c;
}

}  // namespace

std::string FoldCase(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  size_t i = 0;
  while (i < utf8.size()) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(AsciiLower(static_cast<char>(c)));
      ++i;
      continue;
    }
    size_t n = Utf8SequenceSize(utf8.substr(i));
    if (n < 2) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    uint32_t cp = Decode(utf8.substr(i, n), n);
    uint32_t lower = LowerCodePoint(cp);
    if (lower == cp) {
      out.append(utf8.substr(i, n));
    } else {
      AppendUtf8(&out, lower);
    }
    i += n;
  }
  return out;
}

bool ContainsFolded(std::string_view haystack, std::string_view needle) {
  if (needle.size() < 8) return haystack.find(needle) != std::string_view::npos;
  return std::search(haystack.begin(), haystack.end(),
                     std::boyer_moore_horspool_searcher(needle.begin(), needle.end())) !=
         haystack.end();
}

std::optional<std::string> FoldedHeaderValues(std::string_view header_block,
                                              std::string_view name) {
  std::optional<std::string> out;
  mime::HeaderReader reader(header_block);
  while (std::optional<mime::HeaderField> f = reader.Next()) {
    if (!EqualsIgnoreCase(f->name, name)) continue;
    if (!out) {
      out.emplace();
    } else {
      out->push_back('\n');
    }
    out->append(FoldCase(mime::DecodeHeaderValue(f->value)));
  }
  return out;
}

std::string FoldedHeaderText(std::string_view header_block) {
  std::string out;
  mime::HeaderReader reader(header_block);
  while (std::optional<mime::HeaderField> f = reader.Next()) {
    out.append(FoldCase(f->name));
    out.append(": ");
    out.append(FoldCase(mime::DecodeHeaderValue(f->value)));
    out.push_back('\n');
  }
  return out;
}

std::string FoldedBodyText(std::string_view data, const mime::ParsedMessage& message) {
  std::string out;
  for (uint32_t i = 0; i < message.parts.size() && out.size() < kSearchBodyTextMax; ++i) {
    const mime::MimePart& p = message[i];
    if (i > 0 && p.parent && message[*p.parent].IsMessage()) {
      out.append(FoldedHeaderText(p.header.In(data)));  // an attached message's header
    }
    if (p.content_type.type != "text") continue;
    const mime::MimeParam* charset = mime::FindParam(p.content_type.params, "charset");
    std::string_view body = p.body.In(data);
    body = body.substr(0, std::min(body.size(), kSearchBodyTextMax));
    std::string text = mime::DecodeText(body, p.transfer_encoding,
                                        charset ? std::string_view(charset->value) : "");
    out.append(FoldCase(text));
    out.push_back('\n');
  }
  if (out.size() > kSearchBodyTextMax) out.resize(kSearchBodyTextMax);
  return out;
}

}  // namespace ringmail::imap
