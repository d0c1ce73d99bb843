// The token level of the IMAP command grammar (RFC 9051 §9): a cursor over one command's
// text, as assembled by CommandReader, and its literals. Internal to imap/; parse_*.cc use it.
//
// The text is the command's lines without their line ends, where a literal's marker ("{5}",
// "{5+}", "~{5}") is directly followed by the rest of the line that came after the literal's
// data; the data is in `literals`, in order, each knowing where its marker ends in the text.
//
// Every reader returns true and advances, or returns false with the cursor failed: the first
// failure's reason (a static string) is kept, and later calls keep failing. Pure; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imap/command.h"

namespace ringmail::imap {

// One literal's data, read off the wire by CommandReader.
struct LiteralData {
  size_t marker_end = 0;  // offset in the command text just past the marker's "}"
  bool binary = false;    // literal8: "~{N}"
  std::string data;
};

class Cursor {
 public:
  // `literals` are moved out of as they are read. `utf8`: mailbox names are UTF-8
  // (IMAP4rev2 / UTF8=ACCEPT) rather than modified UTF-7.
  Cursor(std::string_view text, std::span<LiteralData> literals, bool utf8)
      : text_(text), literals_(literals), utf8_(utf8) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  size_t pos() const { return pos_; }
  bool failed() const { return reason_ != nullptr; }
  const char* reason() const { return reason_ != nullptr ? reason_ : ""; }

  // Records `reason` (unless a failure is recorded already) and returns false.
  bool Fail(const char* reason);

  bool Char(char c);     // exactly c, or fail
  bool TryChar(char c);  // consumes c if it is next
  // True if the next bytes are `s`, ASCII case-insensitively (consumes nothing).
  bool LookingAt(std::string_view s) const;
  bool Sp() { return Char(' '); }
  bool End();                  // nothing left, or fail
  bool Tag(std::string* out);  // 1*<ASTRING-CHAR except "+">

  // 1*ATOM-CHAR; with `brackets`, also "]" (ASTRING-CHAR). Fails on none.
  std::string_view Atom(bool brackets = false);
  // 1*(ALPHA / DIGIT / "." / "-" / "_" / "=") : a keyword of the grammar, upper-cased into
  // *out. Fails on none.
  bool Keyword(std::string* out);
  // A keyword equal to `word` (ASCII case-insensitive), consumed only when it matches and is
  // not followed by another keyword character.
  bool TryKeyword(std::string_view word);

  bool Quoted(std::string* out);
  // A literal; literal8 only with allow_binary (then *binary says which it was).
  bool Literal(std::string* out, bool allow_binary = false, bool* binary = nullptr);
  bool String(std::string* out);  // quoted / literal
  bool AString(std::string* out);
  bool NString(std::optional<std::string>* out);

  bool Number(uint32_t* out);    // 1*DIGIT, < 2^32
  bool NzNumber(uint32_t* out);  // > 0
  bool Number64(uint64_t* out);  // < 2^63 (RFC 9051 number64, RFC 7162 mod-sequence-value)
  bool SequenceSet(imap::SequenceSet* out);

  bool Mailbox(std::string* out);      // astring, decoded; "INBOX" in any case -> "INBOX"
  bool ListMailbox(std::string* out);  // list-mailbox, decoded

  // flag (no "\Recent", "\*"); system flags spelled canonically.
  bool Flag(std::string* out);
  bool FlagList(std::vector<std::string>* out);  // "(" [flag *(SP flag)] ")"
  bool Date(int64_t* days);                      // date: days since 1970-01-01
  bool DateTime(imap::DateTime* out);            // date-time (quoted)

  // "(" item *(SP item) ")", calling item() for each; `allow_empty` accepts "()".
  template <typename Fn>
  bool List(Fn item, bool allow_empty = false) {
    if (!Char('(')) return false;
    if (allow_empty && TryChar(')')) return true;
    do {
      if (!item()) return false;
    } while (TryChar(' '));
    return Char(')');
  }

 private:
  bool Digits(uint64_t max, uint64_t* out);

  std::string_view text_;
  std::span<LiteralData> literals_;
  bool utf8_;
  size_t pos_ = 0;
  size_t next_literal_ = 0;
  const char* reason_ = nullptr;
};

// ATOM-CHAR: any CHAR except atom-specials (RFC 9051 §9).
bool IsAtomChar(char c);
// A tag's byte: ASTRING-CHAR except "+".
bool IsTagChar(char c);

}  // namespace ringmail::imap
