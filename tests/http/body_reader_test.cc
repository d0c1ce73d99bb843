// BodyReader over a ScriptStream: every split of the input gives the same bytes (both
// framings), pieces never exceed piece_max, bad chunked coding is 400, over size_max 413, and
// the bytes after the body are left for the next request. Then ServerSession with a handler
// that streams the body: 100 Continue only once it reads, refusals from the head, failures
// answered, and sized streamed responses (aborted when the source fails).
#include "http/body_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "http/server.h"
#include "testing/run_on_reactor.h"
#include "testing/script_stream.h"

namespace ringmail::http {
namespace {

using ::ringmail::testing::RunOnReactor;
using ::ringmail::testing::ScriptStream;

struct Outcome {
  std::string body;
  bool ok = false;
  int status = 0;
  size_t largest_piece = 0;
  bool finished = false;
};

Task<void> ReadAll(BodyReader* reader, size_t piece_max, Outcome* out, ScriptStream* stream) {
  for (;;) {
    std::string piece;
    Result<bool> more = co_await reader->Read(&piece, piece_max);
    if (!more) {
      out->status = reader->failed_status();
      break;
    }
    out->largest_piece = std::max(out->largest_piece, piece.size());
    out->body += piece;
    if (!*more) {
      out->ok = true;
      break;
    }
  }
  out->finished = true;
  stream->Ended();
}

// Sends `input` split at `split`, reads the body with `framing`; what follows the body stays
// buffered in the stream and is returned in *rest.
Task<void> ReadSplit(std::string input, size_t split, BodyReader::Framing framing, size_t piece_max,
                     Outcome* out, std::string* rest) {
  ScriptStream stream;
  BodyReader reader(&stream, framing);
  stream.Send(input.substr(0, split));
  Spawn(ReadAll(&reader, piece_max, out, &stream));
  co_await stream.Idle();
  stream.Send(input.substr(split));  // what follows the body, if the reader is done
  co_await stream.Idle();
  if (!out->finished) {  // still waiting: the client leaves
    stream.CloseInput();
    co_await stream.Idle();
  }
  *rest = std::string(stream.buffered());
}

BodyReader::Framing Chunked(uint64_t size_max = 1 << 20) {
  BodyReader::Framing f;
  f.chunked = true;
  f.size_max = size_max;
  return f;
}

Task<void> EverySplitGivesTheSameBytes() {
  const std::string chunked =
      "5\r\nhello\r\n1;ext=1\r\n \r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\nGET /next";
  const std::string expected = "hello 0123456789abcdef";
  for (size_t split = 0; split <= chunked.size(); ++split) {
    for (size_t piece_max : {size_t{1}, size_t{3}, size_t{1000}}) {
      Outcome out;
      std::string rest;
      co_await ReadSplit(chunked, split, Chunked(), piece_max, &out, &rest);
      EXPECT_TRUE(out.ok) << split;
      EXPECT_EQ(out.body, expected) << "split " << split << " piece_max " << piece_max;
      EXPECT_EQ(rest, "GET /next") << split;
      EXPECT_LE(out.largest_piece, std::max<size_t>(piece_max, 16 * 1024));
    }
  }
  BodyReader::Framing sized;
  sized.content_length = 10;
  sized.size_max = 10;
  const std::string plain = "0123456789GET /next";
  for (size_t split = 0; split <= plain.size(); ++split) {
    Outcome out;
    std::string rest;
    co_await ReadSplit(plain, split, sized, 4, &out, &rest);
    EXPECT_TRUE(out.ok);
    EXPECT_EQ(out.body, "0123456789") << split;
    EXPECT_EQ(rest, "GET /next") << split;
    EXPECT_LE(out.largest_piece, 4u);
  }
}
TEST(BodyReaderTest, EverySplitGivesTheSameBytes) { RunOnReactor(EverySplitGivesTheSameBytes()); }

Task<void> Refusals() {
  struct Case {
    std::string input;
    BodyReader::Framing framing;
    int status;
  };
  BodyReader::Framing sized;
  sized.content_length = 11;
  sized.size_max = 10;
  const Case cases[] = {
      {"x\r\nabc\r\n0\r\n\r\n", Chunked(), 400},            // not a hex size
      {"3\r\nabcd\r\n0\r\n\r\n", Chunked(), 400},           // data longer than its size
      {"3\nabc\r\n0\r\n\r\n", Chunked(), 400},              // bare LF
      {"fffffffffffffffff\r\n", Chunked(), 400},            // size overflow
      {"8\r\n12345678\r\n3\r\nabc\r\n", Chunked(10), 413},  // over size_max
      {"01234567890", sized, 413},                          // Content-Length over size_max
  };
  for (const Case& c : cases) {
    for (size_t split = 0; split <= c.input.size(); ++split) {
      Outcome out;
      std::string rest;
      co_await ReadSplit(c.input, split, c.framing, 5, &out, &rest);
      EXPECT_FALSE(out.ok) << c.input;
      EXPECT_EQ(out.status, c.status) << c.input << " split " << split;
    }
  }
  // The client leaves mid-body: an error with no status to answer.
  Outcome out;
  std::string rest;
  co_await ReadSplit("5\r\nab", 5, Chunked(), 5, &out, &rest);
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.status, 0);
}
TEST(BodyReaderTest, Refusals) { RunOnReactor(Refusals()); }

// Streams /up bodies (answering their size, or 413 in its own words, or refusing from the
// head with 403 when the path says so) and answers /down with a sized streamed body.
class StreamingHandler final : public Handler {
 public:
  class Pieces final : public BodySource {
   public:
    explicit Pieces(bool fail) : fail_(fail) {}
    Task<Result<bool>> Next(std::string* chunk) override {
      if (fail_ && n_ == 1) co_return MakeError(ErrorCode::kIo, "corrupt");
      chunk->append("abcd");
      co_return ++n_ < 3;
    }

