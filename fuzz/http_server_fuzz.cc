// libFuzzer target for the HTTP server's request path: http::ServerSession and the router
// over an in-memory stream that hands the session the input in pieces.
//
// Input: byte 0 picks the piece size (1..64 bytes) and the limits (small ones the fuzzer can
// exceed, or the defaults); the rest is what the client sends, then it closes. Bodies of
// PUT /p/s... stream (http::BodyReader, pulled in pieces of 5; /p/s/refuse answers from the
// head, /p/s/small lowers the size limit), and paths ending in /sized answer with a body of
// known size sent in pieces (Response::stream_size).
//
// Invariants: the session never waits (every read is answered from the input or ends it),
// ends once the input is used up, asks the handler at most once per request it answers (but
// for a streamed body the client left in the middle of), and
// everything it writes is a sequence of responses our own response parser accepts: each
// response head parses, and its body (Content-Length or chunked) is complete.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "http/chunked.h"
#include "http/parser.h"
#include "http/router.h"
#include "http/server.h"

namespace ringmail::http {
namespace {

class PieceStream final : public Stream {
 public:
  PieceStream(std::string_view input, size_t piece) : input_(input), piece_(piece) {}
  std::string output;

  std::string_view buffered() override { return buffer_; }
  void Consume(size_t n) override {
    CHECK(n <= buffer_.size());
    buffer_.erase(0, n);
  }
  void Write(std::string_view bytes) override { output.append(bytes); }
  size_t pending_output() const override { return 0; }
  const SocketAddress& peer() const override { return peer_; }
  void set_read_timeout_ms(uint32_t) override {}
  bool shutdown_requested() const override { return false; }
  void InterruptRead() override {}

 protected:
  bool ReadReady() const override { return true; }
  void WaitForRead(std::coroutine_handle<>) override { CHECK(false, "the session waited"); }
  Result<std::string_view> TakeRead() override {
    if (input_.empty()) return MakeError(ErrorCode::kClosed, "closed");
    const size_t n = std::min(piece_, input_.size());
    buffer_.append(input_.substr(0, n));
    input_.remove_prefix(n);
    return std::string_view(buffer_);
  }
  void StartFlush(std::coroutine_handle<> h) override { h.resume(); }
  Result<void> TakeFlushResult() override { return {}; }

 private:
  std::string_view input_;
  size_t piece_;
  std::string buffer_;
  SocketAddress peer_ = SocketAddress::Parse("127.0.0.1:1").value();
};

class Pieces final : public BodySource {
 public:
  explicit Pieces(std::string body) : body_(std::move(body)) {}
  Task<Result<bool>> Next(std::string* chunk) override {
    const size_t n = std::min<size_t>(7, body_.size());
    chunk->append(body_.substr(0, n));
    body_.erase(0, n);
    co_return !body_.empty();
  }

 private:
  std::string body_;
};

class Echo final : public Handler {
 public:
  int calls = 0;
  int left = 0;  // streamed bodies the client left in the middle of: nothing is answered
  bool StreamsBody(const Request& request) const override {
    return request.path.starts_with("/p/s");
  }
  Task<Response> Handle(Request request) override {
    ++calls;
    if (request.body_reader != nullptr) {
      if (request.path == "/p/s/refuse") co_return Response::Text(413, "no\n");
      if (request.path == "/p/s/small") request.body_reader->set_size_max(20);
      for (;;) {
        Result<bool> more = co_await request.body_reader->Read(&request.body, 5);
        if (!more) {
          if (request.body_reader->failed_status() == 0) ++left;
          co_return Response::Text(request.body_reader->failed_status() == 413 ? 413 : 500, "");
        }
        if (!*more) break;
      }
    }
    Response r = Response::Text(200, request.method + " " + request.path + "\n" + request.body);
    if (request.path.ends_with("/stream")) r.stream = std::make_unique<Pieces>(r.body);
    if (request.path.ends_with("/sized")) {
      r.stream_size = r.body.size();
      r.stream = std::make_unique<Pieces>(r.body);
    }
    if (request.path.ends_with("/204")) r = Response::Text(204, "");
    co_return r;
  }
};

Task<void> RunSession(ServerSession* session, bool* done) {
  co_await session->Run();
  *done = true;
}

// Reads back what the session wrote; returns how many responses there are (not counting
// 100 Continue). A HEAD answer announces a body that does not follow: a body is skipped only
// when it is there and is not the next response (echoed bodies never start with "HTTP/").
size_t CheckOutput(std::string_view out) {
  size_t responses = 0;
  while (!out.empty()) {
    ResponseHead head;
    ParseResult r = ParseResponseHead(out, Limits{}, &head);
    CHECK(r.state == ParseState::kDone, "a response head does not parse");
    out.remove_prefix(r.consumed);
    if (head.status == 100) continue;
    ++responses;
    if (head.chunked) {
      ChunkedDecoder decoder(ChunkedLimits{.body_size_max = 1u << 30});
      ParseResult b = decoder.Feed(out, nullptr);
      if (b.state == ParseState::kDone) out.remove_prefix(b.consumed);  // else a HEAD answer
    } else if (head.content_length && *head.content_length <= out.size() &&
               !out.substr(0, 5).starts_with("HTTP/")) {
      out.remove_prefix(*head.content_length);
    }
  }
  return responses;
}

}  // namespace
}  // namespace ringmail::http

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringmail::http;
  if (size < 1) return 0;
  const size_t piece = 1 + (data[0] & 63);
  ServerLimits limits;
  if (data[0] & 64) {
    limits.head.head_size_max = 200;
    limits.head.header_count_max = 4;
    limits.head.target_size_max = 40;
    limits.body_size_max = 50;
    limits.compress_size_min = 16;
  }
  Echo echo;
  Router router;
  router.Add("GET", "/", &echo);
  router.Add("POST", "/", &echo);
  router.Add("PUT", "/p/", &echo);
  PieceStream stream(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), piece);
  ServerSession session(&stream, &router, &limits);
  bool done = false;
  ringmail::Spawn(RunSession(&session, &done));
  CHECK(done, "the session did not end with its input");
  const size_t responses = CheckOutput(stream.output);
  CHECK(static_cast<size_t>(echo.calls - echo.left) <= responses);
  return 0;
}
