// One HTTP/1.1 request and its response on a client connection (the S3 client's transport):
// writes the request, reads the response head with http::ParseResponseHead and the body by
// Content-Length, chunked coding (http::ChunkedDecoder) or until the server closes, each
// bounded. Runs on the connection's core; one exchange at a time per connection.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "http/parser.h"
#include "runtime/connection.h"
#include "runtime/task.h"
#include "store/s3/sigv4.h"

namespace ringmail::s3 {

struct HttpRequest {
  std::string_view method;               // "GET", "HEAD", "PUT", "DELETE"
  std::string_view target;               // encoded path and query: "/bucket/ab/cd/abcd…?x=y"
  std::span<const HeaderField> headers;  // all but Content-Length, which is added for a body
  std::string_view body;                 // sent after the head; PUT sends Content-Length even
                                         // when it is empty
};

struct HttpResponse {
  int status = 0;
  // The connection carried exactly this response and may carry the next request.
  bool reusable = false;
  std::string body;  // empty for HEAD, 204 and 304
  std::optional<uint64_t> content_length;
  std::string etag;
  std::string last_modified;
  std::string content_range;
};

struct ResponseLimits {
  http::Limits head;
  uint64_t body_size_max = 64 << 20;        // a 2xx body
  uint64_t error_body_size_max = 64 << 10;  // any other body (S3's XML error documents)
};

// What the caller needs to decide about a retry.
struct ExchangeStats {
  // The connection failed (closed, reset, timed out): the error came from the transport, not
  // from the peer's bytes. Such an exchange may be retried on a new connection.
  bool transport_failure = false;
  // Some bytes of a response arrived. A reused keep-alive connection that fails before any
  // did was most likely closed by the server while idle.
  bool response_started = false;
};

// Sends `request` on `conn` and reads the response. `request`'s views must stay valid until
// the task completes. Errors: the connection's (kClosed, kTimeout, kIo with an errno,
// kShutdown; stats->transport_failure set), or kIo without errno for a response that is not
// valid HTTP/1.1 or is over `limits`. A non-2xx answer whose body is over its limit or
// malformed still comes back, with an empty body and `reusable` false. After an error the
// connection must be closed.
Task<Result<HttpResponse>> Exchange(Connection* conn, HttpRequest request, ResponseLimits limits,
                                    ExchangeStats* stats);

// The request head as sent (request line, headers, Content-Length, blank line).
std::string SerializeRequestHead(const HttpRequest& request);

}  // namespace ringmail::s3
