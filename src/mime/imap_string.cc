#include "mime/imap_string.h"

namespace ringmail::mime {

void AppendImapString(std::string& out, std::string_view value, bool utf8) {
  bool quoted = value.size() <= kQuotedSizeMax;
  for (char c : value) {
    if (static_cast<unsigned char>(c) >= 0x80 && !utf8) quoted = false;
  }
  if (!quoted) {
    out += '{';
    out += std::to_string(value.size());
    out += "}\r\n";
  } else {
    out += '"';
  }
  for (char c : value) {
    if (c == '\0' || c == '\r' || c == '\n') c = ' ';
    if (quoted && (c == '"' || c == '\\')) out += '\\';
    out += c;
  }
  if (quoted) out += '"';
}

void AppendImapNString(std::string& out, std::optional<std::string_view> value, bool utf8) {
  if (!value) {
    out += "NIL";
  } else {
    AppendImapString(out, *value, utf8);
  }
}

std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

}  // namespace ringmail::mime
