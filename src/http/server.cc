#include "http/server.h"

#include <algorithm>
#include <chrono>

#include "base/ascii.h"
#include "base/log.h"
#include "http/chunked.h"
#include "http/compress.h"
#include "http/response_writer.h"

namespace ringmail::http {
namespace {

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = AsciiLower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 &&
               HexDigit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// A streamed body sent to an HTTP/1.0 peer is gathered first, up to this size (then cut).
constexpr size_t kGatheredBodyMax = 64u << 20;

bool CanHaveBody(int status) { return status >= 200 && status != 204 && status != 304; }

}  // namespace

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return v;
  }
  return {};
}

std::string Request::QueryParam(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (PercentDecode(pair.substr(0, eq)) != name) continue;
    return eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1));
  }
  return {};
}

Response Response::Text(int status, std::string body) {
  return Response::Typed(status, "text/plain; charset=utf-8", std::move(body));
}

Response Response::Json(int status, std::string body) {
  return Response::Typed(status, "application/json", std::move(body));
}

Response Response::Typed(int status, std::string content_type, std::string body) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

void ServerSession::WriteError(int status, std::string_view reason) {
  Log(LogLevel::kDebug, "http_refused", "peer", stream_->peer().ToString(), "status", status,
      "reason", reason);
  std::string out;
  WriteResponse(&out, status, "text/plain; charset=utf-8", std::string(reason) + "\n", false);
  stream_->Write(out);
}

Task<ServerSession::Step> ServerSession::ReadMore() {
  if (stream_->pending_output() > 0) {
    Result<void> flushed = co_await stream_->Flush();
    if (!flushed) co_return Step::kClose;
  }
  if (in_request_) {
    const uint64_t now = NowMs();
    const uint64_t left = deadline_ms_ > now ? deadline_ms_ - now : 1;
    stream_->set_read_timeout_ms(static_cast<uint32_t>(std::min<uint64_t>(left, UINT32_MAX)));
  } else {
    stream_->set_read_timeout_ms(limits_->idle_timeout_ms);
  }
  Result<std::string_view> input = co_await stream_->Read();
  if (input) co_return Step::kContinue;
  if (input.error().code == ErrorCode::kTimeout && in_request_) {
    WriteError(408, "request not complete in time");
  }
  co_return Step::kClose;
}

Task<ServerSession::Step> ServerSession::ReadHead(Request* request, Framing* framing) {
  for (;;) {
    const std::string_view data = stream_->buffered();
    if (!data.empty()) {
      if (!in_request_) {
        in_request_ = true;
        deadline_ms_ = NowMs() + limits_->request_timeout_ms;
      }
      const ParseResult r = ParseRequestHead(data, limits_->head, &head_);
      if (r.state == ParseState::kError) {
        WriteError(r.status, r.reason);
        co_return Step::kClose;
      }
      if (r.state == ParseState::kDone) {
        request->method = head_.method;
        request->target = head_.target;
        request->path = head_.path.empty() ? std::string("/") : std::string(head_.path);
        request->query = head_.query;
        for (const http::Header& h : head_.headers) request->headers.emplace_back(h.name, h.value);
        framing->version_minor = head_.version_minor;
        framing->keep_alive = head_.keep_alive;
        framing->chunked = head_.chunked;
        framing->expect_continue = head_.expect_continue;
        framing->content_length = head_.content_length.value_or(0);
        stream_->Consume(r.consumed);
        co_return Step::kContinue;
      }
    }
    Step step = co_await ReadMore();
    if (step == Step::kClose) co_return Step::kClose;
  }
}

Task<ServerSession::Step> ServerSession::ReadBody(Framing framing, Request* request) {
  if (!framing.chunked && framing.content_length == 0) co_return Step::kContinue;
  if (framing.content_length > limits_->body_size_max) {
    WriteError(413, "request body over body-size-max");
    co_return Step::kClose;
  }
  if (framing.expect_continue && stream_->buffered().empty()) {
    stream_->Write("HTTP/1.1 100 Continue\r\n\r\n");
  }
  if (framing.chunked) {
    Step step = co_await ReadChunked(request);
    co_return step;
  }
  Step step = co_await ReadContentLength(framing.content_length, request);
  co_return step;
}

