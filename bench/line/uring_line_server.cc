// The line-protocol server on our runtime: an Engine with one listener whose ProtocolHandler
// answers every buffered line and flushes once per batch — the shape of every ringmail
// session loop (read, answer what is complete, write, flush).
#include <string>

#include "base/log.h"
#include "base/metrics.h"
#include "line/line_protocol.h"
#include "line/line_server.h"
#include "runtime/reactor.h"
#include "runtime/runtime_metrics.h"

namespace ringmail::bench {
namespace {

class LineHandler : public ProtocolHandler {
 public:
  explicit LineHandler(MetricId requests) : requests_(requests) {}

  Task<void> Serve(Connection& conn) override {
    // Answers are built in a per-core scratch string and copied into the connection's output
    // buffer before the flush suspends, so an idle connection holds no answer buffer.
    thread_local std::string out;
    for (;;) {
      Result<std::string_view> input = co_await conn.Read();
      if (!input) co_return;
      AnswerResult r = AnswerLines(*input, &out);
      conn.Consume(r.consumed);
      if (r.answered > 0) conn.reactor().metrics().Add(requests_, static_cast<int64_t>(r.answered));
      if (r.overlong) out.append(kLineTooLong);
      if (!out.empty()) {
        conn.Write(out);
        out.clear();
        if (!(co_await conn.Flush())) co_return;
      }
      if (r.overlong) co_return;
    }
  }

 private:
  MetricId requests_;
};

}  // namespace

int RunUringLineServer(const LineServerOptions& options, const sigset_t& signals) {
  SetLogLevel(LogLevel::kWarn);
  RegisterRuntimeMetrics();
  const MetricId requests = MetricsRegistry::Global().Register(
      "bench_line_requests_total", "Lines answered.", MetricType::kCounter);
  // Registration is idempotent: Engine::Start registers the same ids for this listener.
  const ListenerMetrics listener = RegisterListenerMetrics("line");
  LineHandler handler(requests);
  auto stats = [&] {
    return "mode=uring requests=" + std::to_string(MetricsRegistry::Global().Total(requests)) +
           RuntimeStatsFields(listener);
  };
  EngineServerOptions engine{
      .name = "line", .bind = options.bind, .port = options.port, .cores = options.cores};
  return ServeUntilStopped(engine, &handler, signals, stats);
}

}  // namespace ringmail::bench