   private:
    bool fail_;
    int n_ = 0;
  };

  bool StreamsBody(const Request& request) const override {
    return request.path.starts_with("/up");
  }
  Task<Response> Handle(Request request) override {
    if (request.path.starts_with("/down")) {
      Response r;
      r.content_type = "application/octet-stream";
      r.stream = std::make_unique<Pieces>(request.path == "/down/bad");
      r.stream_size = 12;
      co_return r;
    }
    if (request.path == "/up/refuse") co_return Response::Text(403, "no\n");
    BodyReader* body = request.body_reader;
    if (body == nullptr) co_return Response::Text(200, "empty");
    body->set_size_max(8);
    std::string all;
    for (;;) {
      Result<bool> more = co_await body->Read(&all, 3);
      if (!more) {
        co_return Response::Text(body->failed_status() == 413 ? 413 : 500, "own words\n");
      }
      if (!*more) break;
    }
    co_return Response::Text(200, "got " + all);
  }
};

Task<void> Drive(ServerSession* session, ScriptStream* stream) {
  co_await session->Run();
  stream->Ended();
}

// One connection to a session with a StreamingHandler.
struct Connection {
  Task<void> Start() {
    Spawn(Drive(&session, &stream));
    co_await stream.Idle();
  }
  ServerLimits limits;
  StreamingHandler handler;
  ScriptStream stream;
  ServerSession session{&stream, &handler, &limits};
};

Task<void> SessionStreamsBodies() {
  Connection c;
  co_await c.Start();
  ScriptStream& stream = c.stream;
  std::string out = co_await stream.Exchange(
      "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(out, "HTTP/1.1 100 Continue\r\n\r\n");
  out = co_await stream.Exchange("hello");
  EXPECT_NE(out.find("got hello"), std::string::npos) << out;
  out = co_await stream.Exchange(
      "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n");
  EXPECT_NE(out.find("got ab"), std::string::npos) << out;
  out = co_await stream.Exchange("GET /down HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(out.find("Content-Length: 12\r\n"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("\r\n\r\nabcdabcdabcd")) << out;
  EXPECT_EQ(out.find("chunked"), std::string::npos);
  EXPECT_FALSE(stream.ended());
  // Over the handler's size_max: its own 413, then the connection closes.
  out = co_await stream.Exchange(
      "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n123456789\r\n");
  EXPECT_TRUE(out.starts_with("HTTP/1.1 413 ")) << out;
  EXPECT_NE(out.find("own words"), std::string::npos);
  EXPECT_TRUE(stream.ended());
}
TEST(BodyReaderTest, SessionStreamsBodies) { RunOnReactor(SessionStreamsBodies()); }

Task<void> RefusedFromTheHead() {
  Connection c;
  co_await c.Start();
  ScriptStream& stream = c.stream;
  // No 100 Continue: the final status, and the unread body's connection closes.
  std::string out = co_await stream.Exchange(
      "POST /up/refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_TRUE(out.starts_with("HTTP/1.1 403 ")) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
  EXPECT_TRUE(stream.ended());

  Connection bad;
  co_await bad.Start();
  ScriptStream& bad_stream = bad.stream;
  out = co_await bad_stream.Exchange(
      "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
  EXPECT_TRUE(out.starts_with("HTTP/1.1 400 ")) << out;  // the session's, not the handler's 500
  EXPECT_TRUE(bad_stream.ended());
}
TEST(BodyReaderTest, RefusedFromTheHead) { RunOnReactor(RefusedFromTheHead()); }

Task<void> SizedStreamAborts() {
  Connection c;
  co_await c.Start();
  ScriptStream& stream = c.stream;
  std::string out = co_await stream.Exchange("GET /down/bad HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(out.find("Content-Length: 12\r\n"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("\r\n\r\nabcd")) << out;  // cut short, then closed
  EXPECT_TRUE(stream.ended());
}
TEST(BodyReaderTest, SizedStreamAborts) { RunOnReactor(SizedStreamAborts()); }

}  // namespace
}  // namespace ringmail::http
