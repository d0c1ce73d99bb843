// The line-protocol server on our runtime: an Engine with one listener whose ProtocolHandler
// answers every buffered line and flushes once per batch — the shape of every ringmail
// session loop (read, answer what is complete, write, flush).
#include <cstdio>
#include <string>

#include "base/log.h"
#include "base/metrics.h"
#include "line/line_protocol.h"
#include "line/line_server.h"
#include "runtime/engine.h"
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

struct UringMetrics {
  MetricId requests;
  ListenerMetrics listener;
};

std::string StatsLine(const UringMetrics& m) {
  const MetricsRegistry& r = MetricsRegistry::Global();
  const RuntimeMetrics& rt = GetRuntimeMetrics();
  char text[256];
  std::snprintf(text, sizeof text,
                "mode=uring requests=%lld ring_enters=%lld sqes=%lld completions=%lld "
                "connections=%lld",
                static_cast<long long>(r.Total(m.requests)),
                static_cast<long long>(r.Total(rt.ring_enters)),
                static_cast<long long>(r.Total(rt.sqes_submitted)),
                static_cast<long long>(r.Total(rt.completions)),
                static_cast<long long>(r.Total(m.listener.open)));
  return text + ProcessUsageFields();
}

}  // namespace

int RunUringLineServer(const LineServerOptions& options, const sigset_t& signals) {
  SetLogLevel(LogLevel::kWarn);
  RegisterRuntimeMetrics();
  UringMetrics metrics;
  metrics.requests = MetricsRegistry::Global().Register("bench_line_requests_total",
                                                        "Lines answered.", MetricType::kCounter);
  // Registration is idempotent: Engine::Start registers the same ids for this listener.
  metrics.listener = RegisterListenerMetrics("line");

  Result<SocketAddress> address =
      SocketAddress::Parse(options.bind + ":" + std::to_string(options.port));
  if (!address) {
    std::fprintf(stderr, "bad --bind/--port: %s\n", address.error().ToString().c_str());
    return 2;
  }
  LineHandler handler(metrics.requests);
  EngineListener listener;
  listener.name = "line";
  listener.address = *address;
  listener.handler = &handler;
  listener.connections_max = 1'000'000;
  EngineOptions engine_options;
  engine_options.cpus = options.cores;

  Engine engine;
  if (Result<void> started = engine.Start(engine_options, {listener}); !started) {
    std::fprintf(stderr, "engine: %s\n", started.error().ToString().c_str());
    return 1;
  }
  PrintLine("ready port=" + std::to_string(engine.addresses()[0].port()));
  while (WaitForStatsSignal(signals)) PrintLine("stats " + StatsLine(metrics));
  engine.Stop();
  PrintLine(StatsLine(metrics));
  return 0;
}

}  // namespace ringmail::bench
