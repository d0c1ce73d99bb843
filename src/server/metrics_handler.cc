#include "server/metrics_handler.h"

#include <string>

#include "base/log.h"
#include "base/metrics.h"
#include "http/parser.h"
#include "http/response_writer.h"

namespace ringmail {
namespace {

enum class Outcome { kKeepAlive, kClose };

// Answers one parsed request into `out`.
Outcome Answer(const http::RequestHead& head, std::string* out) {
  const bool has_body = head.chunked || head.content_length.value_or(0) > 0;
  if (head.method != "GET" && head.method != "HEAD") {
    http::WriteResponse(out, 405, "text/plain", "only GET is served here\n", false);
    return Outcome::kClose;
  }
  if (has_body) {
    http::WriteResponse(out, 400, "text/plain", "a GET has no body\n", false);
    return Outcome::kClose;
  }
  if (head.path != "/metrics") {
    http::WriteResponse(out, 404, "text/plain", "not found; try /metrics\n", head.keep_alive);
    return head.keep_alive ? Outcome::kKeepAlive : Outcome::kClose;
  }
  std::string body;
  body.reserve(4096);
  MetricsRegistry::Global().RenderPrometheus(&body);
  http::WriteResponse(out, 200, "text/plain; version=0.0.4; charset=utf-8", body, head.keep_alive);
  if (head.method == "HEAD") out->resize(out->size() - body.size());  // the body ends it
  return head.keep_alive ? Outcome::kKeepAlive : Outcome::kClose;
}

}  // namespace

Task<void> MetricsHandler::Serve(Stream& conn, StreamUpgrader* /*starttls*/) {
  const http::Limits limits;
  std::string out;
  for (;;) {
    Result<std::string_view> input = co_await conn.Read();
    if (!input) co_return;
    std::string_view data = *input;
    Outcome outcome = Outcome::kKeepAlive;
    // Answer every complete request that is buffered, then flush once.
    while (outcome == Outcome::kKeepAlive && !data.empty()) {
      http::RequestHead head;
      http::ParseResult r = http::ParseRequestHead(data, limits, &head);
      if (r.state == http::ParseState::kNeedMore) break;
      if (r.state == http::ParseState::kError) {
        http::WriteResponse(&out, r.status, "text/plain", std::string(r.reason) + "\n", false);
        outcome = Outcome::kClose;
        break;
      }
      outcome = Answer(head, &out);
      conn.Consume(r.consumed);
      data = conn.buffered();
    }
    if (!out.empty()) {
      conn.Write(out);
      out.clear();
      Result<void> flushed = co_await conn.Flush();  // not inside the `if`: see task.h
      if (!flushed) co_return;
    }
    if (outcome == Outcome::kClose) co_return;
  }
}

}  // namespace ringmail
