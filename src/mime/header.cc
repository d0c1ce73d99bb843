#include "mime/header.h"

#include "base/ascii.h"
#include "mime/charset.h"
#include "mime/transfer_decoding.h"

namespace ringmail::mime {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The end of the line starting at `pos` (after its LF, or the end of `s`).
size_t LineEnd(std::string_view s, size_t pos) {
  size_t lf = s.find('\n', pos);
  return lf == s.npos ? s.size() : lf + 1;
}

bool IsEmptyLine(std::string_view s, size_t pos) {
  return pos < s.size() &&
         (s[pos] == '\n' || (s[pos] == '\r' && pos + 1 < s.size() && s[pos + 1] == '\n'));
}

std::string_view TrimLineBreak(std::string_view s) {
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

struct EncodedWord {
  std::string_view charset;  // without the RFC 2231 "*language"
  char encoding = 'B';
  std::string_view text;
  size_t size = 0;  // of the whole "=?...?=" form
};

// The encoded word starting at `s` ("=?" already seen at s[0..1]), if well formed.
std::optional<EncodedWord> ParseEncodedWord(std::string_view s) {
  size_t q1 = s.find('?', 2);
  if (q1 == s.npos || q1 + 2 >= s.size() || s[q1 + 2] != '?') return std::nullopt;
  EncodedWord w;
  w.charset = s.substr(2, q1 - 2);
  if (size_t star = w.charset.find('*'); star != w.charset.npos) {
    w.charset = w.charset.substr(0, star);
  }
  w.encoding = AsciiLower(s[q1 + 1]) == 'b' ? 'B' : AsciiLower(s[q1 + 1]) == 'q' ? 'Q' : 0;
  // Encoded text never holds '?' (RFC 2047 §5), so the word ends at the next one; this also
  // keeps the scan from each "=?" short.
  size_t end = s.find('?', q1 + 3);
  if (w.encoding == 0 || w.charset.empty() || end == s.npos || end + 1 >= s.size() ||
      s[end + 1] != '=') {
    return std::nullopt;
  }
  w.text = s.substr(q1 + 3, end - q1 - 3);
  for (char c : w.text) {
    if (IsSpace(c)) return std::nullopt;
  }
  w.size = end + 2;
  return w;
}

std::string DecodeQWord(std::string_view text) {
  std::string underscores(text);
  for (char& c : underscores) {
    if (c == '_') c = ' ';
  }
  return DecodeQuotedPrintable(underscores);
}

}  // namespace

size_t HeaderBlockSize(std::string_view data) {
  size_t pos = 0;
  while (pos < data.size()) {
    if (IsEmptyLine(data, pos)) return LineEnd(data, pos);
    pos = LineEnd(data, pos);
  }
  return data.size();
}

std::optional<HeaderField> HeaderReader::Next() {
  while (pos_ < block_.size() && fields_ < kHeaderFieldsMax) {
    if (IsEmptyLine(block_, pos_)) {
      pos_ = block_.size();
      break;
    }
    size_t start = pos_;
    size_t end = LineEnd(block_, pos_);
    while (end < block_.size() && IsBlank(block_[end])) end = LineEnd(block_, end);
    pos_ = end;
    std::string_view line = block_.substr(start, end - start);
    size_t colon = line.find(':');
    if (IsBlank(line[0]) || colon == line.npos || colon == 0) continue;
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && IsBlank(name.back())) name.remove_suffix(1);
    if (name.empty() || name.find_first_of(" \t\r\n") != name.npos) continue;
    ++fields_;
    return HeaderField{name, TrimLineBreak(line.substr(colon + 1))};
  }
  return std::nullopt;
}

std::vector<HeaderField> ParseHeaderFields(std::string_view block) {
  std::vector<HeaderField> fields;
  HeaderReader reader(block);
  while (std::optional<HeaderField> f = reader.Next()) fields.push_back(*f);
  return fields;
}

std::optional<std::string_view> FindHeader(std::string_view block, std::string_view name) {
  HeaderReader reader(block);
  while (std::optional<HeaderField> f = reader.Next()) {
    if (EqualsIgnoreCase(f->name, name)) return f->value;
  }
  return std::nullopt;
}

std::string Unfold(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c != '\r' && c != '\n') out += c;
  }
  size_t begin = 0;
  while (begin < out.size() && IsBlank(out[begin])) ++begin;
  size_t end = out.size();
  while (end > begin && IsBlank(out[end - 1])) --end;
  return out.substr(begin, end - begin);
}

std::string DecodeEncodedWords(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::string pending;          // bytes of adjacent words in one charset, not yet converted
  std::string pending_charset;  // their charset
  size_t pending_end = 0;       // where the last decoded word ended in `text`
  auto flush = [&] {
    if (pending_charset.empty()) return;
    std::optional<std::string> utf8 = ToUtf8(pending, pending_charset);
    out += utf8 ? *utf8 : SanitizeUtf8(pending);
    pending.clear();
    pending_charset.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    size_t start = text.find("=?", i);
    if (start == text.npos) break;
    std::optional<EncodedWord> w =
        ParseEncodedWord(text.substr(start, std::min(text.size() - start, kEncodedWordSizeMax)));
    if (!w || !ToUtf8("", w->charset)) {
      i = start + 2;
      continue;
    }
    std::string_view gap = text.substr(pending_end, start - pending_end);
    bool adjacent = pending_end > 0 && gap.find_first_not_of(" \t\r\n") == gap.npos;
    if (!adjacent || !EqualsIgnoreCase(pending_charset, w->charset)) flush();
    if (!adjacent) out.append(gap);
    pending_charset = std::string(w->charset);
    pending += w->encoding == 'B' ? DecodeBase64Lenient(w->text) : DecodeQWord(w->text);
    pending_end = start + w->size;
    i = pending_end;
  }
  flush();
  out.append(text.substr(pending_end));
  return out;
}

}  // namespace ringmail::mime
