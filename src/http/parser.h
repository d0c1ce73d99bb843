// HTTP/1.1 message heads (RFC 9112): the request head for our servers (/metrics, JMAP,
// admin) and the response head for our S3 client.
//
// The parsers are pure functions over bytes: no socket, no allocation beyond the caller's
// header vector, no state between calls. The caller keeps every byte received so far for the
// current message and passes all of it, from the message's first byte, on each call:
//
//   ParseResult r = ParseRequestHead(buffer, limits, &head);
//   kNeedMore: read more, append, call again with the longer buffer.
//   kDone:     the head is buffer[0, r.consumed); what follows is body or the next request.
//   kError:    answer r.status (if a server), then close the connection.
//
// Strictness: every line of a head must end in CRLF. A bare LF or bare CR anywhere in a head
// is a 400. RFC 9112 §2.2 allows a recipient to accept a bare LF as a line end; we do not,
// so that we find the end of a head at exactly the byte where any proxy in front of us does
// (disagreement there is how requests are smuggled). Every peer we serve or call sends CRLF.
//
// Errors are decided in byte order, as soon as the byte that makes the head invalid (or too
// large) has arrived: a head that cannot fit is refused right away, not when it ends. So any
// prefix of an input gives either kNeedMore or exactly the result of the whole input.
//
// Each call costs O(min(buffer size, head_size_max)): call once per read, not once per byte.
// Runs on any core; pure code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace ringmail::http {

// Bounds on one message head, each checked where its bytes arrive.
struct Limits {
  size_t head_size_max = 16 * 1024;   // start line, fields and final CRLF; 431 beyond
  size_t header_count_max = 100;      // field lines; 431 beyond
  size_t target_size_max = 8 * 1024;  // the request-target; 414 beyond
};

enum class ParseState { kNeedMore, kDone, kError };

struct ParseResult {
  ParseState state = ParseState::kNeedMore;
  // kDone: the size of what was parsed; the bytes after it belong to what comes next.
  // kNeedMore: the bytes the parser is finished with (always 0 for the head parsers; see
  // ChunkedDecoder). kError: unspecified, at most the input's size.
  size_t consumed = 0;
  // kError: the HTTP status to answer with: 400, 413, 414, 431, 501 or 505. 0 otherwise.
  int status = 0;
  // kError: a static description of the defect, for logs. "" otherwise; never null.
  const char* reason = "";

  static ParseResult NeedMore(size_t consumed = 0) {
    return {ParseState::kNeedMore, consumed, 0, ""};
  }
  static ParseResult Done(size_t consumed) { return {ParseState::kDone, consumed, 0, ""}; }
  static ParseResult Fail(int status, const char* reason, size_t consumed = 0) {
    return {ParseState::kError, consumed, status, reason};
  }
};

// One field line. Both views point into the parsed buffer; the value is stripped of the
// whitespace around it and may be empty.
struct Header {
  std::string_view name;
  std::string_view value;
};

// The value of the first field named `name` (compared ASCII case-insensitively), or "" when
// there is none: a caller that must tell an absent field from an empty one walks the list.
std::string_view FindHeader(std::span<const Header> headers, std::string_view name);

// True if `s` is a non-empty RFC 9110 token (the syntax of methods and field names).
bool IsToken(std::string_view s);

// A parsed request head. Every string_view (here and in `headers`) points into the buffer
// given to ParseRequestHead and is valid only while the caller keeps those bytes in place
// and unchanged: act on the head, copy out what must outlive it, then discard the bytes.
struct RequestHead {
  std::string_view method;  // a token, case-sensitive: "GET"
  std::string_view target;  // the request-target as sent
  // The target's path, not percent-decoded: origin-form "/a/b?q" gives "/a/b"; asterisk-form
  // gives "*"; absolute-form "http://host/a?q" gives "/a", or "" (meaning "/") without a path.
  std::string_view path;
  std::string_view query;       // after the first '?', without it; "" when there is none
  int version_minor = 1;        // HTTP/1.<version_minor>: 0 or 1
  std::vector<Header> headers;  // in arrival order
  bool keep_alive = false;      // the connection may carry another request after this one
  bool chunked = false;         // the body is chunked: decode it with ChunkedDecoder
  std::optional<uint64_t> content_length;  // the body's size; neither this nor chunked: none
  bool expect_continue = false;            // the client waits for "100 Continue" before the body

  std::string_view Find(std::string_view name) const { return FindHeader(headers, name); }
};

// Parses the request head at the front of `buffered` (see the top of this file).
// Accepts HTTP/1.0 and HTTP/1.1, origin-, absolute- and asterisk-form targets, and skips
// empty lines before the request line (RFC 9112 §2.2; they count in consumed). Refuses:
// a head over head_size_max bytes or with over header_count_max fields (431), a target over
// target_size_max (414), another HTTP version (505), a Transfer-Encoding other than exactly
// "chunked" (501), and with 400: bad syntax, obsolete line folding, whitespace between a field
// name and its colon, Content-Length values that differ, Content-Length together with
// Transfer-Encoding, Transfer-Encoding in HTTP/1.0, a missing (HTTP/1.1) or repeated Host.
// keep_alive: HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "Connection:
// keep-alive". expect_continue: "Expect: 100-continue" in HTTP/1.1 (ignored in 1.0; other
// expectations are ignored). *out is overwritten and meaningful only on kDone; its header
// vector keeps its capacity, so a reused RequestHead parses without allocating.
ParseResult ParseRequestHead(std::string_view buffered, const Limits& limits, RequestHead* out);

// A parsed response head; its views obey RequestHead's lifetime rule.
struct ResponseHead {
  int version_minor = 1;
  int status = 0;               // 100..599
  std::string_view reason;      // may be empty; carries no meaning
  std::vector<Header> headers;  // in arrival order
  bool keep_alive = false;      // same rule as for requests
  bool chunked = false;
  // The body's size. When neither this nor chunked is set, the body runs until the server
  // closes the connection, except that 1xx, 204 and 304 responses and responses to HEAD
  // never have a body (RFC 9112 §6.3): only the caller knows the method it sent.
  std::optional<uint64_t> content_length;

  std::string_view Find(std::string_view name) const { return FindHeader(headers, name); }
};

// Parses the response head at the front of `buffered`, with the rules and the contract of
// ParseRequestHead (target_size_max is unused; no Host rule; "HTTP/1.1 200\r\n" without a
// reason is accepted). On kError, status classifies the defect with the same codes (431,
// 501, 505, otherwise 400); a client reports any of them as its own failure.
ParseResult ParseResponseHead(std::string_view buffered, const Limits& limits, ResponseHead* out);

}  // namespace ringmail::http
