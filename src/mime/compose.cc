#include "mime/compose.h"

#include <cstdio>
#include <ctime>

#include "base/encoding.h"

namespace ringmail::mime {
namespace {

// RFC 2047 §2 allows 75 characters per encoded word; 36 bytes make 60 ("=?UTF-8?B?" + 48 +
// "?="), so "Subject: " and a word still fit in kFoldWidth.
constexpr size_t kEncodedWordBytesMax = 36;

bool IsAtext(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  if (std::isalnum(u) != 0 && u < 0x80) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool IsPrintableAscii(std::string_view s) {
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u > 0x7e) return false;
  }
  return true;
}

// Whether the text needs encoded words: not printable ASCII, or it could be read as one.
// Or it has a word too long for a line (encoded words split it).
bool NeedsEncoding(std::string_view s) {
  constexpr size_t kWordMax = 900;  // with "Name: " still within kLineSizeMax
  size_t word = 0;
  for (char c : s) {
    word = c == ' ' ? 0 : word + 1;
    if (word > kWordMax) return true;
  }
  return !IsPrintableAscii(s) || s.find("=?") != std::string_view::npos;
}

// UTF-8 "B" encoded words, split between characters, separated by a space.
std::string EncodeWords(std::string_view utf8) {
  std::string out;
  size_t i = 0;
  while (i < utf8.size()) {
    size_t end = std::min(utf8.size(), i + kEncodedWordBytesMax);
    // Back up to a character boundary (a continuation byte is 10xxxxxx).
    while (end < utf8.size() && end > i + 1 &&
           (static_cast<unsigned char>(utf8[end]) & 0xc0) == 0x80) {
      --end;
    }
    if (!out.empty()) out.push_back(' ');
    out += "=?UTF-8?B?" + Base64(utf8.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

bool IsDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.' ? s[i + 1] == '.' : !IsAtext(s[i])) return false;
  }
  return true;
}

bool IsTokenChar(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f &&
         std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

constexpr char kHex[] = "0123456789ABCDEF";

}  // namespace

std::string EncodeUnstructured(std::string_view utf8) {
  return NeedsEncoding(utf8) ? EncodeWords(utf8) : std::string(utf8);
}

std::string EncodePhrase(std::string_view utf8) {
  if (NeedsEncoding(utf8)) return EncodeWords(utf8);
  bool atoms = !utf8.empty() && utf8.front() != ' ' && utf8.back() != ' ';
  for (size_t i = 0; atoms && i < utf8.size(); ++i) {
    atoms = utf8[i] == ' ' ? utf8[i + 1] != ' ' : IsAtext(utf8[i]);
  }
  return atoms ? std::string(utf8) : Quoted(utf8);
}

std::optional<std::string> EncodeAddrSpec(std::string_view email) {
  const size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == email.size()) return std::nullopt;
  for (char c : email) {
    if (c == '\r' || c == '\n' || c == '\0' || c == '<' || c == '>') return std::nullopt;
  }
  const std::string_view local = email.substr(0, at), domain = email.substr(at + 1);
  for (char c : domain) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '@' || c == '"' || c == ',' || c == ';') {
      return std::nullopt;
    }
  }
  std::string out = IsDotAtom(local) ? std::string(local) : Quoted(local);
  return out + "@" + std::string(domain);
}

std::string FoldField(std::string_view name, std::string_view value) {
  std::string out = std::string(name) + ": ";
  const size_t start = out.size();
  size_t line = start;
  size_t i = 0;
  while (i < value.size()) {
    size_t next = value.find(' ', i + 1);
    if (next == std::string_view::npos) next = value.size();
    const std::string_view word = value.substr(i, next - i);
    // Fold before a space that starts a word, never leaving a line of only whitespace.
    if (line + word.size() > kFoldWidth && line > start && word.size() > 1 && word[0] == ' ' &&
        word[1] != ' ') {
      out += "\r\n";
      line = 0;
    }
    out += word;
    line += word.size();
    i = next;
  }
  out += "\r\n";
  return out;
}

std::string ContentParameter(std::string_view attribute, std::string_view value) {
  bool token = !value.empty();
  for (char c : value) token = token && IsTokenChar(c);
  if (token) return "; " + std::string(attribute) + "=" + std::string(value);
  if (IsPrintableAscii(value)) return "; " + std::string(attribute) + "=" + Quoted(value);
  std::string out = "; " + std::string(attribute) + "*=utf-8''";
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (IsTokenChar(c) && c != '*' && c != '\'' && c != '%') {
      out.push_back(c);
    } else {
      out += {'%', kHex[u >> 4], kHex[u & 15]};
    }
  }
  return out;
}

std::string ToCrlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string EncodeQuotedPrintable(std::string_view text) {
  constexpr size_t kWidth = 75;  // characters before the soft break's '='
  std::string out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find("\r\n", pos);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    size_t width = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      const unsigned char u = static_cast<unsigned char>(line[i]);
      const bool trailing = i + 1 == line.size() && (u == ' ' || u == '\t');
      const bool literal = !trailing && u != '=' && ((u >= 0x20 && u < 0x7f) || u == '\t');
      const size_t size = literal ? 1 : 3;
      if (width + size > kWidth) {
        out += "=\r\n";
        width = 0;
      }
      if (literal) {
        out.push_back(static_cast<char>(u));
      } else {
        out += {'=', kHex[u >> 4], kHex[u & 15]};
      }
      width += size;
    }
    if (last) break;
    out += "\r\n";
    pos = end + 2;
  }
  return out;
}

std::string EncodeBase64Lines(std::string_view bytes) {
  constexpr size_t kLine = 76;
  const std::string encoded = Base64(bytes);
  std::string out;
  out.reserve(encoded.size() + encoded.size() / kLine * 2 + 2);
  for (size_t i = 0; i < encoded.size(); i += kLine) {
    out.append(encoded, i, kLine);
    out += "\r\n";
  }
  return out;
}

bool Is7bit(std::string_view content) {
  size_t line = 0;
  for (size_t i = 0; i < content.size(); ++i) {
    const unsigned char u = static_cast<unsigned char>(content[i]);
    if (u == 0 || u >= 0x80) return false;
    if (u == '\r') {
      if (i + 1 >= content.size() || content[i + 1] != '\n') return false;
      ++i;
      line = 0;
      continue;
    }
    if (u == '\n') return false;  // a bare LF
    if (++line > kLineSizeMax) return false;
  }
  return true;
}

std::string FormatDate(int64_t unix_seconds, int offset_minutes) {
  const time_t t = static_cast<time_t>(unix_seconds + int64_t{offset_minutes} * 60);
  tm parts{};
  gmtime_r(&t, &parts);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int offset = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char buf[64];
  snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d", kDays[parts.tm_wday],
           parts.tm_mday, kMonths[parts.tm_mon], parts.tm_year + 1900, parts.tm_hour, parts.tm_min,
           parts.tm_sec, offset_minutes < 0 ? '-' : '+', offset / 60, offset % 60);
  return buf;
}

}  // namespace ringmail::mime
