#include "mime/content_type.h"

#include <algorithm>

#include "base/ascii.h"
#include "mime/charset.h"
#include "mime/header.h"

namespace ringmail::mime {
namespace {

constexpr size_t kRawParamsMax = 1024;  // name=value pairs read before grouping

bool IsTokenChar(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u == 0x7F) return false;
  return std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

// A cursor over a structured field value.
struct Cursor {
  std::string_view s;
  size_t pos = 0;

  bool AtEnd() const { return pos >= s.size(); }
  char Peek() const { return s[pos]; }

  // Whitespace, line breaks and (nested) comments.
  void SkipCfws() {
    while (pos < s.size()) {
      char c = s[pos];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++pos;
      } else if (c == '(') {
        SkipComment();
      } else {
        break;
      }
    }
  }
  void SkipComment() {
    size_t depth = 0;
    while (pos < s.size()) {
      char c = s[pos++];
      if (c == '\\' && pos < s.size()) {
        ++pos;
      } else if (c == '(') {
        if (++depth > kCommentDepthMax) break;
      } else if (c == ')') {
        if (--depth == 0) return;
      }
    }
    pos = s.size();  // unterminated or too deep: the rest is comment
  }
  std::string_view Token() {
    size_t start = pos;
    while (pos < s.size() && IsTokenChar(s[pos])) ++pos;
    return s.substr(start, pos - start);
  }
  // Called at '"'; an unterminated string runs to the end.
  std::string QuotedString() {
    std::string out;
    ++pos;
    while (pos < s.size() && s[pos] != '"') {
      char c = s[pos++];
      if (c == '\\' && pos < s.size()) c = s[pos++];
      if (c != '\r' && c != '\n') out += c;
    }
    if (pos < s.size()) ++pos;
    return out;
  }
  void SkipTo(char stop) {
    while (pos < s.size() && s[pos] != stop) {
      if (s[pos] == '"') {
        QuotedString();
      } else {
        ++pos;
      }
    }
  }
};

// One name=value as written: RFC 2231 section and '*' not yet interpreted.
struct RawParam {
  std::string base;  // lower-case name without "*N" / "*"
  int section = -1;  // -1: not a continuation
  bool extended = false;
  std::string value;
};

std::optional<RawParam> SplitName(std::string_view name, std::string value) {
  RawParam p;
  p.value = std::move(value);
  std::string lower = AsciiLowerString(name);
  if (!lower.empty() && lower.back() == '*') {
    p.extended = true;
    lower.pop_back();
  }
  size_t star = lower.find('*');
  if (star != lower.npos) {
    std::string_view digits = std::string_view(lower).substr(star + 1);
    if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) {
      return std::nullopt;
    }
    int n = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    p.section = n;
    lower.resize(star);
  }
  if (lower.empty()) return std::nullopt;
  p.base = std::move(lower);
  return p;
}

std::string PercentDecode(std::string_view s) {
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = AsciiLower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && IsTokenChar(c) && c != '%' && c != '\'' && c != '*') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

// Joins the sections of one parameter (RFC 2231 §3-4): `parts` share a base name.
MimeParam JoinSections(std::vector<RawParam> parts) {
  std::stable_sort(parts.begin(), parts.end(),
                   [](const RawParam& a, const RawParam& b) { return a.section < b.section; });
  MimeParam p;
  p.name = parts[0].base;
  p.extended =
      std::any_of(parts.begin(), parts.end(), [](const RawParam& r) { return r.extended; });
  std::string charset, language, bytes;
  for (size_t i = 0; i < parts.size(); ++i) {
    const RawParam& r = parts[i];
    if (r.section > 0 && r.section != static_cast<int>(i)) break;  // a gap: stop there
    std::string_view v = r.value;
    if (i == 0 && r.extended) {
      size_t q1 = v.find('\'');
      size_t q2 = q1 == v.npos ? v.npos : v.find('\'', q1 + 1);
      if (q2 != v.npos) {
        charset = std::string(v.substr(0, q1));
        language = std::string(v.substr(q1 + 1, q2 - q1 - 1));
        v = v.substr(q2 + 1);
      }
    }
    bytes += r.extended ? PercentDecode(v) : std::string(v);
  }
  if (p.extended) {
    std::optional<std::string> utf8 = charset.empty() ? std::nullopt : ToUtf8(bytes, charset);
    p.value = utf8 ? *utf8 : SanitizeUtf8(bytes);
    p.wire = charset + "'" + language + "'" + PercentEncode(bytes);
  } else {
    p.wire = bytes;
    p.value = DecodeEncodedWords(bytes);
  }
  return p;
}

}  // namespace

