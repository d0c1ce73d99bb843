// S3Client against a scripted HTTP server on a thread: the exact bytes of requests (signing
// headers, Content-MD5, Host, path), and the client's handling of answers a real server
// rarely gives on demand: 5xx then success, 5xx for good, chunked bodies, interim 1xx,
// malformed heads, truncated and oversized bodies, keep-alive reuse and Connection: close.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "store/s3/s3_client.h"
#include "testing/run_on_reactor.h"
#include "tls/digest.h"

namespace ringmail::s3 {
namespace {

// Serves `replies` in order, one per request, on as many connections as the client opens.
// A reply with `close` ends its connection after it is sent. When the replies run out the
// server stops listening. Request heads (and bodies) are kept for the test to inspect after
// the server is destroyed or stopped.
class FakeS3 {
 public:
  struct Reply {
    std::string bytes;
    bool close = false;
  };

  explicit FakeS3(std::vector<Reply> replies) : replies_(std::move(replies)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listen_fd_, 16), 0);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeS3() { Stop(); }

  void Stop() {
    if (thread_.joinable()) {
      ::shutdown(listen_fd_, SHUT_RDWR);
      thread_.join();
      ::close(listen_fd_);
    }
  }

  uint16_t port() const { return port_; }
  // Valid after Stop().
  const std::vector<std::string>& requests() const { return requests_; }
  int connections() const { return connections_; }

 private:
  void Serve() {
    size_t next = 0;
    while (next < replies_.size()) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      ++connections_;
      timeval tv{5, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::string buffer;
      while (next < replies_.size() && ReadRequest(fd, &buffer)) {
        const Reply& reply = replies_[next++];
        ::send(fd, reply.bytes.data(), reply.bytes.size(), MSG_NOSIGNAL);
        if (reply.close) break;
      }
      ::close(fd);
    }
  }

  // Reads one request (head and Content-Length body) into requests_.
  bool ReadRequest(int fd, std::string* buffer) {
    for (;;) {
      const size_t end = buffer->find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t body = 0;
        const size_t cl = buffer->find("Content-Length: ");
        if (cl != std::string::npos && cl < end) body = std::stoul(buffer->substr(cl + 16));
        if (buffer->size() >= end + 4 + body) {
          requests_.push_back(buffer->substr(0, end + 4 + body));
          buffer->erase(0, end + 4 + body);
          return true;
        }
      }
      char chunk[65536];
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer->append(chunk, static_cast<size_t>(n));
    }
  }

  std::vector<Reply> replies_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::vector<std::string> requests_;
  int connections_ = 0;
};

std::string Response(int status, std::string_view body, std::string_view extra = "") {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + std::string(extra) +
         "\r\n" + std::string(body);
}

std::string ErrorDocument(std::string_view code) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + std::string(code) +
         "</Code><Message>try &amp; see</Message></Error>";
}

std::unique_ptr<S3Client> ClientFor(uint16_t port, uint64_t object_size_max = 1 << 20) {
  S3ClientOptions options;
  Result<Endpoint> endpoint =
      ParseS3Url("s3://bucket?endpoint=http://127.0.0.1:" + std::to_string(port));
  EXPECT_TRUE(endpoint.has_value());
  options.endpoint = *endpoint;
  options.credentials = {"AKID", "SECRET"};
  options.attempts_max = 3;
  options.backoff_base_ms = 5;
  options.backoff_max_ms = 20;
  options.request_timeout_ms = 2000;
  options.object_size_max = object_size_max;
  Result<std::unique_ptr<S3Client>> client = S3Client::Create(std::move(options));
  EXPECT_TRUE(client.has_value());
  return std::move(*client);
}

// Runs `task` on a reactor, then closes the client's connections there.
Task<void> ThenClose(Task<void> task, S3Client* client) {
  co_await std::move(task);
  co_await client->CloseIdleConnections();
}
void RunWith(S3Client* client, Task<void> task) {
  testing::RunOnReactor(ThenClose(std::move(task), client));
}

Task<void> GetInto(S3Client* client, std::string key, Result<std::string>* out) {
  *out = co_await client->Get(key);
}

