// The HTTP/1.1 server side (RFC 9112): what a handler sees (Request), what it answers
// (Response), and ServerSession, which runs one connection over a Stream.
//
// ServerSession reads one request at a time with ParseRequestHead and, for the body, either
// Content-Length or ChunkedDecoder; hands the whole request to the Handler; and writes the
// answer before it parses the next request, so pipelined requests are answered in order.
// Answers to requests that arrived together are flushed together (up to
// kPendingOutputMax bytes). Everything read from the peer is bounded by ServerLimits and
// refused at the limit (413, 414, 431), never buffered past it.
//
// Runs on the connection's core; one session per connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/socket_address.h"
#include "http/body_reader.h"
#include "http/parser.h"
#include "runtime/stream.h"
#include "runtime/task.h"

namespace ringmail::http {

struct ServerLimits {
  Limits head;                          // head size (431), field count (431), target (414)
  uint64_t body_size_max = 1u << 20;    // a request body, decoded; 413 beyond
  uint32_t idle_timeout_ms = 60000;     // waiting for a request's first byte; then closed
  uint32_t request_timeout_ms = 30000;  // from a request's first byte to its last; then 408
  size_t compress_size_min = 256;       // smaller bodies are sent as they are
};

// One request, owned (copied out of the connection's buffer). Handlers may keep it.
struct Request {
  std::string method;  // "GET", "HEAD" (routed as GET; the session drops the body), ...
  std::string target;  // as sent
  std::string path;    // not percent-decoded; "/" when the target had none
  std::string query;   // after '?', without it
  std::vector<std::pair<std::string, std::string>> headers;  // in arrival order
  std::string body;                                          // decoded (chunked or not)
  // Set instead of `body` when the handler streams the body (Handler::StreamsBody): pull it
  // from here during Handle; owned by the session, valid until Handle completes.
  BodyReader* body_reader = nullptr;
  SocketAddress peer;
  bool encrypted = false;

  // The first field named `name` (ASCII case-insensitive), "" when absent.
  std::string_view Header(std::string_view name) const;
  // The percent-decoded ('+' as space) value of the first query parameter `name`, or "".
  std::string QueryParam(std::string_view name) const;
};

// A body produced piece by piece (a large download, an event stream): sent with the chunked
// coding, one flush per piece. To HTTP/1.0 peers the whole body is gathered first.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // Appends the next piece to *chunk (it may stay empty); false when there is no more.
  // An error ends the connection (the peer sees a truncated body).
  virtual Task<Result<bool>> Next(std::string* chunk) = 0;

 protected:
  // Whether the server is draining: a live body (an event stream) ends then.
  bool shutdown_requested() const { return stream_ != nullptr && stream_->shutdown_requested(); }
  // The client's stream, for a live body that waits: between two Next calls nothing reads
  // it, so Next may wait on Read() (with set_read_timeout_ms, woken by InterruptRead) to learn
  // at once that the client left or the server drains (kClosed, kShutdown). It must not
  // Consume: input there is the client's next request. Null before the first Next.
  Stream* client_stream() const { return stream_; }

 private:
  friend class ServerSession;
  Stream* stream_ = nullptr;  // set by the session before the first Next
};

struct Response {
  int status = 200;
  std::string content_type;  // "" : none; no CR, LF or other control bytes
  std::string body;          // ignored when `stream` is set
  // More fields; names are tokens, values hold no control bytes, and none is one the
  // session writes itself (Content-Length, Content-Type, Connection, Transfer-Encoding,
  // Content-Encoding, Vary).
  std::vector<std::pair<std::string, std::string>> headers;
  std::unique_ptr<BodySource> stream;
  // With `stream`: the body's exact size, sent as Content-Length (no chunked coding, no
  // content coding, HTTP/1.0 too), the pieces written as they come with one flush each (the
  // back-pressure: the next piece is asked for once the previous one is sent). A source that
  // fails or ends at another size aborts the connection: the peer sees a short body, never a
  // complete-looking wrong one.
  std::optional<uint64_t> stream_size;
  bool close = false;  // end the connection after this answer

  static Response Text(int status, std::string body);
  static Response Json(int status, std::string body);
  static Response Typed(int status, std::string content_type, std::string body);
  Response& With(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// What answers requests: the router, or one endpoint. Called on the connection's core with
// a complete request; must not keep references into the session.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual Task<Response> Handle(Request request) = 0;
  // Whether Handle pulls this request's body itself from Request::body_reader (a large
  // upload) instead of receiving it whole in Request::body, bounded by body_size_max. Asked
  // with the head only (body empty).
  virtual bool StreamsBody(const Request& /*request*/) const { return false; }
};

inline constexpr size_t kPendingOutputMax = 64 * 1024;  // answers queued before a flush

class ServerSession {
 public:
  // REQUIRES: stream, handler and limits outlive the session.
  ServerSession(Stream* stream, Handler* handler, const ServerLimits* limits)
      : stream_(stream), handler_(handler), limits_(limits) {}

  // Serves requests until the peer closes, a request asks to close, an error or timeout,
  // or the server drains (the request in progress is answered with "Connection: close").
  Task<void> Run();

 private:
  enum class Step { kContinue, kClose };
  // What the head says about the body and the connection (the head's views die with
  // the bytes it was parsed from).
  struct Framing {
    int version_minor = 1;
    bool keep_alive = false;
    bool chunked = false;
    bool expect_continue = false;
    uint64_t content_length = 0;
  };
  // Reads the next request head into *request and *framing; kClose when the connection
  // must end (after answering a bad head).
  Task<Step> ReadHead(Request* request, Framing* framing);
  Task<Step> ReadBody(Framing framing, Request* request);
  Task<Step> ReadContentLength(uint64_t length, Request* request);
  Task<Step> ReadChunked(Request* request);
  // Flushes what is queued, then waits for more input within the current timeout. kClose
  // on end, error or timeout (a timeout inside a request is answered 408 first).
  Task<Step> ReadMore();
  Task<Step> Answer(Framing framing, Response response, std::string accept_encoding,
                    bool head_only);
  Task<Step> SendStream(Response response, bool keep_alive, bool head_only);
  Task<Step> SendSized(Response response, bool keep_alive, bool head_only);
  // Hands the request to the handler with a BodyReader over the unread body; kClose when the
  // body failed (answered here) or was left unread.
  Task<Step> HandleStreamed(Framing framing, Request request);
  void WriteError(int status, std::string_view reason);

  Stream* stream_;
  Handler* handler_;
  const ServerLimits* limits_;
  RequestHead head_;          // reused: its field vector keeps its capacity
  bool in_request_ = false;   // a request's first byte has arrived
  uint64_t deadline_ms_ = 0;  // for the request in progress
};

}  // namespace ringmail::http
