#include "http/chunked.h"

#include <gtest/gtest.h>

#include <string>

namespace ringmail::http {
namespace {

struct Decoded {
  ParseResult result;  // the last Feed's; consumed is the total over all Feeds
  std::string body;
};

// Feeds `in` in pieces of `step` bytes the way a connection does: bytes the decoder leaves
// unconsumed stay at the front of the buffer and more are appended behind them.
Decoded Decode(std::string_view in, size_t step, const ChunkedLimits& limits = {}) {
  ChunkedDecoder decoder(limits);
  Decoded out;
  std::string buffer;
  size_t total = 0;
  size_t next = 0;
  while (true) {
    size_t n = std::min(step, in.size() - next);
    buffer.append(in.substr(next, n));
    next += n;
    out.result = decoder.Feed(buffer, &out.body);
    EXPECT_LE(out.result.consumed, buffer.size());
    total += out.result.consumed;
    buffer.erase(0, out.result.consumed);
    if (out.result.state != ParseState::kNeedMore || next == in.size()) break;
  }
  out.result.consumed = total;
  return out;
}

void ExpectRejected(std::string_view in, int status, const ChunkedLimits& limits = {}) {
  Decoded d = Decode(in, in.size(), limits);
  EXPECT_EQ(d.result.state, ParseState::kError) << in;
  EXPECT_EQ(d.result.status, status) << in << " reason: " << d.result.reason;
  EXPECT_STRNE(d.result.reason, "");
}

TEST(ChunkedDecoder, OneChunk) {
  std::string in = "5\r\nhello\r\n0\r\n\r\n";
  Decoded d = Decode(in, in.size());
  ASSERT_EQ(d.result.state, ParseState::kDone) << d.result.reason;
  EXPECT_EQ(d.result.consumed, in.size());
  EXPECT_EQ(d.body, "hello");
}

TEST(ChunkedDecoder, EmptyBody) {
  Decoded d = Decode("0\r\n\r\n", 5);
  ASSERT_EQ(d.result.state, ParseState::kDone);
  EXPECT_EQ(d.body, "");
  EXPECT_EQ(Decode("000\r\n\r\n", 7).result.state, ParseState::kDone);
}

TEST(ChunkedDecoder, SizesExtensionsAndTrailers) {
  std::string in =
      "a\r\n0123456789\r\n"
      "B;name=value\r\nabcdefghijk\r\n"
      "0001 ; a ;b=\"q s\"\r\n!\r\n"
      "0;last\r\nX-Checksum: abc\r\nX-Empty:\r\n\r\n";
  Decoded d = Decode(in, in.size());
  ASSERT_EQ(d.result.state, ParseState::kDone) << d.result.reason;
  EXPECT_EQ(d.result.consumed, in.size());
  EXPECT_EQ(d.body, "0123456789abcdefghijk!");
}

TEST(ChunkedDecoder, EverySplitGivesTheSameBody) {
  std::string in = "3\r\nabc\r\n10;x=y\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n";
  for (size_t step = 1; step <= in.size(); ++step) {
    Decoded d = Decode(in, step);
    ASSERT_EQ(d.result.state, ParseState::kDone) << "step " << step << ": " << d.result.reason;
    EXPECT_EQ(d.result.consumed, in.size()) << step;
    EXPECT_EQ(d.body, "abc0123456789abcdef") << step;
  }
}

TEST(ChunkedDecoder, ByteByByteLeavesPartialLinesUnconsumed) {
  ChunkedDecoder decoder;
  std::string body;
  ParseResult r = decoder.Feed("b", &body);
  EXPECT_EQ(r.state, ParseState::kNeedMore);
  EXPECT_EQ(r.consumed, 0u);
  r = decoder.Feed("b\r", &body);
  EXPECT_EQ(r.consumed, 0u);
  r = decoder.Feed("b\r\nab", &body);  // the size line is whole now; payload streams out
  EXPECT_EQ(r.state, ParseState::kNeedMore);
  EXPECT_EQ(r.consumed, 5u);
  EXPECT_EQ(body, "ab");
  r = decoder.Feed("cdefghijk\r", &body);  // all payload, then half a CRLF kept back
  EXPECT_EQ(r.consumed, 9u);
  EXPECT_EQ(body, "abcdefghijk");
  EXPECT_EQ(decoder.body_size(), 11u);
  r = decoder.Feed("\r\n0\r\n\r\n", &body);
  EXPECT_EQ(r.state, ParseState::kDone);
  EXPECT_EQ(r.consumed, 7u);
  EXPECT_TRUE(decoder.done());
}

TEST(ChunkedDecoder, StopsAtTheEndOfTheBody) {
  std::string body_bytes = "2\r\nhi\r\n0\r\n\r\n";
  std::string in = body_bytes + "GET / HTTP/1.1\r\n";
  ChunkedDecoder decoder;
  std::string body;
  ParseResult r = decoder.Feed(in, &body);
  ASSERT_EQ(r.state, ParseState::kDone);
  EXPECT_EQ(r.consumed, body_bytes.size());
  // Finished: further bytes are not the decoder's.
  r = decoder.Feed("more", &body);
  EXPECT_EQ(r.state, ParseState::kDone);
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_EQ(body, "hi");
}

TEST(ChunkedDecoder, RejectsMalformedInput) {
  for (std::string_view in : {
           "\r\n",                           // no size
           "g\r\n",                          // not hex
           "-5\r\nhello\r\n0\r\n\r\n",       // sign
           "0x5\r\nhello\r\n0\r\n\r\n",      // prefix
           "5 \r\nhello\r\n0\r\n\r\n",       // whitespace without an extension
           "5;a\x01\r\nhello\r\n0\r\n\r\n",  // control byte in an extension
           "5\nhello\r\n0\r\n\r\n",          // bare LF
           "5;a\nb\r\nhello\r\n0\r\n\r\n",   // bare LF hidden in an extension
           "5\rhello\r\n0\r\n\r\n",          // bare CR
           "5\r\nhelloX\r\n0\r\n\r\n",       // no CRLF after the data
           "5\r\nhello\rX0\r\n\r\n",         // half a CRLF after the data
           "5\r\nhello\n0\r\n\r\n",          // LF only after the data
           "10000000000000000\r\n",          // 2^64
           "0\r\nno colon\r\n\r\n",          // malformed trailer
           "0\r\n bad: fold\r\n\r\n",        // folded trailer
           "0\r\nX: a\x7f\r\n\r\n",          // control byte in a trailer
           "0\r\n\r\r\n",                    // bare CR in the final line
       }) {
    ExpectRejected(in, 400);
  }
}

TEST(ChunkedDecoder, LineSizeLimit) {
  ChunkedLimits limits;
  limits.line_size_max = 8;
  EXPECT_EQ(Decode("1;abcd\r\nx\r\n0\r\n\r\n", 100, limits).result.state, ParseState::kDone);
  ExpectRejected("1;abcde\r\nx\r\n0\r\n\r\n", 400, limits);
  // No line end yet: refused once the line cannot fit any more.
  ChunkedDecoder decoder(limits);
  EXPECT_EQ(decoder.Feed("1;abcde", nullptr).state, ParseState::kNeedMore);
  EXPECT_EQ(decoder.Feed("1;abcdef", nullptr).state, ParseState::kError);
}

TEST(ChunkedDecoder, BodySizeLimit) {
  ChunkedLimits limits;
  limits.body_size_max = 10;
  Decoded d = Decode("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", 100, limits);
  ASSERT_EQ(d.result.state, ParseState::kDone);
  EXPECT_EQ(d.body, "helloworld");
  ExpectRejected("5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n", 413, limits);
  // Refused at the size line, before the payload is sent.
  ExpectRejected("b\r\n", 413, limits);
  ExpectRejected("ffffffffffffffff\r\n", 413);
}

TEST(ChunkedDecoder, TrailerSizeLimit) {
  ChunkedLimits limits;
  limits.trailer_size_max = 12;
  EXPECT_EQ(Decode("0\r\nX: 12345\r\n\r\n", 100, limits).result.state, ParseState::kDone);
  ExpectRejected("0\r\nX: 123456\r\n\r\n", 431, limits);
  ExpectRejected("0\r\nX: 1\r\nY: 2\r\n\r\n", 431, limits);
  ExpectRejected("0\r\nX: 1234567890123456789", 431, limits);  // before its line ends
}

TEST(ChunkedDecoder, ErrorsAreSticky) {
  ChunkedDecoder decoder;
  std::string body;
  ParseResult r = decoder.Feed("zz\r\n", &body);
  ASSERT_EQ(r.state, ParseState::kError);
  r = decoder.Feed("0\r\n\r\n", &body);
  EXPECT_EQ(r.state, ParseState::kError);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.consumed, 0u);
  decoder.Reset();
  EXPECT_EQ(decoder.Feed("0\r\n\r\n", &body).state, ParseState::kDone);
}

TEST(ChunkedDecoder, NullBodyDiscards) {
  ChunkedDecoder decoder;
  ParseResult r = decoder.Feed("3\r\nabc\r\n0\r\n\r\n", nullptr);
  EXPECT_EQ(r.state, ParseState::kDone);
  EXPECT_EQ(decoder.body_size(), 3u);
}

TEST(ChunkedEncoder, RoundTrip) {
  std::string out;
  AppendChunk(&out, "hello");
  AppendChunk(&out, "");  // would end the body: writes nothing
  AppendChunk(&out, std::string(255, 'x'));
  AppendLastChunk(&out);
  EXPECT_EQ(out.substr(0, 10), "5\r\nhello\r\n");
  EXPECT_EQ(out.substr(10, 4), "ff\r\n");
  EXPECT_TRUE(out.ends_with("\r\n0\r\n\r\n"));
  Decoded d = Decode(out, out.size());
  ASSERT_EQ(d.result.state, ParseState::kDone);
  EXPECT_EQ(d.result.consumed, out.size());
  EXPECT_EQ(d.body, "hello" + std::string(255, 'x'));
}

}  // namespace
}  // namespace ringmail::http