TEST(S3FakeServer, PutSendsSignedHeadersContentMd5AndTheBody) {
  FakeS3 server({{Response(200, "", "ETag: \"x\"\r\n")}});
  auto client = ClientFor(server.port());
  Result<void> put = MakeError(ErrorCode::kInternal, "not run");
  const std::string body = "Welcome to Amazon S3.";
  auto task = [](S3Client* c, std::string b, Result<void>* out) -> Task<void> {
    *out = co_await c->Put("ab/cd/key", b);
  };
  RunWith(client.get(), task(client.get(), body, &put));
  EXPECT_TRUE(put.has_value()) << put.error().ToString();
  server.Stop();
  ASSERT_EQ(server.requests().size(), 1u);
  const std::string& req = server.requests()[0];
  EXPECT_EQ(req.substr(0, 32), "PUT /bucket/ab/cd/key HTTP/1.1\r\n") << req;
  EXPECT_NE(req.find("\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"),
            std::string::npos);
  EXPECT_NE(req.find("\r\nContent-MD5: " + Md5Base64(body) + "\r\n"), std::string::npos);
  EXPECT_NE(req.find("\r\nx-amz-content-sha256: " + Sha256Hex(body) + "\r\n"), std::string::npos);
  EXPECT_NE(req.find("\r\nContent-Length: 21\r\n"), std::string::npos);
  EXPECT_NE(req.find("\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKID/"), std::string::npos);
  EXPECT_NE(req.find("/us-east-1/s3/aws4_request, SignedHeaders=content-md5;host;"
                     "x-amz-content-sha256;x-amz-date, Signature="),
            std::string::npos)
      << req;
  EXPECT_TRUE(req.ends_with("\r\n\r\n" + body));
}

TEST(S3FakeServer, ServerErrorsAreRetriedOnTheSameConnection) {
  FakeS3 server({{Response(503, ErrorDocument("SlowDown"))},
                 {Response(500, ErrorDocument("InternalError"))},
                 {Response(200, "payload")}});
  auto client = ClientFor(server.port());
  Result<std::string> got;
  RunWith(client.get(), GetInto(client.get(), "k", &got));
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(*got, "payload");
  server.Stop();
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.connections(), 1);  // kept alive across the retries
}

TEST(S3FakeServer, PersistentServerErrorsEndInUnavailable) {
  FakeS3 server({{Response(503, ErrorDocument("SlowDown"))},
                 {Response(503, ErrorDocument("SlowDown"))},
                 {Response(503, ErrorDocument("SlowDown"))},
                 {Response(200, "too late")}});
  auto client = ClientFor(server.port());
  Result<std::string> got;
  RunWith(client.get(), GetInto(client.get(), "k", &got));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(got.error().message.find("after 3 attempts: HTTP 503 SlowDown: try & see"),
            std::string::npos)
      << got.error().message;
}

TEST(S3FakeServer, ChunkedBodyAndInterimResponse) {
  FakeS3 server({{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                  "\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: x\r\n\r\n"},
                 {Response(200, "second")}});
  auto client = ClientFor(server.port());
  Result<std::string> first;
  Result<std::string> second;
  auto task = [](S3Client* c, Result<std::string>* a, Result<std::string>* b) -> Task<void> {
    co_await GetInto(c, "one", a);
    co_await GetInto(c, "two", b);
  };
  RunWith(client.get(), task(client.get(), &first, &second));
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_EQ(*first, "hello, world");
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_EQ(*second, "second");
  server.Stop();
  EXPECT_EQ(server.connections(), 1);
}

TEST(S3FakeServer, MalformedResponseIsIoAndNotRetried) {
  FakeS3 server({{"HTTP/1.1 200 OK\nContent-Length: 2\n\nhi"}, {Response(200, "unused")}});
  auto client = ClientFor(server.port());
  Result<std::string> got;
  RunWith(client.get(), GetInto(client.get(), "k", &got));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kIo);
  EXPECT_NE(got.error().message.find("invalid response"), std::string::npos);
  server.Stop();
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(S3FakeServer, TruncatedBodyIsRetried) {
  FakeS3 server({{"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..", true},
                 {Response(200, "complete")}});
  auto client = ClientFor(server.port());
  Result<std::string> got;
  RunWith(client.get(), GetInto(client.get(), "k", &got));
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(*got, "complete");
  server.Stop();
  EXPECT_EQ(server.connections(), 2);
}

TEST(S3FakeServer, OversizedBodyIsRefused) {
  FakeS3 server({{Response(200, std::string(5000, 'x'))}});
  auto client = ClientFor(server.port(), 4096);
  Result<std::string> got;
  RunWith(client.get(), GetInto(client.get(), "k", &got));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kIo);
  EXPECT_NE(got.error().message.find("too large"), std::string::npos);
}

