#include "mime/address_list.h"

#include "mime/content_type.h"

namespace ringmail::mime {
namespace {

enum class Tok { kWord, kQuoted, kLiteral, kComment, kSpecial };

struct Token {
  Tok kind;
  std::string text;  // unquoted content for kQuoted/kComment; the character for kSpecial
  bool Is(char c) const { return kind == Tok::kSpecial && text[0] == c; }
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsSpecial(char c) { return std::string_view("<>@,;:.").find(c) != std::string_view::npos; }

// Text up to `close` with backslash escapes, nested parentheses for comments; `i` is at the
// opening character and ends after the closing one (or at the end).
std::string Delimited(std::string_view s, size_t& i, char close, bool nest) {
  std::string out;
  size_t depth = 1;
  ++i;
  while (i < s.size()) {
    char c = s[i++];
    if (c == '\\' && i < s.size()) {
      out += s[i++];
      continue;
    }
    if (nest && c == '(' && ++depth > kCommentDepthMax) break;
    if (c == close && --depth == 0) return out;
    if (c != '\r' && c != '\n') out += c;
  }
  i = s.size();
  return out;
}

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> toks;
  size_t i = 0;
  while (i < s.size() && toks.size() < kAddressTokensMax) {
    char c = s[i];
    if (IsSpace(c)) {
      ++i;
    } else if (c == '"') {
      toks.push_back({Tok::kQuoted, Delimited(s, i, '"', false)});
    } else if (c == '(') {
      toks.push_back({Tok::kComment, Delimited(s, i, ')', true)});
    } else if (c == '[') {
      toks.push_back({Tok::kLiteral, "[" + Delimited(s, i, ']', false) + "]"});
    } else if (IsSpecial(c)) {
      toks.push_back({Tok::kSpecial, std::string(1, c)});
      ++i;
    } else {
      size_t start = i;
      while (i < s.size() && !IsSpace(s[i]) && !IsSpecial(s[i]) && s[i] != '"' && s[i] != '(' &&
             s[i] != '[') {
        ++i;
      }
      toks.push_back({Tok::kWord, std::string(s.substr(start, i - start))});
    }
  }
  return toks;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : t_(std::move(toks)) {}

  std::vector<Address> Run() {
    size_t i = 0;
    while (i < t_.size() && out_.size() < kAddressesMax) {
      if (t_[i].Is(',') || t_[i].kind == Tok::kComment) {
        ++i;
      } else if (t_[i].Is(';')) {
        EndGroup();
        ++i;
      } else if (size_t colon = GroupColon(i); colon != 0) {
        Address start;
        start.kind = Address::Kind::kGroupStart;
        start.name = Phrase(i, colon);
        out_.push_back(std::move(start));
        in_group_ = true;
        i = colon + 1;
      } else {
        i = Mailbox(i);
      }
    }
    EndGroup();
    return std::move(out_);
  }

 private:
  // The index of the ':' starting a group at `i` (a phrase then ':'), or 0.
  size_t GroupColon(size_t i) const {
    if (in_group_) return 0;
    for (size_t j = i; j < t_.size(); ++j) {
      const Token& k = t_[j];
      if (k.Is(':')) return j;
      if (k.kind == Tok::kSpecial && !k.Is('.')) return 0;
    }
    return 0;
  }

  void EndGroup() {
    if (!in_group_) return;
    Address end;
    end.kind = Address::Kind::kGroupEnd;
    out_.push_back(std::move(end));
    in_group_ = false;
  }

  // Words of [begin, end) joined by one space; dots stick to the word before. nullopt if none.
  std::optional<std::string> Phrase(size_t begin, size_t end) const {
    std::string out;
    for (size_t j = begin; j < end; ++j) {
      const Token& k = t_[j];
      if (k.kind == Tok::kComment) continue;
      if (!out.empty() && !k.Is('.')) out += ' ';
      out += k.text;
    }
    if (out.empty()) return std::nullopt;
    return out;
  }

  // Tokens of [begin, end) concatenated (a local part or a domain), comments skipped.
  std::string Joined(size_t begin, size_t end) const {
    std::string out;
    for (size_t j = begin; j < end; ++j) {
      if (t_[j].kind != Tok::kComment) out += t_[j].text;
    }
    return out;
  }

  void AddrSpec(size_t begin, size_t end, Address& a) const {
    size_t at = end;
    for (size_t j = begin; j < end; ++j) {
      if (t_[j].Is('@')) at = j;
    }
    a.mailbox = Joined(begin, at);
    if (at < end) a.host = Joined(at + 1, end);
  }

  // One mailbox starting at `i`; returns the index after it.
  size_t Mailbox(size_t i) {
    size_t end = i;
    size_t angle = t_.size();
    size_t angle_end = t_.size();
    for (; end < t_.size(); ++end) {
      const Token& k = t_[end];
      if (angle == t_.size() && k.Is('<')) {
        angle = end;
      } else if (angle != t_.size() && angle_end == t_.size()) {
        if (k.Is('>')) angle_end = end;
      } else if (k.Is(',') || k.Is(';')) {
        break;
      }
    }
    Address a;
    std::optional<std::string> comment;
    for (size_t j = i; j < end; ++j) {
      if (t_[j].kind == Tok::kComment && !t_[j].text.empty()) comment = t_[j].text;
    }
    if (angle == t_.size()) {
      AddrSpec(i, end, a);
    } else {
      a.name = Phrase(i, angle);
      size_t spec = angle + 1;
      size_t spec_end = std::min(angle_end, end);
      size_t route_colon = spec;
      for (size_t j = spec; j < spec_end; ++j) {
        if (t_[j].Is(':')) route_colon = j;
      }
      if (route_colon != spec && t_[spec].Is('@')) {
        a.adl = Joined(spec, route_colon);
        spec = route_colon + 1;
      }
      AddrSpec(spec, spec_end, a);
    }
    if (!a.name && comment) a.name = comment;
    if (a.name || !a.mailbox.empty() || !a.host.empty()) out_.push_back(std::move(a));
    return end;
  }

  std::vector<Token> t_;
  std::vector<Address> out_;
  bool in_group_ = false;
};

}  // namespace

std::vector<Address> ParseAddressList(std::string_view raw) { return Parser(Tokenize(raw)).Run(); }

}  // namespace ringmail::mime
