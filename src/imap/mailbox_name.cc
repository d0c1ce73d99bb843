#include "imap/mailbox_name.h"

#include <cstdint>

#include "base/utf8.h"

namespace ringmail::imap {
namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int Base64Value(char c) {
  size_t i = kBase64.find(c);
  return i == std::string_view::npos ? -1 : static_cast<int>(i);
}

bool IsPrintableAscii(uint32_t c) { return c >= 0x20 && c <= 0x7E; }
bool IsControl(uint32_t c) { return c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0); }

// Reads one code point of well-formed UTF-8 at s[*i]; returns -1 (and leaves *i) if the bytes
// there are not well-formed.
int32_t NextCodePoint(std::string_view s, size_t* i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b0 = byte(*i);
  if (b0 < 0x80) {
    ++*i;
    return b0;
  }
  size_t n;
  uint32_t cp;
  uint32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    n = 1, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 2, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (*i + n >= s.size()) return -1;
  for (size_t k = 1; k <= n; ++k) {
    if ((byte(*i + k) & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (byte(*i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *i += n + 1;
  return static_cast<int32_t>(cp);
}

// Decodes one base64 run (what is between "&" and "-") into *out.
bool DecodeRun(std::string_view run, std::string* out) {
  uint32_t bits = 0;
  int nbits = 0;
  uint32_t high = 0;  // a pending high surrogate
  for (char c : run) {
    int v = Base64Value(c);
    if (v < 0) return false;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    nbits += 6;
    if (nbits < 16) continue;
    nbits -= 16;
    uint32_t unit = (bits >> nbits) & 0xFFFF;
    bits &= (1u << nbits) - 1;
    if (high != 0) {
      if (unit < 0xDC00 || unit > 0xDFFF) return false;
      AppendUtf8(out, 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00));
      high = 0;
    } else if (unit >= 0xD800 && unit <= 0xDBFF) {
      high = unit;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return false;
    } else {
      if (IsPrintableAscii(unit) || IsControl(unit)) return false;
      AppendUtf8(out, unit);
    }
  }
  // What is left must be padding: fewer than 6 bits, all zero; and no half a pair.
  return high == 0 && nbits < 6 && bits == 0;
}

}  // namespace

std::optional<std::string> DecodeMailboxUtf7(std::string_view utf7) {
  std::string out;
  out.reserve(utf7.size());
  bool after_run = false;  // the previous thing was a base64 run
  size_t i = 0;
  while (i < utf7.size()) {
    char c = utf7[i];
    if (!IsPrintableAscii(static_cast<uint8_t>(c))) return std::nullopt;
    if (c != '&') {
      out.push_back(c);
      after_run = false;
      ++i;
      continue;
    }
    size_t dash = utf7.find('-', i + 1);
    if (dash == std::string_view::npos) return std::nullopt;
    if (dash == i + 1) {
      out.push_back('&');
      after_run = false;
    } else {
      if (after_run || !DecodeRun(utf7.substr(i + 1, dash - i - 1), &out)) return std::nullopt;
      after_run = true;
    }
    i = dash + 1;
  }
  return out;
}

std::string EncodeMailboxUtf7(std::string_view utf8) {
  std::string out;
  size_t i = 0;
  while (i < utf8.size()) {
    auto c = static_cast<uint8_t>(utf8[i]);
    if (IsPrintableAscii(c)) {
      out += c == '&' ? "&-" : std::string_view(&utf8[i], 1);
      ++i;
      continue;
    }
    // A run of characters outside printable ASCII, as base64 of UTF-16.
    out.push_back('&');
    uint32_t bits = 0;
    int nbits = 0;
    auto put = [&](uint32_t unit) {
      bits = (bits << 16) | unit;
      nbits += 16;
      while (nbits >= 6) {
        nbits -= 6;
        out.push_back(kBase64[(bits >> nbits) & 0x3F]);
      }
      bits &= (1u << nbits) - 1;
    };
    while (i < utf8.size() && !IsPrintableAscii(static_cast<uint8_t>(utf8[i]))) {
      int32_t cp = NextCodePoint(utf8, &i);
      if (cp < 0) {  // REQUIRES violated: keep going without looping forever
        ++i;
        continue;
      }
      if (cp >= 0x10000) {
        put(0xD800 + ((static_cast<uint32_t>(cp) - 0x10000) >> 10));
        put(0xDC00 + ((static_cast<uint32_t>(cp) - 0x10000) & 0x3FF));
      } else {
        put(static_cast<uint32_t>(cp));
      }
    }
    if (nbits > 0) out.push_back(kBase64[(bits << (6 - nbits)) & 0x3F]);
    out.push_back('-');
  }
  return out;
}

std::optional<std::string> DecodeMailboxName(std::string_view raw, bool utf8) {
  if (!utf8) return DecodeMailboxUtf7(raw);
  size_t i = 0;
  while (i < raw.size()) {
    int32_t cp = NextCodePoint(raw, &i);
    if (cp < 0 || IsControl(static_cast<uint32_t>(cp))) return std::nullopt;
  }
  return std::string(raw);
}

}  // namespace ringmail::imap
