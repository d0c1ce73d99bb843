#include "imap/cursor.h"

#include <utility>

#include "base/ascii.h"
#include "imap/mailbox_name.h"

namespace ringmail::imap {

bool IsAtomChar(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7F) return false;  // CTL, SP, DEL, 8-bit
  switch (c) {
    case '(':
    case ')':
    case '{':
    case '%':
    case '*':
    case '"':
    case '\\':
    case ']': return false;
    default: return true;
  }
}

bool IsTagChar(char c) { return c != '+' && (c == ']' || IsAtomChar(c)); }

namespace {
bool IsKeywordChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == '=';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

bool Cursor::Fail(const char* reason) {
  if (reason_ == nullptr) reason_ = reason;
  return false;
}

bool Cursor::Char(char c) {
  if (failed()) return false;
  if (Peek() != c || AtEnd()) {
    switch (c) {
      case ' ': return Fail("expected a space");
      case '(': return Fail("expected \"(\"");
      case ')': return Fail("expected \")\"");
      default: return Fail("unexpected character");
    }
  }
  ++pos_;
  return true;
}

bool Cursor::TryChar(char c) {
  if (failed() || AtEnd() || text_[pos_] != c) return false;
  ++pos_;
  return true;
}

bool Cursor::LookingAt(std::string_view s) const {
  return !failed() && text_.size() - pos_ >= s.size() &&
         EqualsIgnoreCase(text_.substr(pos_, s.size()), s);
}

bool Cursor::End() {
  if (failed()) return false;
  return AtEnd() || Fail("unexpected characters at the end of the command");
}

bool Cursor::Tag(std::string* out) {
  if (failed()) return false;
  size_t begin = pos_;
  while (!AtEnd() && IsTagChar(text_[pos_])) ++pos_;
  if (pos_ == begin) return Fail("expected a tag");
  out->assign(text_.substr(begin, pos_ - begin));
  return true;
}

std::string_view Cursor::Atom(bool brackets) {
  if (failed()) return {};
  size_t begin = pos_;
  while (!AtEnd() && (IsAtomChar(text_[pos_]) || (brackets && text_[pos_] == ']'))) ++pos_;
  if (pos_ == begin) Fail("expected an atom");
  return text_.substr(begin, pos_ - begin);
}

bool Cursor::Keyword(std::string* out) {
  if (failed()) return false;
  size_t begin = pos_;
  while (!AtEnd() && IsKeywordChar(text_[pos_])) ++pos_;
  if (pos_ == begin) return Fail("expected a keyword");
  out->assign(text_.substr(begin, pos_ - begin));
  for (char& c : *out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  return true;
}

bool Cursor::TryKeyword(std::string_view word) {
  if (failed() || text_.size() - pos_ < word.size()) return false;
  if (!EqualsIgnoreCase(text_.substr(pos_, word.size()), word)) return false;
  size_t end = pos_ + word.size();
  if (end < text_.size() && IsKeywordChar(text_[end])) return false;
  pos_ = end;
  return true;
}

bool Cursor::Quoted(std::string* out) {
  if (!Char('"')) return false;
  out->clear();
  while (true) {
    if (AtEnd()) return Fail("unterminated quoted string");
    char c = text_[pos_++];
    if (c == '"') return true;
    if (c == '\0' || c == '\r' || c == '\n') return Fail("bad character in a quoted string");
    if (c == '\\') {
      if (AtEnd() || (Peek() != '"' && Peek() != '\\')) return Fail("bad quoted-pair");
      c = text_[pos_++];
    }
    out->push_back(c);
  }
}

bool Cursor::Literal(std::string* out, bool allow_binary, bool* binary) {
  if (failed()) return false;
  bool is_binary = TryChar('~');
  if (is_binary && !allow_binary) return Fail("literal8 not allowed here");
  if (!Char('{')) return Fail("expected a literal");
  while (IsDigit(Peek()) || Peek() == '+') ++pos_;
  if (!Char('}')) return Fail("bad literal");
  if (next_literal_ >= literals_.size() || literals_[next_literal_].marker_end != pos_) {
    return Fail("a literal must end its line");
  }
  LiteralData& literal = literals_[next_literal_++];
  if (!is_binary && literal.data.find('\0') != std::string::npos) {
    return Fail("NUL in a literal (use literal8)");
  }
  *out = std::move(literal.data);
  if (binary != nullptr) *binary = is_binary;
  return true;
}

bool Cursor::String(std::string* out) { return Peek() == '"' ? Quoted(out) : Literal(out); }

bool Cursor::AString(std::string* out) {
  if (failed()) return false;
  if (Peek() == '"' || Peek() == '{') return String(out);
  std::string_view atom = Atom(/*brackets=*/true);
  if (failed()) return Fail("expected an astring");
  out->assign(atom);
  return true;
}

bool Cursor::NString(std::optional<std::string>* out) {
  if (TryKeyword("NIL")) {
    out->reset();
    return true;
  }
  std::string s;
  if (!String(&s)) return false;
  *out = std::move(s);
  return true;
}

bool Cursor::Digits(uint64_t max, uint64_t* out) {
  if (failed()) return false;
  if (!IsDigit(Peek())) return Fail("expected a number");
  uint64_t v = 0;
  while (IsDigit(Peek())) {
    v = v * 10 + static_cast<uint64_t>(text_[pos_++] - '0');
    if (v > max) return Fail("number too large");
  }
  *out = v;
  return true;
}

bool Cursor::Number(uint32_t* out) {
  uint64_t v;
  if (!Digits(UINT32_MAX, &v)) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

bool Cursor::NzNumber(uint32_t* out) {
  if (!Number(out)) return false;
  return *out != 0 || Fail("zero is not allowed here");
}

bool Cursor::Number64(uint64_t* out) { return Digits(INT64_MAX, out); }

bool Cursor::SequenceSet(imap::SequenceSet* out) {
  *out = {};
  if (TryChar('$')) {
    out->saved = true;
    return true;
  }
  auto number = [&](uint32_t* n) {
    return TryChar('*') ? (*n = kSequenceStar, true) : NzNumber(n);
  };
  do {
    SequenceRange range;
    if (!number(&range.first)) return Fail("bad sequence set");
    range.last = range.first;
    if (TryChar(':') && !number(&range.last)) return Fail("bad sequence set");
    out->ranges.push_back(range);
  } while (TryChar(','));
  return true;
}

bool Cursor::Mailbox(std::string* out) {
  std::string raw;
  if (!AString(&raw)) return false;
  std::optional<std::string> name = DecodeMailboxName(raw, utf8_);
  if (!name) return Fail(utf8_ ? "mailbox name is not UTF-8" : "mailbox name is not mUTF-7");
  *out = EqualsIgnoreCase(*name, "INBOX") ? std::string("INBOX") : std::move(*name);
  return true;
}

bool Cursor::ListMailbox(std::string* out) {
  if (failed()) return false;
  std::string raw;
  if (Peek() == '"' || Peek() == '{') {
    if (!String(&raw)) return false;
  } else {
    size_t begin = pos_;
    while (!AtEnd() && (IsAtomChar(Peek()) || Peek() == '%' || Peek() == '*' || Peek() == ']')) {
      ++pos_;
    }
    if (pos_ == begin) return Fail("expected a mailbox pattern");
    raw = text_.substr(begin, pos_ - begin);
  }
  std::optional<std::string> name = DecodeMailboxName(raw, utf8_);
  if (!name) return Fail(utf8_ ? "mailbox name is not UTF-8" : "mailbox name is not mUTF-7");
  *out = std::move(*name);
  return true;
}

}  // namespace ringmail::imap