TEST(S3FakeServer, AnOversizedErrorBodyStillCountsAsItsStatus) {
  FakeS3 server({{Response(503, std::string(100000, 'h'))}, {Response(200, "after")}});
  auto client = ClientFor(server.port());
  Result<std::string> got;
  RunWith(client.get(), GetInto(client.get(), "k", &got));
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(*got, "after");
  server.Stop();
  EXPECT_EQ(server.connections(), 2);  // the first was closed, out of step
}

TEST(S3FakeServer, StatusesMapToErrors) {
  FakeS3 server({{Response(404, ErrorDocument("NoSuchKey"))},
                 {Response(403, ErrorDocument("AccessDenied"))},
                 {Response(404, "")},
                 {Response(204, "")}});
  auto client = ClientFor(server.port());
  Result<std::string> missing;
  Result<std::string> denied;
  Result<void> deleted_absent;
  Result<void> deleted;
  auto task = [](S3Client* c, Result<std::string>* a, Result<std::string>* b, Result<void>* d1,
                 Result<void>* d2) -> Task<void> {
    co_await GetInto(c, "a", a);
    co_await GetInto(c, "b", b);
    *d1 = co_await c->Delete("c");
    *d2 = co_await c->Delete("d");
  };
  RunWith(client.get(), task(client.get(), &missing, &denied, &deleted_absent, &deleted));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::kIo);
  EXPECT_NE(denied.error().message.find("HTTP 403 AccessDenied"), std::string::npos);
  EXPECT_TRUE(deleted_absent.has_value());
  EXPECT_TRUE(deleted.has_value());
  server.Stop();
  EXPECT_EQ(server.requests().size(), 4u);  // none retried
  EXPECT_EQ(server.connections(), 1);
}

TEST(S3FakeServer, HeadIgnoresContentLengthAndCloseIsHonoured) {
  FakeS3 server({{"HTTP/1.1 200 OK\r\nContent-Length: 12345\r\nETag: \"e\"\r\n\r\n"},
                 {Response(200, "one", "Connection: close\r\n")},
                 {Response(200, "two")}});
  auto client = ClientFor(server.port());
  Result<ObjectInfo> info;
  Result<std::string> one;
  Result<std::string> two;
  auto task = [](S3Client* c, Result<ObjectInfo>* i, Result<std::string>* a,
                 Result<std::string>* b) -> Task<void> {
    *i = co_await c->Head("h");
    co_await GetInto(c, "one", a);
    co_await GetInto(c, "two", b);
  };
  RunWith(client.get(), task(client.get(), &info, &one, &two));
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->size, 12345u);
  EXPECT_EQ(info->etag, "\"e\"");
  ASSERT_TRUE(one.has_value()) << one.error().ToString();
  ASSERT_TRUE(two.has_value()) << two.error().ToString();
  server.Stop();
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.connections(), 2);  // HEAD and the first GET share one; close ends it
}

TEST(S3FakeServer, ListSendsV2QueryAndParsesThePage) {
  const std::string page =
      "<?xml version=\"1.0\"?><ListBucketResult><IsTruncated>true</IsTruncated>"
      "<Contents><Key>p/a&amp;b</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
      "<Size>7</Size></Contents><NextContinuationToken>t+/=</NextContinuationToken>"
      "</ListBucketResult>";
  FakeS3 server({{Response(200, page)}});
  auto client = ClientFor(server.port());
  Result<ListPage> listed;
  auto task = [](S3Client* c, Result<ListPage>* out) -> Task<void> {
    *out = co_await c->List("p/", "tok en", 10);
  };
  RunWith(client.get(), task(client.get(), &listed));
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  ASSERT_EQ(listed->entries.size(), 1u);
  EXPECT_EQ(listed->entries[0].key, "p/a&b");
  EXPECT_EQ(listed->entries[0].size, 7u);
  EXPECT_TRUE(listed->truncated);
  EXPECT_EQ(listed->next_continuation_token, "t+/=");
  server.Stop();
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_TRUE(server.requests()[0].starts_with(
      "GET /bucket?continuation-token=tok%20en&list-type=2&max-keys=10&prefix=p%2F HTTP/1.1\r\n"))
      << server.requests()[0];
}

}  // namespace
}  // namespace ringmail::s3
