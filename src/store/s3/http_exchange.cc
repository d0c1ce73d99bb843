#include "store/s3/http_exchange.h"

#include "http/chunked.h"

namespace ringmail::s3 {
namespace {

// What is kept of a response head once its bytes are consumed.
struct Head {
  HttpResponse response;
  bool chunked = false;
  bool keep_alive = false;
};

Error TransportError(Error e, ExchangeStats* stats) {
  stats->transport_failure = true;
  return e;
}

std::unexpected<Error> Invalid(std::string what) {
  return MakeError(ErrorCode::kIo, "S3 endpoint sent an invalid response: " + what);
}

Head CopyHead(const http::ResponseHead& head) {
  Head out;
  out.response.status = head.status;
  out.response.content_length = head.content_length;
  out.response.etag = std::string(head.Find("ETag"));
  out.response.last_modified = std::string(head.Find("Last-Modified"));
  out.response.content_range = std::string(head.Find("Content-Range"));
  out.chunked = head.chunked;
  out.keep_alive = head.keep_alive;
  return out;
}

Task<Result<Head>> ReadHead(Connection* conn, http::Limits limits, ExchangeStats* stats) {
  http::ResponseHead head;
  std::string_view data = conn->buffered();
  for (;;) {
    if (!data.empty()) stats->response_started = true;
    const http::ParseResult parsed = http::ParseResponseHead(data, limits, &head);
    if (parsed.state == http::ParseState::kError) co_return Invalid(parsed.reason);
    if (parsed.state == http::ParseState::kDone) {
      if (head.status >= 200) {
        Head out = CopyHead(head);
        conn->Consume(parsed.consumed);
        co_return out;
      }
      conn->Consume(parsed.consumed);  // an interim 1xx response: the real one follows
      data = conn->buffered();
      continue;
    }
    Result<std::string_view> more = co_await conn->Read();
    if (!more) co_return std::unexpected(TransportError(more.error(), stats));
    data = *more;
  }
}

Task<Result<void>> ReadSized(Connection* conn, uint64_t size, std::string* body,
                             ExchangeStats* stats) {
  body->reserve(size);
  std::string_view data = conn->buffered();
  while (body->size() < size) {
    if (data.empty()) {
      Result<std::string_view> more = co_await conn->Read();
      if (!more) co_return std::unexpected(TransportError(more.error(), stats));
      data = *more;
    }
    const size_t take = static_cast<size_t>(std::min<uint64_t>(data.size(), size - body->size()));
    body->append(data.substr(0, take));
    conn->Consume(take);
    data = conn->buffered();
  }
  co_return Result<void>{};
}

Task<Result<void>> ReadChunked(Connection* conn, uint64_t size_max, std::string* body,
                               ExchangeStats* stats) {
  http::ChunkedLimits limits;
  limits.body_size_max = size_max;
  http::ChunkedDecoder decoder(limits);
  std::string_view data = conn->buffered();
  for (;;) {
    const http::ParseResult fed = decoder.Feed(data, body);
    conn->Consume(fed.consumed);
    if (fed.state == http::ParseState::kDone) co_return Result<void>{};
    if (fed.state == http::ParseState::kError) {
      const char* reason = fed.status == 413 ? "body too large" : fed.reason;
      co_return Invalid(reason);
    }
    Result<std::string_view> more = co_await conn->Read();
    if (!more) co_return std::unexpected(TransportError(more.error(), stats));
    data = *more;
  }
}

// A body delimited by the end of the connection (neither a length nor chunked).
Task<Result<void>> ReadUntilClose(Connection* conn, uint64_t size_max, std::string* body,
                                  ExchangeStats* stats) {
  std::string_view data = conn->buffered();
  for (;;) {
    if (body->size() + data.size() > size_max) co_return Invalid("body too large");
    body->append(data);
    conn->Consume(data.size());
    Result<std::string_view> more = co_await conn->Read();
    if (!more && more.error().code == ErrorCode::kClosed) co_return Result<void>{};
    if (!more) co_return std::unexpected(TransportError(more.error(), stats));
    data = *more;
  }
}

bool HasNoBody(std::string_view method, int status) {
  return method == "HEAD" || status == 204 || status == 304;
}

}  // namespace

std::string SerializeRequestHead(const HttpRequest& request) {
  std::string head;
  head.reserve(512);
  head.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\n");
  for (const HeaderField& h : request.headers) {
    head.append(h.name).append(": ").append(h.value).append("\r\n");
  }
  if (!request.body.empty() || request.method == "PUT" || request.method == "POST") {
    head.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
  }
  head.append("\r\n");
  return head;
}

Task<Result<HttpResponse>> Exchange(Connection* conn, HttpRequest request, ResponseLimits limits,
                                    ExchangeStats* stats) {
  conn->Write(SerializeRequestHead(request));
  if (!request.body.empty()) conn->Write(request.body);
  Result<void> flushed = co_await conn->Flush();
  if (!flushed) co_return std::unexpected(TransportError(flushed.error(), stats));

  Result<Head> read_head = co_await ReadHead(conn, limits.head, stats);
  if (!read_head) co_return std::unexpected(read_head.error());
  Head head = std::move(*read_head);
  HttpResponse& response = head.response;
  if (HasNoBody(request.method, response.status)) {
    response.reusable = head.keep_alive && conn->buffered().empty();
    co_return std::move(response);
  }
  const bool success = response.status >= 200 && response.status < 300;
  const uint64_t size_max = success ? limits.body_size_max : limits.error_body_size_max;
  Result<void> body;
  if (head.chunked) {
    body = co_await ReadChunked(conn, size_max, &response.body, stats);
  } else if (response.content_length.has_value()) {
    if (*response.content_length > size_max) {
      body = Invalid("body too large");
    } else {
      body = co_await ReadSized(conn, *response.content_length, &response.body, stats);
    }
  } else {
    head.keep_alive = false;
    body = co_await ReadUntilClose(conn, size_max, &response.body, stats);
  }
  if (!body && !success && !stats->transport_failure) {
    // An error answer whose body is too large or malformed (an HTML page from a proxy):
    // its status is what matters. The connection is out of step; the caller closes it.
    response.body.clear();
    response.reusable = false;
    co_return std::move(response);
  }
  if (!body) co_return std::unexpected(body.error());
  response.reusable = head.keep_alive && conn->buffered().empty();
  co_return std::move(response);
}

}  // namespace ringmail::s3
