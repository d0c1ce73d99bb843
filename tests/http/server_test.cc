// ServerSession over a ScriptStream: keep-alive, pipelining, bodies (Content-Length, chunked,
// 100-continue), limits, timeouts, HEAD, compression, streamed responses, and the router.
#include "http/server.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "http/auth.h"
#include "http/router.h"
#include "testing/run_on_reactor.h"
#include "testing/script_stream.h"

namespace ringmail::http {
namespace {

using ::ringmail::testing::RunOnReactor;
using ::ringmail::testing::ScriptStream;

// Answers "METHOD PATH body-size BODY" as text, or a large compressible text on /big, or a
// streamed body on /stream.
class EchoHandler final : public Handler {
 public:
  class Pieces final : public BodySource {
   public:
    Task<Result<bool>> Next(std::string* chunk) override {
      chunk->append("piece" + std::to_string(n_));
      co_return ++n_ < 3;
    }

   private:
    int n_ = 0;
  };

  Task<Response> Handle(Request request) override {
    ++calls;
    if (request.path == "/big") {
      co_return Response::Text(200, std::string(4000, 'a'));
    }
    if (request.path == "/stream") {
      Response r;
      r.content_type = "text/plain";
      r.stream = std::make_unique<Pieces>();
      co_return r;
    }
    co_return Response::Text(200, request.method + " " + request.path + " " +
                                      std::to_string(request.body.size()) + " " + request.body +
                                      " q=" + request.QueryParam("q"));
  }
  int calls = 0;
};

Task<void> Drive(ServerSession* session, ScriptStream* stream) {
  co_await session->Run();
  stream->Ended();
}

struct Fixture {
  explicit Fixture(ServerLimits l = {}) : limits(l), session(&stream, &handler, &limits) {}
  Task<void> Start() {
    Spawn(Drive(&session, &stream));
    co_await stream.Idle();
  }
  // The client leaves and the session ends: a test must not end with the session suspended.
  Task<void> Finish() {
    stream.CloseInput();
    co_await stream.Idle();
    EXPECT_TRUE(stream.ended());
  }
  ServerLimits limits;
  ScriptStream stream;
  EchoHandler handler;
  ServerSession session;
};

std::string Get(std::string path, std::string extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
}

Task<void> KeepAliveAndPipelining() {
  Fixture f;
  co_await f.Start();
  std::string out = co_await f.stream.Exchange(Get("/a?q=1%202") + Get("/b") +
                                               "POST /c HTTP/1.1\r\nHost: x\r\n"
                                               "Content-Length: 5\r\n\r\nhello");
  const size_t a = out.find("GET /a 0  q=1 2");
  const size_t b = out.find("GET /b 0");
  const size_t c = out.find("POST /c 5 hello");
  EXPECT_NE(a, std::string::npos) << out;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(out.find("Connection: close"), std::string::npos);
  EXPECT_FALSE(f.stream.ended());
  out = co_await f.stream.Exchange(Get("/d", "Connection: close\r\n"));
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(f.stream.ended());
}
TEST(HttpServerTest, KeepAliveAndPipelining) { RunOnReactor(KeepAliveAndPipelining()); }

Task<void> BodiesInPieces() {
  Fixture f;
  co_await f.Start();
  EXPECT_EQ(co_await f.stream.Exchange("POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n"
                                       "\r\nab"),
            "");
  std::string out = co_await f.stream.Exchange("cdef");
  EXPECT_NE(out.find("POST /c 6 abcdef"), std::string::npos) << out;
  out = co_await f.stream.Exchange(
      "POST /d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
  EXPECT_EQ(out, "");
  out = co_await f.stream.Exchange("2\r\nde\r\n0\r\n\r\n");
  EXPECT_NE(out.find("POST /d 5 abcde"), std::string::npos) << out;
  co_await f.Finish();
}
TEST(HttpServerTest, BodiesInPieces) { RunOnReactor(BodiesInPieces()); }

Task<void> ExpectContinue() {
  Fixture f;
  co_await f.Start();
  std::string out = co_await f.stream.Exchange(
      "PUT /u HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(out, "HTTP/1.1 100 Continue\r\n\r\n");
  out = co_await f.stream.Exchange("xyz");
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;
  EXPECT_NE(out.find("PUT /u 3 xyz"), std::string::npos);
  co_await f.Finish();
}
TEST(HttpServerTest, ExpectContinue) { RunOnReactor(ExpectContinue()); }

Task<void> BodyLimit() {
  ServerLimits limits;
  limits.body_size_max = 10;
  Fixture f(limits);
  co_await f.Start();
  // Refused from the head alone: no 100 Continue, never reads the body.
  std::string out = co_await f.stream.Exchange(
      "PUT /u HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_TRUE(out.starts_with("HTTP/1.1 413 ")) << out;
  EXPECT_TRUE(f.stream.ended());
  EXPECT_EQ(f.handler.calls, 0);

  Fixture g(limits);
  co_await g.Start();
  out = co_await g.stream.Exchange(
      "POST /d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n"
      "3\r\n");
  EXPECT_TRUE(out.starts_with("HTTP/1.1 413 ")) << out;
  EXPECT_TRUE(g.stream.ended());
}
TEST(HttpServerTest, BodyLimit) { RunOnReactor(BodyLimit()); }

Task<void> HeadLimits() {
  ServerLimits limits;
  limits.head.header_count_max = 3;
  limits.head.head_size_max = 200;
  Fixture f(limits);
  co_await f.Start();
  std::string out = co_await f.stream.Exchange(
      "GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\n"
      "C: 3\r\n\r\n");
  EXPECT_TRUE(out.starts_with("HTTP/1.1 431 ")) << out;
  EXPECT_TRUE(f.stream.ended());

  Fixture g(limits);
  co_await g.Start();
  out = co_await g.stream.Exchange("GET / HTTP/1.1\r\nHost: x\r\nA: " + std::string(300, 'a'));
  EXPECT_TRUE(out.starts_with("HTTP/1.1 431 ")) << out;  // refused before the head ends
  EXPECT_TRUE(g.stream.ended());
}
TEST(HttpServerTest, HeadLimits) { RunOnReactor(HeadLimits()); }

Task<void> Timeouts() {
  ServerLimits limits;
  limits.idle_timeout_ms = 1234;
  limits.request_timeout_ms = 60000;
  Fixture f(limits);
  co_await f.Start();
  EXPECT_EQ(f.stream.read_timeout_ms(), 1234u);  // waiting for a request
  co_await f.stream.Exchange("GET / HTTP/1.1\r\n");
  EXPECT_GT(f.stream.read_timeout_ms(), 1234u);  // inside one: the request's deadline
  EXPECT_LE(f.stream.read_timeout_ms(), 60000u);
  co_await f.stream.Exchange("Host: x\r\n\r\n");
  EXPECT_EQ(f.stream.read_timeout_ms(), 1234u);
  co_await f.Finish();
}
TEST(HttpServerTest, Timeouts) { RunOnReactor(Timeouts()); }

std::string Inflate(std::string_view data, int window_bits) {
  z_stream z{};
  inflateInit2(&z, window_bits);
  std::string out(100000, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  inflate(&z, Z_FINISH);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

Task<void> HeadAndCompression() {
  Fixture f;
  co_await f.Start();
  std::string out = co_await f.stream.Exchange(Get("/big", "Accept-Encoding: br, gzip\r\n"));
  EXPECT_NE(out.find("Content-Encoding: gzip\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Vary: Accept-Encoding\r\n"), std::string::npos);
  const std::string body = out.substr(out.find("\r\n\r\n") + 4);
  EXPECT_LT(body.size(), 200u);
  EXPECT_EQ(Inflate(body, 15 + 16), std::string(4000, 'a'));

  out = co_await f.stream.Exchange(Get("/big", "Accept-Encoding: gzip;q=0, deflate\r\n"));
  EXPECT_NE(out.find("Content-Encoding: deflate\r\n"), std::string::npos) << out;
  EXPECT_EQ(Inflate(out.substr(out.find("\r\n\r\n") + 4), 15), std::string(4000, 'a'));

  out = co_await f.stream.Exchange(Get("/big"));  // not asked: identity
  EXPECT_EQ(out.find("Content-Encoding"), std::string::npos);
  EXPECT_TRUE(out.ends_with(std::string(4000, 'a')));

  out = co_await f.stream.Exchange("HEAD /big HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(out.find("Content-Length: 4000\r\n"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("\r\n\r\n"));
  co_await f.Finish();
}
TEST(HttpServerTest, HeadAndCompression) { RunOnReactor(HeadAndCompression()); }

Task<void> StreamedResponse() {
  Fixture f;
  co_await f.Start();
  std::string out = co_await f.stream.Exchange(Get("/stream") + Get("/a"));
  EXPECT_NE(out.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\r\n\r\n6\r\npiece0\r\n6\r\npiece1\r\n6\r\npiece2\r\n0\r\n\r\nHTTP/1.1 200"),
            std::string::npos)
      << out;
  // HTTP/1.0 has no chunked coding: the pieces are gathered.
  out = co_await f.stream.Exchange("GET /stream HTTP/1.0\r\n\r\n");
  EXPECT_NE(out.find("Content-Length: 18\r\n"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("piece0piece1piece2"));
  EXPECT_TRUE(f.stream.ended());
}
TEST(HttpServerTest, StreamedResponse) { RunOnReactor(StreamedResponse()); }

Task<void> Routing() {
  EchoHandler a, b;
  Router router;
  router.Add("GET", "/api/", &a);
  router.Add("POST", "/api/", &a);
  router.Add("GET", "/api/special", &b);
  ServerLimits limits;
  ScriptStream stream;
  ServerSession session(&stream, &router, &limits);
  Spawn(Drive(&session, &stream));
  co_await stream.Idle();
  std::string out = co_await stream.Exchange(
      Get("/api/x") + Get("/api/special") + "HEAD /api/y HTTP/1.1\r\nHost: x\r\n\r\n" +
      Get("/nothing") + "POST /api/p HTTP/1.1\r\nHost: x\r\n\r\n" +
      "DELETE /api/z HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(a.calls, 3) << out;
  EXPECT_EQ(b.calls, 1);
  EXPECT_NE(out.find("HTTP/1.1 404 "), std::string::npos) << out;
  EXPECT_NE(out.find("HTTP/1.1 405 "), std::string::npos);
  EXPECT_NE(out.find("Allow: GET, POST\r\n"), std::string::npos);
  stream.CloseInput();
  co_await stream.Idle();
  EXPECT_TRUE(stream.ended());
}
TEST(HttpServerTest, Routing) { RunOnReactor(Routing()); }

Task<void> BadRequestCloses() {
  Fixture f;
  co_await f.Start();
  std::string out = co_await f.stream.Exchange("GET / HTTP/1.1\nHost: x\n\n");
  EXPECT_TRUE(out.starts_with("HTTP/1.1 400 ")) << out;
  EXPECT_TRUE(f.stream.ended());
}
TEST(HttpServerTest, BadRequestCloses) { RunOnReactor(BadRequestCloses()); }

TEST(HttpAuthTest, Basic) {
  std::optional<BasicCredentials> c = ParseBasic("Basic YWxpY2U6b3BlbjpzZXNhbWU=");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->user, "alice");
  EXPECT_EQ(c->password, "open:sesame");
  EXPECT_TRUE(ParseBasic("basic YWxpY2U6eA==").has_value());
  EXPECT_FALSE(ParseBasic("Basic YWxpY2U=").has_value());  // no colon
  EXPECT_FALSE(ParseBasic("Basic !!!").has_value());
  EXPECT_FALSE(ParseBasic("Bearer abc").has_value());
  EXPECT_EQ(ParseBearer("Bearer abc.DEF-1=").value_or(""), "abc.DEF-1=");
  EXPECT_FALSE(ParseBearer("Bearer a b").has_value());
  EXPECT_FALSE(ParseBearer("Basic abc").has_value());
}

}  // namespace
}  // namespace ringmail::http
