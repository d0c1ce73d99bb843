#include "imap/wire.h"

#include "base/ascii.h"
#include "imap/cursor.h"

namespace ringmail::imap {
namespace {
constexpr size_t kQuotedSizeMax = 1024;
}  // namespace

bool CanQuote(std::string_view s, bool utf8) {
  if (s.size() > kQuotedSizeMax) return false;
  for (char c : s) {
    if (c == '\0' || c == '\r' || c == '\n') return false;
    if (!utf8 && static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

void AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendLiteral(std::string* out, std::string_view s, bool binary, LiteralForm form) {
  if (binary) out->push_back('~');
  out->push_back('{');
  out->append(std::to_string(s.size()));
  if (form == LiteralForm::kNonSync) out->push_back('+');
  out->append("}\r\n");
  out->append(s);
}

void AppendString(std::string* out, std::string_view s, bool utf8, LiteralForm form) {
  if (CanQuote(s, utf8)) {
    AppendQuoted(out, s);
  } else {
    AppendLiteral(out, s, s.find('\0') != std::string_view::npos, form);
  }
}

void AppendNString(std::string* out, std::optional<std::string_view> s, bool utf8) {
  if (!s) {
    out->append("NIL");
  } else {
    AppendString(out, *s, utf8);
  }
}

void AppendAString(std::string* out, std::string_view s, bool utf8, LiteralForm form) {
  bool atom = !s.empty() && !EqualsIgnoreCase(s, "NIL");
  for (char c : s) atom = atom && (IsAtomChar(c) || c == ']');
  if (atom) {
    out->append(s);
  } else {
    AppendString(out, s, utf8, form);
  }
}

}  // namespace ringmail::imap
