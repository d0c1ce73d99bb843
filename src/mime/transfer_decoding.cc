#include "mime/transfer_decoding.h"

#include <optional>

#include "base/ascii.h"
#include "base/encoding.h"
#include "mime/charset.h"

namespace ringmail::mime {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::string DecodeBase64Lenient(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3 + 3);
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    int v = Base64Value(c);
    if (v < 0) continue;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    if (++count == 4) {
      out += static_cast<char>(bits >> 16);
      out += static_cast<char>(bits >> 8);
      out += static_cast<char>(bits);
      bits = 0;
      count = 0;
    }
  }
  if (count == 2) {
    out += static_cast<char>(bits >> 4);
  } else if (count == 3) {
    out += static_cast<char>(bits >> 10);
    out += static_cast<char>(bits >> 2);
  }
  return out;
}

std::string DecodeQuotedPrintable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    // One line: [i, eol) then its break [eol, next).
    size_t eol = text.find('\n', i);
    size_t next = eol == text.npos ? text.size() : eol + 1;
    if (eol == text.npos) eol = text.size();
    if (eol > i && text[eol - 1] == '\r') --eol;
    size_t end = eol;
    while (end > i && IsBlank(text[end - 1])) --end;  // transport padding
    bool soft_break = false;
    for (size_t j = i; j < end; ++j) {
      char c = text[j];
      if (c != '=') {
        out += c;
        continue;
      }
      if (j + 1 == end) {
        soft_break = true;
        break;
      }
      int hi = j + 1 < end ? HexValue(text[j + 1]) : -1;
      int lo = j + 2 < end ? HexValue(text[j + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        j += 2;
      } else {
        out += '=';
      }
    }
    if (!soft_break) out.append(text.substr(eol, next - eol));
    i = next;
  }
  return out;
}

std::string DecodeTransferEncoding(std::string_view body, std::string_view encoding) {
  if (EqualsIgnoreCase(encoding, "base64")) return DecodeBase64Lenient(body);
  if (EqualsIgnoreCase(encoding, "quoted-printable")) return DecodeQuotedPrintable(body);
  return std::string(body);
}

std::string DecodeText(std::string_view body, std::string_view encoding, std::string_view charset) {
  std::string bytes = DecodeTransferEncoding(body, encoding);
  std::optional<std::string> text = ToUtf8(bytes, charset.empty() ? "us-ascii" : charset);
  if (text) return std::move(*text);
  return SanitizeUtf8(bytes);
}

}  // namespace ringmail::mime
