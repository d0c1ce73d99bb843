#include "http/parser.h"

#include <array>
#include <charconv>

#include "base/ascii.h"

namespace ringmail::http {
namespace {

constexpr std::array<bool, 256> MakeTcharTable() {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) table[static_cast<unsigned char>(c)] = true;
  return table;
}
constexpr std::array<bool, 256> kTchar = MakeTcharTable();

// tchar (RFC 9110 §5.6.2).
bool IsTchar(char c) { return kTchar[static_cast<unsigned char>(c)]; }

// field-vchar, SP or HTAB (RFC 9110 §5.5): every byte but controls other than HTAB, and DEL.
bool IsFieldValueChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return u == '\t' || (u >= 0x20 && u != 0x7F);
}

// A request-target byte: visible ASCII, but no '#' (a fragment is never sent, RFC 9112 §3.2).
bool IsTargetChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7F && u != '#';
}

bool IsOws(char c) { return c == ' ' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

// Calls fn(element) for each element of a comma-separated field value (RFC 9110 §5.6.1),
// trimmed of whitespace, empty elements included; stops early when fn returns false.
template <typename Fn>
bool ForEachElement(std::string_view list, Fn fn) {
  while (true) {
    size_t comma = list.find(',');
    if (!fn(TrimOws(list.substr(0, comma)))) return false;
    if (comma == std::string_view::npos) return true;
    list.remove_prefix(comma + 1);
  }
}

// Walks a head from its first byte. Each step advances, or stops the parse with result()
// set: kNeedMore when the bytes end before the step can decide, or kError. Steps decide in
// byte order, which is what makes a prefix give kNeedMore or the whole input's result.
class Cursor {
 public:
  // Only the first head_size_max bytes are looked at: needing a byte past them is a 431.
  Cursor(std::string_view buffered, size_t head_size_max)
      : in_(buffered.substr(0, head_size_max)), truncated_(buffered.size() > head_size_max) {}

  bool AtEnd() const { return pos_ >= in_.size(); }
  char Peek() const { return in_[pos_]; }  // REQUIRES: !AtEnd()
  size_t pos() const { return pos_; }
  void Advance() { ++pos_; }
  std::string_view Since(size_t begin) const { return in_.substr(begin, pos_ - begin); }
  const ParseResult& result() const { return result_; }

  // Stops because the bytes ran out: more may come, unless the head already cannot fit.
  bool Starved() {
    result_ = truncated_ ? ParseResult::Fail(431, "head too large") : ParseResult::NeedMore();
    return false;
  }
  bool Fail(int status, const char* reason) {
    result_ = ParseResult::Fail(status, reason);
    return false;
  }

  // Advances over the bytes that satisfy pred; stops starved if the bytes end first.
  template <typename Pred>
  bool SkipWhile(Pred pred) {
    while (!AtEnd() && pred(Peek())) ++pos_;
    return !AtEnd() || Starved();
  }

  // Consumes a CRLF; `other` is the reason when some other byte stands where the CR should.
  bool Crlf(const char* other) {
    if (AtEnd()) return Starved();
    if (Peek() == '\n') return Fail(400, "bare LF in head");
    if (Peek() != '\r') return Fail(400, other);
    if (pos_ + 1 >= in_.size()) return Starved();
    if (in_[pos_ + 1] != '\n') return Fail(400, "bare CR in head");
    pos_ += 2;
    return true;
  }

 private:
  std::string_view in_;
  bool truncated_;
  size_t pos_ = 0;
  ParseResult result_;
};

// HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3); the name is case-sensitive.
bool ScanVersion(Cursor& c, int* major, int* minor) {
  size_t begin = c.pos();
  for (char want : std::string_view("HTTP/d.d")) {
    if (c.AtEnd()) return c.Starved();
    bool ok = want == 'd' ? IsDigit(c.Peek()) : c.Peek() == want;
    if (!ok) return c.Fail(400, "invalid HTTP version");
    c.Advance();
  }
  std::string_view version = c.Since(begin);
  *major = version[5] - '0';
  *minor = version[7] - '0';
  return true;
}

// field-line = field-name ":" OWS field-value OWS CRLF (RFC 9112 §5), through the empty line
// that ends the head.
bool ScanFields(Cursor& c, const Limits& limits, std::vector<Header>* headers) {
  headers->clear();
  while (true) {
    if (c.AtEnd()) return c.Starved();
    char first = c.Peek();
    if (first == '\r' || first == '\n') return c.Crlf("expected CRLF");
    // Obsolete line folding, or whitespace before the first field (RFC 9112 §2.2, §5.2).
    if (IsOws(first)) return c.Fail(400, "obsolete line folding");
    if (headers->size() == limits.header_count_max) return c.Fail(431, "too many header fields");
    size_t begin = c.pos();
    if (!c.SkipWhile(IsTchar)) return false;
    std::string_view name = c.Since(begin);
    if (IsOws(c.Peek())) return c.Fail(400, "whitespace between field name and colon");
    if (c.Peek() != ':' || name.empty()) return c.Fail(400, "invalid field name");
    c.Advance();
    if (!c.SkipWhile(IsOws)) return false;
    begin = c.pos();
    if (!c.SkipWhile(IsFieldValueChar)) return false;
    std::string_view value = TrimOws(c.Since(begin));
    if (!c.Crlf("invalid field value")) return false;
    headers->push_back({name, value});
  }
}

// Splits out->target into path and query. Origin-form "/p?q", asterisk-form "*", and
// absolute-form "http://host/p?q", which RFC 9112 §3.2.2 says a server MUST accept.
bool SplitTarget(RequestHead* out) {
  std::string_view t = out->target;
  if (t == "*") {
    out->path = t;
    out->query = t.substr(1);
    return true;
  }
  if (!t.starts_with('/')) {
    size_t scheme_end = t.find("://");
    if (scheme_end == std::string_view::npos) return false;
    std::string_view scheme = t.substr(0, scheme_end);
    if (!EqualsIgnoreCase(scheme, "http") && !EqualsIgnoreCase(scheme, "https")) return false;
    size_t authority = scheme_end + 3;
    size_t path = t.find_first_of("/?", authority);
    if (path == authority || authority == t.size()) return false;  // no host
    t.remove_prefix(path == std::string_view::npos ? t.size() : path);
  }
  size_t question = t.find('?');
  out->path = t.substr(0, question);
  out->query = question == std::string_view::npos ? t.substr(t.size()) : t.substr(question + 1);
  return true;
}

// request-line = method SP request-target SP HTTP-version CRLF (RFC 9112 §3), after any
// empty lines, which a server SHOULD ignore (§2.2).
bool ScanRequestLine(Cursor& c, const Limits& limits, RequestHead* out) {
  while (!c.AtEnd() && (c.Peek() == '\r' || c.Peek() == '\n')) {
    if (!c.Crlf("expected CRLF")) return false;
  }
  size_t begin = c.pos();
  if (!c.SkipWhile(IsTchar)) return false;
  out->method = c.Since(begin);
  if (c.Peek() != ' ' || out->method.empty()) return c.Fail(400, "invalid method");
  c.Advance();
  begin = c.pos();
  while (true) {
    if (c.AtEnd()) return c.Starved();
    if (c.Peek() == ' ') break;
    if (!IsTargetChar(c.Peek())) return c.Fail(400, "invalid request-target");
    if (c.pos() - begin == limits.target_size_max) return c.Fail(414, "request-target too long");
    c.Advance();
  }
  out->target = c.Since(begin);
  if (!SplitTarget(out)) return c.Fail(400, "unsupported request-target form");
  c.Advance();
  int major = 0;
  if (!ScanVersion(c, &major, &out->version_minor)) return false;
  if (!c.Crlf("invalid request line")) return false;
  if (major != 1 || out->version_minor > 1) return c.Fail(505, "HTTP version not supported");
  return true;
}

// status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF (RFC 9112 §4). The SP
// before an empty reason is optional here: some servers leave it out.
bool ScanStatusLine(Cursor& c, ResponseHead* out) {
  int major = 0;
  if (!ScanVersion(c, &major, &out->version_minor)) return false;
  if (c.AtEnd()) return c.Starved();
  if (c.Peek() != ' ') return c.Fail(400, "invalid status line");
  c.Advance();
  out->status = 0;
  for (int i = 0; i < 3; ++i) {
    if (c.AtEnd()) return c.Starved();
    if (!IsDigit(c.Peek())) return c.Fail(400, "invalid status code");
    out->status = out->status * 10 + (c.Peek() - '0');
    c.Advance();
  }
  if (out->status < 100 || out->status > 599) return c.Fail(400, "invalid status code");
  size_t begin = c.pos();
  if (!c.AtEnd() && c.Peek() == ' ') {
    c.Advance();
    begin = c.pos();
    if (!c.SkipWhile(IsFieldValueChar)) return false;
  }
  out->reason = c.Since(begin);
  if (!c.Crlf("invalid status line")) return false;
  if (major != 1 || out->version_minor > 1) return c.Fail(505, "HTTP version not supported");
  return true;
}

// Content-Length = 1*DIGIT. Repeats, as fields or list elements, are accepted only when they
// all agree (RFC 9110 §8.6); a value that differs is how a smuggled request hides.
bool ReadContentLength(std::string_view field_value, std::optional<uint64_t>* length) {
  return ForEachElement(field_value, [&](std::string_view element) {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(element.data(), element.data() + element.size(), value);
    if (element.empty() || ec != std::errc() || end != element.data() + element.size()) {
      return false;
    }
    if (length->has_value() && **length != value) return false;
    *length = value;
    return true;
  });
}

struct Framing {
  std::optional<uint64_t> content_length;
  bool chunked = false;
  bool keep_alive = false;
};

// Reads the fields that frame the body and decide the connection's fate (RFC 9112 §6, §9.3).
// Returns kError, or kDone with consumed 0 when *framing is set.
ParseResult ReadFraming(std::span<const Header> headers, int version_minor, Framing* framing) {
  bool transfer_encoding = false, only_chunked = true, close = false, keep_alive = false;
  size_t codings = 0;
  for (const Header& h : headers) {
    if (EqualsIgnoreCase(h.name, "content-length")) {
      if (!ReadContentLength(h.value, &framing->content_length)) {
        return ParseResult::Fail(400, "invalid Content-Length");
      }
    } else if (EqualsIgnoreCase(h.name, "transfer-encoding")) {
      transfer_encoding = true;
      ForEachElement(h.value, [&](std::string_view coding) {
        codings += coding.empty() ? 0 : 1;
        only_chunked = only_chunked && (coding.empty() || EqualsIgnoreCase(coding, "chunked"));
        return true;
      });
    } else if (EqualsIgnoreCase(h.name, "connection")) {
      ForEachElement(h.value, [&](std::string_view option) {
        close = close || EqualsIgnoreCase(option, "close");
        keep_alive = keep_alive || EqualsIgnoreCase(option, "keep-alive");
        return true;
      });
    }
  }
  if (transfer_encoding) {
    // Either framing could be the one a proxy in front of us used (RFC 9112 §6.1).
    if (framing->content_length) {
      return ParseResult::Fail(400, "Content-Length with Transfer-Encoding");
    }
    if (version_minor == 0) return ParseResult::Fail(400, "Transfer-Encoding in HTTP/1.0");
    if (codings != 1 || !only_chunked) return ParseResult::Fail(501, "unsupported coding");
    framing->chunked = true;
  }
  framing->keep_alive = !close && (version_minor == 1 || keep_alive);
  return ParseResult::Done(0);
}

// Applies the rules that need the whole request head; `consumed` is the head's size.
ParseResult FinishRequest(size_t consumed, RequestHead* out) {
  size_t hosts = 0;
  bool expect_continue = false;
  for (const Header& h : out->headers) {
    if (EqualsIgnoreCase(h.name, "host")) ++hosts;
    if (EqualsIgnoreCase(h.name, "expect")) {
      expect_continue = expect_continue || EqualsIgnoreCase(h.value, "100-continue");
    }
  }
  // RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host; none has two.
  if (hosts > 1 || (hosts == 0 && out->version_minor == 1)) {
    return ParseResult::Fail(400, "missing or repeated Host");
  }
  Framing framing;
  ParseResult r = ReadFraming(out->headers, out->version_minor, &framing);
  if (r.state == ParseState::kError) return r;
  out->content_length = framing.content_length;
  out->chunked = framing.chunked;
  out->keep_alive = framing.keep_alive;
  // An HTTP/1.0 client does not know 100-continue (RFC 9110 §10.1.1).
  out->expect_continue = expect_continue && out->version_minor == 1;
  return ParseResult::Done(consumed);
}

}  // namespace

std::string_view FindHeader(std::span<const Header> headers, std::string_view name) {
  for (const Header& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return h.value;
  }
  return {};
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTchar(c)) return false;
  }
  return true;
}

ParseResult ParseRequestHead(std::string_view buffered, const Limits& limits, RequestHead* out) {
  Cursor c(buffered, limits.head_size_max);
  if (!ScanRequestLine(c, limits, out) || !ScanFields(c, limits, &out->headers)) {
    return c.result();
  }
  return FinishRequest(c.pos(), out);
}

ParseResult ParseResponseHead(std::string_view buffered, const Limits& limits, ResponseHead* out) {
  Cursor c(buffered, limits.head_size_max);
  if (!ScanStatusLine(c, out) || !ScanFields(c, limits, &out->headers)) return c.result();
  Framing framing;
  ParseResult r = ReadFraming(out->headers, out->version_minor, &framing);
  if (r.state == ParseState::kError) return r;
  out->content_length = framing.content_length;
  out->chunked = framing.chunked;
  out->keep_alive = framing.keep_alive;
  return ParseResult::Done(c.pos());
}

}  // namespace ringmail::http
