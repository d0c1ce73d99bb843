#include "smtp/xtext.h"

#include <cstdint>

#include "base/utf8.h"

namespace ringmail::smtp {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> XtextDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c >= '!' && c <= '~' && c != '=') {
      out += c;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::string XtextEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= '!' && u <= '~' && c != '+' && c != '=') {
      out += c;
    } else {
      out += '+';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

std::optional<std::string> Utf8AddrXtextDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' || c == '=') return std::nullopt;
    if (c != '\\' || !text.substr(i).starts_with("\\x{")) {
      out += c;
      continue;
    }
    size_t close = text.find('}', i + 3);
    if (close == text.npos || close == i + 3 || close - (i + 3) > 6) return std::nullopt;
    uint32_t cp = 0;
    for (size_t k = i + 3; k < close; ++k) {
      int v = HexValue(text[k]);
      if (v < 0) return std::nullopt;
      cp = cp * 16 + static_cast<uint32_t>(v);
    }
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return std::nullopt;
    AppendUtf8(&out, cp);
    i = close;
  }
  return out;
}

}  // namespace ringmail::smtp
