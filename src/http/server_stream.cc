// ServerSession's streaming paths (http/server.h): request bodies the handler pulls
// (BodyReader) and response bodies sent piece by piece, chunked or with a known size.
#include <vector>

#include "base/log.h"
#include "http/chunked.h"
#include "http/response_writer.h"
#include "http/server.h"

namespace ringmail::http {

Task<ServerSession::Step> ServerSession::HandleStreamed(Framing framing, Request request) {
  BodyReader::Framing body;
  body.chunked = framing.chunked;
  body.content_length = framing.content_length;
  body.expect_continue = framing.expect_continue;
  body.size_max = limits_->body_size_max;
  body.progress_timeout_ms = limits_->request_timeout_ms;
  BodyReader reader(stream_, body);
  request.body_reader = &reader;
  const bool head_only = request.method == "HEAD";
  std::string accept(request.Header("Accept-Encoding"));
  Response response = co_await handler_->Handle(std::move(request));
  const int failed = reader.failed_status();
  if (failed == 0 && *reader.failed_reason() != '\0') co_return Step::kClose;  // peer gone
  // A failed body is answered with its status: the handler's answer when it says the same
  // (a 413 in the endpoint's own format), else the plain one.
  if (failed != 0 && response.status != failed) {
    WriteError(failed, reader.failed_reason());
    co_return Step::kClose;
  }
  // A body left unread hides where the next request starts: answer, then close.
  if (!reader.done()) response.close = true;
  Step step = co_await Answer(framing, std::move(response), std::move(accept), head_only);
  co_return step;
}

Task<ServerSession::Step> ServerSession::SendStream(Response response, bool keep_alive,
                                                    bool head_only) {
  std::vector<Header> extra;
  for (const auto& [name, value] : response.headers) extra.push_back({name, value});
  std::string out;
  WriteChunkedResponseHead(&out, response.status, response.content_type, keep_alive, extra);
  stream_->Write(out);
  if (head_only) co_return keep_alive ? Step::kContinue : Step::kClose;
  for (bool more = true; more;) {
    std::string piece;
    Result<bool> next = co_await response.stream->Next(&piece);
    if (!next) co_return Step::kClose;
    more = *next;
    std::string framed;
    AppendChunk(&framed, piece);
    if (!more) AppendLastChunk(&framed);
    stream_->Write(framed);
    Result<void> flushed = co_await stream_->Flush();
    if (!flushed) co_return Step::kClose;
  }
  co_return keep_alive ? Step::kContinue : Step::kClose;
}

Task<ServerSession::Step> ServerSession::SendSized(Response response, bool keep_alive,
                                                   bool head_only) {
  const uint64_t size = *response.stream_size;
  std::vector<Header> extra;
  for (const auto& [name, value] : response.headers) extra.push_back({name, value});
  std::string out;
  WriteResponseHead(&out, response.status, response.content_type, size, keep_alive, extra);
  stream_->Write(out);
  if (head_only) co_return keep_alive ? Step::kContinue : Step::kClose;
  uint64_t sent = 0;
  for (bool more = true; more;) {
    std::string piece;
    Result<bool> next = co_await response.stream->Next(&piece);
    if (!next) {
      Log(LogLevel::kWarn, "http_body_aborted", "peer", stream_->peer().ToString(), "sent", sent,
          "size", size, "error", next.error().message);
      co_return Step::kClose;
    }
    more = *next;
    if (piece.size() > size - sent) break;  // never more than announced
    sent += piece.size();
    stream_->Write(piece);
    Result<void> flushed = co_await stream_->Flush();
    if (!flushed) co_return Step::kClose;
  }
  if (sent != size) {
    Log(LogLevel::kError, "http_body_size_mismatch", "sent", sent, "size", size);
    co_return Step::kClose;
  }
  co_return keep_alive ? Step::kContinue : Step::kClose;
}

}  // namespace ringmail::http