const MimeParam* FindParam(const std::vector<MimeParam>& params, std::string_view name) {
  for (const MimeParam& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<MimeParam> ParseParams(std::string_view text) {
  std::vector<RawParam> raw;
  Cursor c{text};
  while (!c.AtEnd() && raw.size() < kRawParamsMax) {
    c.SkipCfws();
    if (c.AtEnd()) break;
    if (c.Peek() == ';') {
      ++c.pos;
      continue;
    }
    std::string_view name = c.Token();
    c.SkipCfws();
    if (name.empty() || c.AtEnd() || c.Peek() != '=') {
      if (name.empty()) ++c.pos;
      c.SkipTo(';');
      continue;
    }
    ++c.pos;
    c.SkipCfws();
    std::string value;
    if (!c.AtEnd() && c.Peek() == '"') {
      value = c.QuotedString();
    } else {
      value = std::string(c.Token());
    }
    c.SkipCfws();
    if (!c.AtEnd() && c.Peek() != ';') {  // "name=foo bar.pdf": take the rest up to ';'
      size_t start = c.pos;
      c.SkipTo(';');
      std::string_view rest = text.substr(start, c.pos - start);
      while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
      value += ' ';
      value += Unfold(rest);
    }
    if (std::optional<RawParam> p = SplitName(name, std::move(value))) raw.push_back(*p);
  }
  // Group by base name in order of first appearance; drop repeated sections.
  std::vector<MimeParam> params;
  std::vector<bool> used(raw.size(), false);
  for (size_t i = 0; i < raw.size() && params.size() < kParamsMax; ++i) {
    if (used[i]) continue;
    std::vector<RawParam> group;
    const std::string base = raw[i].base;  // raw[i] is moved from below
    const int first_section = raw[i].section;
    for (size_t j = i; j < raw.size(); ++j) {
      if (used[j] || raw[j].base != base) continue;
      used[j] = true;
      bool dup =
          first_section < 0 ? j != i : raw[j].section < 0 || group.size() >= kParamSectionsMax;
      for (const RawParam& g : group) dup = dup || g.section == raw[j].section;
      if (!dup) group.push_back(std::move(raw[j]));
    }
    params.push_back(JoinSections(std::move(group)));
  }
  return params;
}

std::optional<ContentType> ParseContentType(std::string_view raw) {
  Cursor c{raw};
  c.SkipCfws();
  std::string_view type = c.Token();
  c.SkipCfws();
  if (type.empty() || c.AtEnd() || c.Peek() != '/') return std::nullopt;
  ++c.pos;
  c.SkipCfws();
  std::string_view subtype = c.Token();
  if (subtype.empty()) return std::nullopt;
  ContentType ct;
  ct.type = AsciiLowerString(type);
  ct.subtype = AsciiLowerString(subtype);
  c.SkipTo(';');
  ct.params = ParseParams(raw.substr(c.pos));
  return ct;
}

std::optional<Disposition> ParseDisposition(std::string_view raw) {
  Cursor c{raw};
  c.SkipCfws();
  std::string_view type = c.Token();
  if (type.empty()) return std::nullopt;
  Disposition d;
  d.type = AsciiLowerString(type);
  c.SkipTo(';');
  d.params = ParseParams(raw.substr(c.pos));
  return d;
}

std::vector<std::string> ParseLanguages(std::string_view raw) {
  std::vector<std::string> tags;
  Cursor c{raw};
  while (!c.AtEnd() && tags.size() < kLanguagesMax) {
    c.SkipCfws();
    if (c.AtEnd()) break;
    std::string_view tag = c.Token();
    if (tag.empty()) {
      ++c.pos;
    } else {
      tags.emplace_back(tag);
    }
  }
  return tags;
}

std::string ParseToken(std::string_view raw) {
  Cursor c{raw};
  c.SkipCfws();
  return AsciiLowerString(c.Token());
}

}  // namespace ringmail::mime
