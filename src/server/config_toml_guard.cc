// A pre-scan of config text for the inputs on which toml++ 3.3 (the version Debian 12 ships)
// breaks its own preconditions. Under NDEBUG those are TOML_ASSUME / __builtin_unreachable, i.e.
// undefined behaviour, and in debug builds an abort, on text an operator can type by mistake:
//
// 1. A table header whose name starts with a character that cannot start a key ("[=]", "[\n",
//    "[[[1]]]"): parse_key() is entered anyway (marzer/tomlplusplus#294, fixed by #301).
// 2. A non-ASCII character where the parser expects structure (a key, a value, whitespace), or
//    after a backslash in a multi-line basic string: is_non_ascii_horizontal_whitespace() reaches
//    TOML_UNREACHABLE for most code points below U+0500 (é, ß, Cyrillic...) and a few ranges
//    above (marzer/tomlplusplus#190, #295, fixed by #305).
// 3. An array element that starts with '}' ("[}]", "[1, }]"): parse_value() is entered on a value
//    terminator.
// 4. A malformed date or time ("1979-05-27T:7", "1979-05-27T'7"): parse_time() and parse_date()
//    are entered on a non-digit. No config key takes a date, so a bare value that starts with a
//    digit or sign must be a plain number.
//
// Non-ASCII text stays allowed in comments and strings, where toml++ handles it. The scan follows
// the TOML grammar for comments, strings, arrays and inline tables; where it cannot agree with
// toml++ the text is invalid TOML and toml++ stops at an error before the disagreement matters,
// or the scan rejects more than toml++ would.
#include <algorithm>
#include <cctype>
#include <vector>

#include "server/config_reader.h"

namespace ringmail::config_internal {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool IsAscii(char c) { return static_cast<unsigned char>(c) < 0x80; }
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A character that may start a table name in a header; ']' (an empty name) is let through
// because toml++ reports that one correctly.
bool IsKeyStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_' || c == '-' ||
         c == '"' || c == '\'' || c == ']';
}

// At a '[' that starts a line: "[" or "[[", optional spaces or tabs, then a key start.
bool IsHeaderStartSafe(std::string_view rest) {
  auto skip_blanks = [&rest] {
    rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
  };
  rest.remove_prefix(1);
  skip_blanks();
  if (rest.starts_with('[')) rest.remove_prefix(1);  // toml++ itself rejects "[ ["
  skip_blanks();
  return !rest.empty() && IsKeyStart(rest.front());
}

// Whether a quote right after PREVIOUS starts a string. After anything else (`a"b"`) toml++
// fails on the quote or scans it as part of a bare value, so what follows gets the structural
// checks.
bool OpensString(char previous) {
  return std::string_view(" \t\n=[,{.").find(previous) != std::string_view::npos;
}

// Removes a leading run of characters for which PRED holds; returns how many there were.
template <typename Pred>
size_t TakeWhile(std::string_view* text, Pred pred) {
  size_t n = std::find_if_not(text->begin(), text->end(), pred) - text->begin();
  text->remove_prefix(n);
  return n;
}

// TOKEN looks like a number: [sign] (inf | nan | 0x.. | 0o.. | 0b.. | D[.D][(e|E)[sign]D]) with
// D = digit [digit | _]*. toml++ reports every other mistake in such a token (leading zeros,
// stray underscores, overflow) itself; a date or time never matches.
bool IsPlainNumber(std::string_view token) {
  if (token.starts_with('+') || token.starts_with('-')) token.remove_prefix(1);
  if (token == "inf" || token == "nan") return true;
  auto digits = [&token](auto is_digit) {
    if (token.empty() || !is_digit(token.front())) return false;
    TakeWhile(&token, [&](char c) { return is_digit(c) || c == '_'; });
    return true;
  };
  if (token.starts_with("0x") || token.starts_with("0o") || token.starts_with("0b")) {
    token.remove_prefix(2);
    return digits([](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }) &&
           token.empty();
  }
  if (!digits(IsDigit)) return false;
  if (token.starts_with('.')) {
    token.remove_prefix(1);
    if (!digits(IsDigit)) return false;
  }
  if (token.starts_with('e') || token.starts_with('E')) {
    token.remove_prefix(1);
    if (token.starts_with('+') || token.starts_with('-')) token.remove_prefix(1);
    if (!digits(IsDigit)) return false;
  }
  return token.empty();
}

struct Cursor {
  std::string_view text;
  size_t pos = 0;
  int line = 1;

  bool AtEnd() const { return pos >= text.size(); }
  // The byte AHEAD positions on, or '\0' past the end.
  char Peek(size_t ahead = 0) const { return pos + ahead < text.size() ? text[pos + ahead] : '\0'; }
  void Advance(size_t n = 1) {
    for (; n > 0 && !AtEnd(); --n, ++pos) {
      if (text[pos] == '\n') ++line;
    }
  }
};

class TomlGuard {
 public:
  TomlGuard(std::string_view path, std::string_view text) : path_(path), c_{text} {}

  Result<void> Run();

