#include "http/parser.h"

#include <gtest/gtest.h>

#include <string>

namespace ringmail::http {
namespace {

ParseResult Request(std::string_view in, RequestHead* head = nullptr, const Limits& limits = {}) {
  RequestHead scratch;
  return ParseRequestHead(in, limits, head != nullptr ? head : &scratch);
}

// Expects `in` to be refused with `status`.
void ExpectRejected(std::string_view in, int status, const Limits& limits = {}) {
  ParseResult r = Request(in, nullptr, limits);
  EXPECT_EQ(r.state, ParseState::kError) << in;
  EXPECT_EQ(r.status, status) << in << " reason: " << r.reason;
  EXPECT_STRNE(r.reason, "") << in;
}

// A request with one extra field line.
std::string WithField(std::string_view field) {
  return "POST /x HTTP/1.1\r\nHost: h\r\n" + std::string(field) + "\r\n\r\n";
}

// A request parsed with WithField, and the bytes its views point into.
struct Parsed {
  explicit Parsed(std::string_view field) : bytes(WithField(field)) {
    result = Request(bytes, &head);
  }
  Parsed(const Parsed&) = delete;
  std::string bytes;
  RequestHead head;
  ParseResult result;
};

TEST(ParseRequestHead, SimpleGet) {
  std::string in = "GET /metrics?name=up&x HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
  RequestHead head;
  ParseResult r = Request(in, &head);
  ASSERT_EQ(r.state, ParseState::kDone) << r.reason;
  EXPECT_EQ(r.consumed, in.size());
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(head.method, "GET");
  EXPECT_EQ(head.target, "/metrics?name=up&x");
  EXPECT_EQ(head.path, "/metrics");
  EXPECT_EQ(head.query, "name=up&x");
  EXPECT_EQ(head.version_minor, 1);
  ASSERT_EQ(head.headers.size(), 2u);
  EXPECT_EQ(head.headers[0].name, "Host");
  EXPECT_EQ(head.headers[1].value, "*/*");
  EXPECT_EQ(head.Find("HOST"), "example.com");
  EXPECT_EQ(head.Find("accept"), "*/*");
  EXPECT_EQ(head.Find("Missing"), "");
  EXPECT_TRUE(head.keep_alive);
  EXPECT_FALSE(head.chunked);
  EXPECT_FALSE(head.content_length.has_value());
  EXPECT_FALSE(head.expect_continue);
}

TEST(ParseRequestHead, ViewsPointIntoTheBuffer) {
  std::string in = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
  RequestHead head;
  ASSERT_EQ(Request(in, &head).state, ParseState::kDone);
  EXPECT_EQ(head.method.data(), in.data());
  EXPECT_EQ(head.headers[0].value.data(), in.data() + in.find("h\r\n"));
}

TEST(ParseRequestHead, TargetForms) {
  struct Case {
    std::string_view target, path, query;
  };
  for (const Case& c :
       {Case{"/", "/", ""}, Case{"/a?", "/a", ""}, Case{"/a?b?c", "/a", "b?c"},
        Case{"http://example.com/x?y=1", "/x", "y=1"}, Case{"HTTPS://example.com", "", ""},
        Case{"http://h?q", "", "q"}, Case{"*", "*", ""}}) {
    std::string in = "OPTIONS " + std::string(c.target) + " HTTP/1.1\r\nHost: h\r\n\r\n";
    RequestHead head;
    ASSERT_EQ(Request(in, &head).state, ParseState::kDone) << c.target;
    EXPECT_EQ(head.target, c.target);
    EXPECT_EQ(head.path, c.path) << c.target;
    EXPECT_EQ(head.query, c.query) << c.target;
  }
}

TEST(ParseRequestHead, RejectsBadTargets) {
  for (std::string_view target :
       {"x", "ftp://h/x", "http://", "http:///x", "/a#frag", "/\x01", "/caf\xc3\xa9", "/a\tb"}) {
    ExpectRejected("GET " + std::string(target) + " HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  }
  ExpectRejected("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400);  // empty target
  ExpectRejected("GET /  HTTP/1.1\r\nHost: h\r\n\r\n", 400);  // two spaces
  ExpectRejected("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400);  // trailing space
  ExpectRejected("GET /\r\nHost: h\r\n\r\n", 400);            // HTTP/0.9 style
}

TEST(ParseRequestHead, RejectsBadMethods) {
  ExpectRejected(" / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  ExpectRejected("G@T / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  ExpectRejected("GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  // Any token is a method: the application answers 405 or 501 for the ones it lacks.
  EXPECT_EQ(Request("PROPFIND / HTTP/1.1\r\nHost: h\r\n\r\n").state, ParseState::kDone);
}

TEST(ParseRequestHead, RejectsGarbageBeforeTheLineEnds) {
  // A TLS ClientHello on the plain port: refused at its first byte, not at a limit.
  std::string hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  ExpectRejected(hello, 400);
  ExpectRejected(hello.substr(0, 1), 400);
  ExpectRejected("GET / HTTP/1.1\n", 400);  // bare LF ends the line: refused at once
}

TEST(ParseRequestHead, Versions) {
  RequestHead head;
  ASSERT_EQ(Request("GET / HTTP/1.0\r\n\r\n", &head).state, ParseState::kDone);
  EXPECT_EQ(head.version_minor, 0);
  for (std::string_view v : {"HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.1"}) {
    ExpectRejected("GET / " + std::string(v) + "\r\nHost: h\r\n\r\n", 505);
  }
  for (std::string_view v : {"http/1.1", "HTTP/11", "HTTP/1.10", "HTTP/1.1x", "HTTP/a.1", "HTTP"}) {
    ExpectRejected("GET / " + std::string(v) + "\r\nHost: h\r\n\r\n", 400);
  }
}

TEST(ParseRequestHead, KeepAlive) {
  struct Case {
    std::string_view version, connection;
    bool keep_alive;
  };
  for (const Case& c : {Case{"1.1", "", true}, Case{"1.1", "Connection: close\r\n", false},
                        Case{"1.1", "Connection: Upgrade, CLOSE\r\n", false},
                        Case{"1.0", "", false}, Case{"1.0", "Connection: keep-alive\r\n", true},
                        Case{"1.0", "Connection: Keep-Alive, foo\r\n", true},
                        Case{"1.0", "Connection: keep-alive\r\nConnection: close\r\n", false}}) {
    std::string in = "GET / HTTP/" + std::string(c.version) + "\r\nHost: h\r\n" +
                     std::string(c.connection) + "\r\n";
    RequestHead head;
    ASSERT_EQ(Request(in, &head).state, ParseState::kDone) << in;
    EXPECT_EQ(head.keep_alive, c.keep_alive) << in;
  }
}

TEST(ParseRequestHead, Host) {
  ExpectRejected("GET / HTTP/1.1\r\n\r\n", 400);
  ExpectRejected("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400);
  ExpectRejected("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400);
  EXPECT_EQ(Request("GET / HTTP/1.0\r\n\r\n").state, ParseState::kDone);
  EXPECT_EQ(Request("GET / HTTP/1.1\r\nHost:\r\n\r\n").state, ParseState::kDone);
}

TEST(ParseRequestHead, FieldValues) {
  Parsed spaced("X-A: \t spaced  out \t");
  ASSERT_EQ(spaced.result.state, ParseState::kDone);
  EXPECT_EQ(spaced.head.Find("x-a"), "spaced  out");
  Parsed empty("X-Empty:");
  ASSERT_EQ(empty.result.state, ParseState::kDone);
  EXPECT_EQ(empty.head.Find("X-Empty"), "");
  Parsed utf8("X-Utf8: caf\xc3\xa9");
  ASSERT_EQ(utf8.result.state, ParseState::kDone);
  EXPECT_EQ(utf8.head.Find("X-Utf8"), "caf\xc3\xa9");  // obs-text is kept as is
  Parsed colons("X-Colons: a:b:c");
  ASSERT_EQ(colons.result.state, ParseState::kDone);
  EXPECT_EQ(colons.head.Find("x-colons"), "a:b:c");
}

TEST(ParseRequestHead, RejectsBadFields) {
  ExpectRejected(WithField("X-A : b"), 400);  // whitespace before the colon
  ExpectRejected(WithField("X-A\t: b"), 400);
  ExpectRejected(WithField(": b"), 400);      // empty name
  ExpectRejected(WithField("X(A): b"), 400);  // not a token
  ExpectRejected(WithField("X-A b"), 400);    // no colon
  ExpectRejected(WithField("X-A"), 400);
  ExpectRejected(WithField(std::string("X-A: a\0b", 8)), 400);
  ExpectRejected(WithField("X-A: a\x7f"), 400);
  ExpectRejected(WithField("X-A: a\x0b"), 400);
  ExpectRejected(WithField("X-A: a\r\n b"), 400);  // obs-fold
  ExpectRejected(WithField("X-A: a\r\n\tb"), 400);
  ExpectRejected("GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400);  // whitespace before 1st field
}

TEST(ParseRequestHead, LineEndings) {
  ExpectRejected("GET / HTTP/1.1\nHost: h\n\n", 400);
  ExpectRejected("GET / HTTP/1.1\r\nHost: h\n\r\n", 400);
  ExpectRejected("GET / HTTP/1.1\r\nHost: h\r\n\n", 400);
  ExpectRejected("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400);
  ExpectRejected("GET / HTTP/1.1\r\nHost: h\r\n\r\r\n", 400);
  ExpectRejected("GET / HTTP/1.1\rX\r\n\r\n", 400);
  ExpectRejected("\n\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  // A lone CR at the end may still be followed by LF.
  EXPECT_EQ(Request("GET / HTTP/1.1\r\nHost: h\r").state, ParseState::kNeedMore);
  EXPECT_EQ(Request("GET / HTTP/1.1\r\nHost: h\r\n\r").state, ParseState::kNeedMore);
}

TEST(ParseRequestHead, SkipsEmptyLinesBeforeTheRequest) {
  std::string in = "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
  RequestHead head;
  ParseResult r = Request(in, &head);
  ASSERT_EQ(r.state, ParseState::kDone);
  EXPECT_EQ(r.consumed, in.size());
  EXPECT_EQ(head.method, "GET");
  EXPECT_EQ(Request("\r\n").state, ParseState::kNeedMore);
}

TEST(ParseRequestHead, ContentLength) {
  struct Case {
    std::string_view field;
    uint64_t length;
  };
  for (const Case& c : {Case{"Content-Length: 42", 42}, Case{"content-length: 0", 0},
                        Case{"Content-Length: 18446744073709551615", UINT64_MAX},
                        // Identical repeats are one value (RFC 9110 §8.6).
                        Case{"Content-Length: 5\r\nContent-Length: 5", 5},
                        Case{"Content-Length: 5, 5,5", 5}, Case{"Content-Length: 007", 7}}) {
    Parsed p(c.field);
    ASSERT_EQ(p.result.state, ParseState::kDone) << c.field;
    EXPECT_EQ(p.head.content_length, c.length) << c.field;
    EXPECT_FALSE(p.head.chunked);
  }
}

TEST(ParseRequestHead, RejectsBadContentLength) {
  for (std::string_view value : {"", "abc", "-1", "+5", "5 5", "0x10", "5,", ",5", "5;",
                                 "18446744073709551616", "99999999999999999999999"}) {
    ExpectRejected(WithField("Content-Length: " + std::string(value)), 400);
  }
  ExpectRejected(WithField("Content-Length: 5\r\nContent-Length: 6"), 400);
  ExpectRejected(WithField("Content-Length: 5, 6"), 400);
  ExpectRejected(WithField("Content-Length: 05\r\nContent-Length: 6"), 400);
}

TEST(ParseRequestHead, Chunked) {
  for (std::string_view field : {"Transfer-Encoding: chunked", "transfer-encoding: Chunked "}) {
    Parsed p(field);
    ASSERT_EQ(p.result.state, ParseState::kDone) << field;
    EXPECT_TRUE(p.head.chunked);
    EXPECT_FALSE(p.head.content_length.has_value());
  }
}

// The classic request-smuggling shapes (CL.TE, TE.CL, TE.TE): refused, never guessed at.
TEST(ParseRequestHead, RejectsSmuggling) {
  ExpectRejected(WithField("Content-Length: 4\r\nTransfer-Encoding: chunked"), 400);
  ExpectRejected(WithField("Transfer-Encoding: chunked\r\nContent-Length: 4"), 400);
  ExpectRejected(WithField("Transfer-Encoding: chunked\r\nContent-Length: 0"), 400);
  ExpectRejected(WithField("Transfer-Encoding: gzip\r\nContent-Length: 4"), 400);
  ExpectRejected(WithField("Transfer-Encoding : chunked"), 400);
  ExpectRejected(WithField("Transfer-Encoding\t: chunked"), 400);
  ExpectRejected(WithField("Transfer-Encoding:\x0b"
                           "chunked"),
                 400);
  ExpectRejected(WithField("X: y\r\n Transfer-Encoding: chunked"), 400);
  ExpectRejected("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
  ExpectRejected("POST / HTTP/1.1\r\nHost: h\nTransfer-Encoding: chunked\r\n\r\n", 400);
  ExpectRejected("POST / HTTP/1.1\r\nHost: h\rTransfer-Encoding: chunked\r\n\r\n", 400);
}

TEST(ParseRequestHead, RejectsOtherTransferCodings) {
  for (std::string_view value : {"gzip", "identity", "gzip, chunked", "chunked, chunked",
                                 "chunked;q=1", "xchunked", "", ","}) {
    ExpectRejected(WithField("Transfer-Encoding: " + std::string(value)), 501);
  }
  ExpectRejected(WithField("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked"), 501);
  ExpectRejected(WithField("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked"), 501);
}

TEST(ParseRequestHead, ExpectContinue) {
  Parsed yes("Expect: 100-Continue");
  ASSERT_EQ(yes.result.state, ParseState::kDone);
  EXPECT_TRUE(yes.head.expect_continue);
  Parsed other("Expect: something-else");
  ASSERT_EQ(other.result.state, ParseState::kDone);
  EXPECT_FALSE(other.head.expect_continue);
  RequestHead head;
  ASSERT_EQ(Request("PUT / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n", &head).state,
            ParseState::kDone);
  EXPECT_FALSE(head.expect_continue);  // HTTP/1.0: ignored (RFC 9110 §10.1.1)
}

TEST(ParseRequestHead, ByteByByte) {
  std::string in =
      "POST /upload?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n";
  std::string with_body = in + "hello";
  for (size_t n = 0; n < in.size(); ++n) {
    ParseResult r = Request(std::string_view(with_body).substr(0, n));
    ASSERT_EQ(r.state, ParseState::kNeedMore) << n;
    EXPECT_EQ(r.consumed, 0u);
  }
  for (size_t n = in.size(); n <= with_body.size(); ++n) {
    RequestHead head;
    ParseResult r = Request(std::string_view(with_body).substr(0, n), &head);
    ASSERT_EQ(r.state, ParseState::kDone) << n;
    EXPECT_EQ(r.consumed, in.size());  // the body is not the parser's
    EXPECT_EQ(head.content_length, 5u);
    EXPECT_TRUE(head.expect_continue);
  }
}

TEST(ParseRequestHead, Pipelined) {
  std::string first = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
  std::string second = "GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
  std::string in = first + second;
  RequestHead head;
  ParseResult r = Request(in, &head);
  ASSERT_EQ(r.state, ParseState::kDone);
  EXPECT_EQ(r.consumed, first.size());
  EXPECT_EQ(head.path, "/a");
  EXPECT_TRUE(head.keep_alive);
  r = Request(std::string_view(in).substr(r.consumed), &head);  // the same head, reused
  ASSERT_EQ(r.state, ParseState::kDone);
  EXPECT_EQ(r.consumed, second.size());
  EXPECT_EQ(head.path, "/b");
  EXPECT_EQ(head.headers.size(), 2u);
  EXPECT_FALSE(head.keep_alive);
}

TEST(ParseRequestHead, HeadSizeLimit) {
  Limits limits;
  limits.head_size_max = 64;
  std::string head = "GET / HTTP/1.1\r\nHost: h\r\nX: ";
  head += std::string(64 - head.size() - 4, 'a') + "\r\n\r\n";
  ASSERT_EQ(head.size(), 64u);
  EXPECT_EQ(Request(head, nullptr, limits).state, ParseState::kDone);
  std::string longer = head;
  longer.insert(head.size() - 4, "a");
  ExpectRejected(longer, 431, limits);
  // No terminator yet: refused as soon as a byte beyond the limit arrives.
  EXPECT_EQ(Request(longer.substr(0, 64), nullptr, limits).state, ParseState::kNeedMore);
  ExpectRejected(longer.substr(0, 65), 431, limits);
  ExpectRejected(std::string("GET / HTTP/1.1\r\nHost: h\r\nX: ") + std::string(20000, 'a'), 431);
}

TEST(ParseRequestHead, HeaderCountLimit) {
  Limits limits;
  limits.header_count_max = 3;
  EXPECT_EQ(Request(WithField("A: 1\r\nB: 2"), nullptr, limits).state, ParseState::kDone);
  ExpectRejected(WithField("A: 1\r\nB: 2\r\nC: 3"), 431, limits);
  // Refused when the extra field starts, before the head ends.
  ExpectRejected("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC", 431, limits);
}

TEST(ParseRequestHead, TargetSizeLimit) {
  Limits limits;
  limits.target_size_max = 10;
  EXPECT_EQ(Request("GET /123456789 HTTP/1.1\r\nHost: h\r\n\r\n", nullptr, limits).state,
            ParseState::kDone);
  ExpectRejected("GET /1234567890 HTTP/1.1\r\nHost: h\r\n\r\n", 414, limits);
  // Refused while the request line is still arriving.
  ExpectRejected("GET /1234567890", 414, limits);
  EXPECT_EQ(Request("GET /123456789", nullptr, limits).state, ParseState::kNeedMore);
  ExpectRejected("GET /" + std::string(9000, 'a'), 414);
}

// Any prefix of an input gives kNeedMore or exactly the whole input's result: the property
// that lets a caller parse after every read without tracking where it stopped.
TEST(ParseRequestHead, PrefixesAgreeWithTheWhole) {
  Limits limits;
  limits.head_size_max = 48;
  limits.target_size_max = 12;
  limits.header_count_max = 2;
  for (std::string_view in :
       {"GET / HTTP/1.1\r\nHost: h\r\n\r\nGET", "GET /\x01 HTTP/1.1\r\n", "G(T / HTTP/1.1\r\n",
        "GET /0123456789abc HTTP/1.1\r\n", "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\rX\r\n\r\n", "GET / HTTP/2.0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n"}) {
    ParseResult whole = Request(in, nullptr, limits);
    for (size_t n = 0; n < in.size(); ++n) {
      ParseResult part = Request(in.substr(0, n), nullptr, limits);
      if (part.state == ParseState::kNeedMore) continue;
      EXPECT_EQ(part.state, whole.state) << in << " at " << n;
      EXPECT_EQ(part.status, whole.status) << in << " at " << n;
      EXPECT_EQ(part.consumed, whole.consumed) << in << " at " << n;
      EXPECT_STREQ(part.reason, whole.reason) << in << " at " << n;
    }
  }
}

ParseResult Response(std::string_view in, ResponseHead* head = nullptr, const Limits& limits = {}) {
  ResponseHead scratch;
  return ParseResponseHead(in, limits, head != nullptr ? head : &scratch);
}

TEST(ParseResponseHead, Simple) {
  std::string in = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nETag: \"abc\"\r\n\r\nabc";
  ResponseHead head;
  ParseResult r = Response(in, &head);
  ASSERT_EQ(r.state, ParseState::kDone) << r.reason;
  EXPECT_EQ(r.consumed, in.size() - 3);
  EXPECT_EQ(head.version_minor, 1);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.reason, "OK");
  EXPECT_EQ(head.content_length, 3u);
  EXPECT_FALSE(head.chunked);
  EXPECT_TRUE(head.keep_alive);
  EXPECT_EQ(head.Find("etag"), "\"abc\"");
}

TEST(ParseResponseHead, ReasonPhrases) {
  ResponseHead head;
  ASSERT_EQ(Response("HTTP/1.1 404 Not  Found \t\r\n\r\n", &head).state, ParseState::kDone);
  EXPECT_EQ(head.reason, "Not  Found \t");
  ASSERT_EQ(Response("HTTP/1.1 204 \r\n\r\n", &head).state, ParseState::kDone);
  EXPECT_EQ(head.reason, "");
  ASSERT_EQ(Response("HTTP/1.1 204\r\n\r\n", &head).state, ParseState::kDone);
  EXPECT_EQ(head.status, 204);
  EXPECT_EQ(head.reason, "");
}

TEST(ParseResponseHead, Framing) {
  ResponseHead head;
  ASSERT_EQ(Response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", &head).state,
            ParseState::kDone);
  EXPECT_TRUE(head.chunked);
  ASSERT_EQ(Response("HTTP/1.0 200 OK\r\n\r\n", &head).state, ParseState::kDone);
  EXPECT_EQ(head.version_minor, 0);
  EXPECT_FALSE(head.keep_alive);
  EXPECT_FALSE(head.content_length.has_value());  // the body runs until close
  ASSERT_EQ(Response("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", &head).state,
            ParseState::kDone);
  EXPECT_TRUE(head.keep_alive);
  ASSERT_EQ(Response("HTTP/1.1 500 x\r\nConnection: close\r\n\r\n", &head).state,
            ParseState::kDone);
  EXPECT_FALSE(head.keep_alive);
}

TEST(ParseResponseHead, Rejects) {
  struct Case {
    std::string_view in;
    int status;
  };
  for (const Case& c : {
           Case{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
           Case{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
           Case{"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
           Case{"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
           Case{"HTTP/2.0 200 OK\r\n\r\n", 505},
           Case{"HTTP/1.1 600 Nope\r\n\r\n", 400},
           Case{"HTTP/1.1 099 Nope\r\n\r\n", 400},
           Case{"HTTP/1.1 20 OK\r\n\r\n", 400},
           Case{"HTTP/1.1 2000 OK\r\n\r\n", 400},
           Case{"HTTP/1.1  200 OK\r\n\r\n", 400},
           Case{"HTTP/1.1 200 O\x01K\r\n\r\n", 400},
           Case{"HTTP/1.1\r\n\r\n", 400},
           Case{"http/1.1 200 OK\r\n\r\n", 400},
           Case{"\r\nHTTP/1.1 200 OK\r\n\r\n", 400},
           Case{"HTTP/1.1 200 OK\nContent-Length: 0\n\n", 400},
           Case{"HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", 400},
           Case{"HTTP/1.1 200 OK\r\nX : a\r\n\r\n", 400},
       }) {
    ParseResult r = Response(c.in);
    EXPECT_EQ(r.state, ParseState::kError) << c.in;
    EXPECT_EQ(r.status, c.status) << c.in << " reason: " << r.reason;
  }
}

TEST(ParseResponseHead, ByteByByteAndPipelined) {
  std::string first = "HTTP/1.1 100 Continue\r\n\r\n";
  std::string second = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  std::string in = first + second;
  for (size_t n = 0; n < first.size(); ++n) {
    ASSERT_EQ(Response(in.substr(0, n)).state, ParseState::kNeedMore) << n;
  }
  ResponseHead head;
  ParseResult r = Response(in, &head);
  ASSERT_EQ(r.state, ParseState::kDone);
  EXPECT_EQ(r.consumed, first.size());
  EXPECT_EQ(head.status, 100);
  r = Response(std::string_view(in).substr(first.size()), &head);
  ASSERT_EQ(r.state, ParseState::kDone);
  EXPECT_EQ(r.consumed, second.size());
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.content_length, 0u);
}

TEST(ParseResponseHead, Limits) {
  Limits limits;
  limits.head_size_max = 32;
  limits.header_count_max = 1;
  std::string big = "HTTP/1.1 200 OK\r\nX: " + std::string(40, 'a');
  ParseResult r = Response(big, nullptr, limits);
  EXPECT_EQ(r.state, ParseState::kError);
  EXPECT_EQ(r.status, 431);
  r = Response("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n", nullptr, limits);
  EXPECT_EQ(r.state, ParseState::kError);
  EXPECT_EQ(r.status, 431);
}

TEST(IsToken, Basics) {
  EXPECT_TRUE(IsToken("Content-Type"));
  EXPECT_TRUE(IsToken("!#$%&'*+-.^_`|~09azAZ"));
  EXPECT_FALSE(IsToken(""));
  EXPECT_FALSE(IsToken("a b"));
  EXPECT_FALSE(IsToken("a:b"));
  EXPECT_FALSE(IsToken("caf\xc3\xa9"));
}

}  // namespace
}  // namespace ringmail::http