Task<ServerSession::Step> ServerSession::ReadContentLength(uint64_t length, Request* request) {
  request->body.reserve(length);
  for (;;) {
    const std::string_view data = stream_->buffered();
    const size_t take = std::min<uint64_t>(data.size(), length - request->body.size());
    request->body.append(data.substr(0, take));
    stream_->Consume(take);
    if (request->body.size() == length) co_return Step::kContinue;
    Step step = co_await ReadMore();
    if (step == Step::kClose) co_return Step::kClose;
  }
}

Task<ServerSession::Step> ServerSession::ReadChunked(Request* request) {
  ChunkedLimits chunked_limits;
  chunked_limits.body_size_max = limits_->body_size_max;
  ChunkedDecoder decoder(chunked_limits);
  for (;;) {
    const ParseResult r = decoder.Feed(stream_->buffered(), &request->body);
    if (r.state == ParseState::kError) {
      WriteError(r.status, r.reason);
      co_return Step::kClose;
    }
    stream_->Consume(r.consumed);
    if (r.state == ParseState::kDone) co_return Step::kContinue;
    Step step = co_await ReadMore();
    if (step == Step::kClose) co_return Step::kClose;
  }
}

Task<void> ServerSession::Run() {
  for (;;) {
    in_request_ = false;
    Request request;
    request.peer = stream_->peer();
    request.encrypted = stream_->encrypted();
    Framing framing;
    Step step = co_await ReadHead(&request, &framing);
    if (step == Step::kClose) break;
    if ((framing.chunked || framing.content_length > 0) && handler_->StreamsBody(request)) {
      step = co_await HandleStreamed(framing, std::move(request));
      if (step == Step::kClose) break;
      continue;
    }
    step = co_await ReadBody(framing, &request);
    if (step == Step::kClose) break;
    const bool head_only = request.method == "HEAD";
    std::string accept(request.Header("Accept-Encoding"));
    Response response = co_await handler_->Handle(std::move(request));
    step = co_await Answer(framing, std::move(response), std::move(accept), head_only);
    if (step == Step::kClose) break;
  }
  if (stream_->pending_output() > 0) {
    Result<void> flushed = co_await stream_->Flush();
    (void)flushed;  // the peer may be gone; nothing more to do either way
  }
}

Task<ServerSession::Step> ServerSession::Answer(Framing framing, Response response,
                                                std::string accept_encoding, bool head_only) {
  const bool keep_alive = framing.keep_alive && !response.close && !stream_->shutdown_requested();
  if (response.stream != nullptr && CanHaveBody(response.status)) {
    response.stream->stream_ = stream_;
    if (response.stream_size) {
      Step step = co_await SendSized(std::move(response), keep_alive, head_only);
      co_return step;
    }
    if (framing.version_minor == 1) {
      Step step = co_await SendStream(std::move(response), keep_alive, head_only);
      co_return step;
    }
    for (bool more = true; more;) {  // HTTP/1.0 has no chunked coding: gather it
      Result<bool> next = co_await response.stream->Next(&response.body);
      if (!next) co_return Step::kClose;
      more = *next && response.body.size() <= kGatheredBodyMax;
    }
  }
  if (!CanHaveBody(response.status)) response.body.clear();
  std::vector<std::pair<std::string, std::string>>& fields = response.headers;
  if (CanHaveBody(response.status) && IsCompressible(response.content_type)) {
    fields.emplace_back("Vary", "Accept-Encoding");
    const std::string_view coding = ChooseEncoding(accept_encoding);
    if (!coding.empty() && response.body.size() >= limits_->compress_size_min) {
      std::optional<std::string> packed = Compress(response.body, coding);
      if (packed && packed->size() < response.body.size()) {
        response.body = std::move(*packed);
        fields.emplace_back("Content-Encoding", std::string(coding));
      }
    }
  }
  std::vector<Header> extra;
  for (const auto& [name, value] : fields) extra.push_back({name, value});
  std::string out;
  WriteResponseHead(&out, response.status, response.content_type, response.body.size(), keep_alive,
                    extra);
  if (!head_only) out.append(response.body);
  stream_->Write(out);
  if (!keep_alive) co_return Step::kClose;
  if (stream_->pending_output() >= kPendingOutputMax) {
    Result<void> flushed = co_await stream_->Flush();
    if (!flushed) co_return Step::kClose;
  }
  co_return Step::kContinue;
}

}  // namespace ringmail::http