 private:
  std::unexpected<Error> Fail(std::string_view reason) const {
    return FailAt(path_, c_.line, reason);
  }
  // Where toml++ parses a value: after '=', or after '[' or ',' inside an array value.
  bool AtValue() const {
    return last_ == '=' ||
           (!open_.empty() && open_.back() == '[' && (last_ == '[' || last_ == ','));
  }
  Result<void> Structural(char ch);
  Result<void> BareValue();
  Result<void> SkipString();
  Result<void> SkipEscape(bool multi_line);

  std::string_view path_;
  Cursor c_;
  std::vector<char> open_;  // the arrays ('[') and inline tables ('{') the scan is inside
  bool line_start_ = true;  // only spaces or tabs since the last newline outside strings
  char last_ = '\n';        // the last character outside strings, blanks and comments
  char previous_ = '\n';    // the character just before the current one
};

Result<void> TomlGuard::Run() {
  if (c_.text.starts_with(kUtf8Bom)) c_.Advance(kUtf8Bom.size());  // toml++ skips a BOM
  while (!c_.AtEnd()) {
    char ch = c_.Peek();
    if (!IsAscii(ch)) return Fail("non-ASCII character outside a string or comment");
    if (ch == '#') {
      while (!c_.AtEnd() && c_.Peek() != '\n') c_.Advance();
    } else if ((ch == '"' || ch == '\'') && OpensString(previous_)) {
      TRY(SkipString());
      line_start_ = false;
      last_ = previous_ = ch;
    } else if (AtValue() && (IsDigit(ch) || ch == '+' || ch == '-')) {
      TRY(BareValue());
    } else {
      TRY(Structural(ch));
    }
  }
  return {};
}

Result<void> TomlGuard::Structural(char ch) {
  bool at_value = AtValue();
  if (at_value && ch == '}') return Fail("expected a value, saw '}'");
  if (at_value && (ch == '[' || ch == '{')) {
    open_.push_back(ch);
  } else if (ch == '[' && line_start_ && open_.empty()) {
    if (!IsHeaderStartSafe(c_.text.substr(c_.pos))) {
      return Fail("expected a table name after '['");
    }
  } else if (!open_.empty() && ch == (open_.back() == '[' ? ']' : '}')) {
    open_.pop_back();  // "[]" and "[1,]" close at a value position too
  }
  if (!IsBlank(ch)) last_ = ch;
  line_start_ = ch == '\n' || (line_start_ && (ch == ' ' || ch == '\t'));
  previous_ = ch;
  c_.Advance();
  return {};
}

// At a value that starts with a digit or sign: the run up to a value terminator, as toml++
// scans it, must be a plain number.
Result<void> TomlGuard::BareValue() {
  std::string_view rest = c_.text.substr(c_.pos);
  std::string_view token =
      rest.substr(0, std::min(rest.find_first_of(" \t\r\n\v\f,]}#"), rest.size()));
  if (!std::all_of(token.begin(), token.end(), IsAscii)) {
    return Fail("non-ASCII character outside a string or comment");
  }
  if (!IsPlainNumber(token)) {
    // Appended piecewise: "'" + std::string trips GCC 12's -Wrestrict false positive at -O3.
    std::string reason = Printable(token);
    reason.insert(0, 1, '\'');
    reason +=
        "' is not a value the config uses: expected a string, number, boolean, array or table";
    return Fail(reason);
  }
  c_.Advance(token.size());
  line_start_ = false;
  last_ = previous_ = token.back();
  return {};
}

// At the opening quote of a string: moves past its closing quote (or, for an unterminated
// single-line string, to the newline where toml++ stops with an error).
Result<void> TomlGuard::SkipString() {
  char quote = c_.Peek();
  bool basic = quote == '"';
  bool multi_line = c_.Peek(1) == quote && c_.Peek(2) == quote;
  c_.Advance(multi_line ? 3 : 1);
  while (!c_.AtEnd()) {
    char ch = c_.Peek();
    if (ch == '\n' && !multi_line) return {};
    if (basic && ch == '\\') {
      TRY(SkipEscape(multi_line));
      continue;
    }
    if (ch == quote && !multi_line) {
      c_.Advance();
      return {};
    }
    if (ch == quote && c_.Peek(1) == quote && c_.Peek(2) == quote) {
      // Up to two more quotes belong to the content ("""a""""" is a"" then the delimiter).
      c_.Advance(3);
      for (int i = 0; i < 2 && c_.Peek() == quote; ++i) c_.Advance();
      return {};
    }
    c_.Advance();
  }
  return {};
}

// At a '\' in a basic string: the escape, or a line-ending backslash and the whitespace it
// trims. toml++ classifies the first character after either with the broken whitespace test.
Result<void> TomlGuard::SkipEscape(bool multi_line) {
  c_.Advance();  // the backslash
  bool trimmed = false;
  while (c_.Peek() == ' ' || c_.Peek() == '\t' ||
         (multi_line && (c_.Peek() == '\r' || c_.Peek() == '\n'))) {
    c_.Advance();
    trimmed = true;
  }
  if (!c_.AtEnd() && !IsAscii(c_.Peek())) {
    return Fail("non-ASCII character after '\\' in a string (use \\uXXXX)");
  }
  if (!trimmed) c_.Advance();  // the escaped character; a trimmed run resumes at content
  return {};
}

}  // namespace

Result<void> CheckTomlInput(std::string_view path, std::string_view text) {
  return TomlGuard(path, text).Run();
}

}  // namespace ringmail::config_internal
