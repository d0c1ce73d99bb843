// Google Benchmark micro-benchmarks of the runtime's hot paths: what every request touches
// (input/output buffers, the connection deadline on the timer wheel, metrics, coroutine
// frames, the HTTP head parser) and the raw cost of an io_uring round trip through Reactor.
//
//   bench_runtime_micro [--benchmark_filter=Timer] [--benchmark_repetitions=3]
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/byte_buffer.h"
#include "base/log.h"
#include "base/metrics.h"
#include "http/parser.h"
#include "line/line_protocol.h"
#include "runtime/awaitables.h"
#include "runtime/reactor.h"
#include "runtime/runtime_metrics.h"
#include "runtime/task.h"
#include "runtime/timer_wheel.h"

namespace ringmail {
namespace {

// ---- ByteBuffer ----

// A session's common case: a request arrives whole and is consumed whole (the buffer drains
// and keeps its small capacity).
void BM_ByteBufferAppendConsume(benchmark::State& state) {
  ByteBuffer b;
  std::string chunk(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    b.Append(chunk);
    benchmark::DoNotOptimize(b.readable().data());
    b.Consume(chunk.size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ByteBufferAppendConsume)->Arg(16)->Arg(512)->Arg(8192);

// Pipelined input that never drains (a partial line always remains): exercises compaction.
void BM_ByteBufferStreaming(benchmark::State& state) {
  ByteBuffer b;
  b.Append("partial line without its end");
  std::string chunk(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    b.Append(chunk);
    benchmark::DoNotOptimize(b.readable().data());
    b.Consume(chunk.size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ByteBufferStreaming)->Arg(64)->Arg(1500);

// ---- TimerWheel ----

struct BenchTimer : TimerEntry {
  TimerWheel* wheel = nullptr;
  uint64_t period_ms = 0;
};

void Reschedule(TimerEntry* e) {
  auto* t = static_cast<BenchTimer*>(e);
  t->wheel->Schedule(t, t->deadline_ms + t->period_ms);
}

// Fills `wheel` with `count` entries due uniformly over (now, now + horizon_ms], each
// rescheduling itself one horizon later when it fires (connections renewing deadlines).
std::vector<BenchTimer> FillWheel(TimerWheel* wheel, size_t count, uint64_t now_ms,
                                  uint64_t horizon_ms) {
  std::vector<BenchTimer> timers(count);
  for (size_t i = 0; i < count; ++i) {
    timers[i].on_expire = &Reschedule;
    timers[i].wheel = wheel;
    timers[i].period_ms = horizon_ms;
    wheel->Schedule(&timers[i], now_ms + 1 + (i * horizon_ms) / count);
  }
  return timers;
}

// What every Read and Flush does: arm the connection's deadline, then cancel it.
void BM_TimerWheelScheduleCancel(benchmark::State& state) {
  const uint64_t now_ms = 1'000'000;
  TimerWheel wheel(now_ms);
  std::vector<BenchTimer> others = FillWheel(&wheel, 10'000, now_ms, 60'000);
  BenchTimer t;
  t.on_expire = &Reschedule;
  for (auto _ : state) {
    wheel.Schedule(&t, now_ms + 30 * 60 * 1000);
    wheel.Cancel(&t);
  }
  benchmark::DoNotOptimize(wheel.size());
}
BENCHMARK(BM_TimerWheelScheduleCancel);

// One reactor tick with 10k deadlines: range(0) is their horizon in ms. 10 s: ~50 fire per
// tick; 30 min (idle timeouts): nothing fires, the tick only walks its slot.
void BM_TimerWheelAdvance(benchmark::State& state) {
  uint64_t now_ms = 1'000'000;
  TimerWheel wheel(now_ms);
  std::vector<BenchTimer> timers =
      FillWheel(&wheel, 10'000, now_ms, static_cast<uint64_t>(state.range(0)));
  for (auto _ : state) {
    now_ms += TimerWheel::kTickMs;
    wheel.Advance(now_ms);
  }
  benchmark::DoNotOptimize(wheel.size());
}
BENCHMARK(BM_TimerWheelAdvance)->Arg(10'000)->Arg(30 * 60 * 1000);

// ---- Metrics ----

void BM_MetricsShardAdd(benchmark::State& state) {
  MetricsShard shard(64);
  for (auto _ : state) {
    shard.Add(7, 42);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(shard.Get(7));
}
BENCHMARK(BM_MetricsShardAdd);

// ---- Task<T> ----

Task<int> Leaf(int v) { co_return v + 1; }

Task<int> Chain(int depth, int v) {
  if (depth == 0) co_return co_await Leaf(v);
  co_return co_await Chain(depth - 1, v) + 1;
}

Task<void> Root(int depth, int* out) { *out = co_await Chain(depth, 0); }

// Creating and awaiting a chain of depth+2 coroutines (root, chain links, leaf) that never
// suspend: the frame allocation and symmetric transfer each nested call costs.
void BM_TaskChain(benchmark::State& state) {
  const int depth = static_cast<int>(state.range(0));
  int out = 0;
  for (auto _ : state) {
    Spawn(Root(depth, &out));
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * (depth + 2));
}
BENCHMARK(BM_TaskChain)->Arg(0)->Arg(8);

// ---- Parsers ----

constexpr std::string_view kTypicalGet =
    "GET /metrics HTTP/1.1\r\n"
    "Host: mail.example.org:9100\r\n"
    "User-Agent: Prometheus/2.45.0\r\n"
    "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5\r\n"
    "Accept-Encoding: gzip\r\n"
    "X-Prometheus-Scrape-Timeout-Seconds: 10\r\n"
    "\r\n";

void BM_HttpParseRequestHead(benchmark::State& state) {
  const http::Limits limits;
  http::RequestHead head;  // reused: its header vector keeps its capacity
  for (auto _ : state) {
    http::ParseResult r = http::ParseRequestHead(kTypicalGet, limits, &head);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kTypicalGet.size()));
}
BENCHMARK(BM_HttpParseRequestHead);

// The line benchmark's per-request protocol work (bench/line), for scale.
void BM_LineAnswer(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    bench::AnswerResult r = bench::AnswerLines("PING 1234567\n", &out);
    benchmark::DoNotOptimize(r);
    out.clear();
  }
}
BENCHMARK(BM_LineAnswer);

// ---- Reactor ----

// Counts completions down and resumes one coroutine at zero.
struct CountDown : Completion {
  int remaining = 0;
  std::coroutine_handle<> waiter;
  CountDown() { callback = &OnComplete; }
  static void OnComplete(Completion* c, int32_t, uint32_t) {
    auto* self = static_cast<CountDown*>(c);
    if (--self->remaining == 0) std::exchange(self->waiter, nullptr).resume();
  }
};

Task<void> NopLoop(Reactor* reactor, benchmark::State* state, int batch) {
  CountDown done;
  for (auto _ : *state) {
    done.remaining = batch;
    for (int i = 0; i < batch; ++i) io_uring_prep_nop(reactor->Prepare(&done));
    co_await WaitUntil{&done.waiter};
  }
  reactor->RequestStop();
}

// `batch` NOPs submitted together and awaited through the reactor loop: one io_uring_enter
// per batch, then one callback per completion.
void BM_ReactorNop(benchmark::State& state) {
  ReactorOptions options;
  options.ring_entries = 256;
  options.recv_buffer_count = 16;
  options.recv_buffer_size = 4096;
  options.direct_files_max = 16;
  Result<std::unique_ptr<Reactor>> reactor = Reactor::Create(options);
  if (!reactor) {
    state.SkipWithError(reactor.error().ToString().c_str());
    return;
  }
  const int batch = static_cast<int>(state.range(0));
  Spawn(NopLoop(reactor->get(), &state, batch));
  (*reactor)->Run();
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * batch);
}
BENCHMARK(BM_ReactorNop)->Arg(1)->Arg(32);

}  // namespace
}  // namespace ringmail

int main(int argc, char** argv) {
  ringmail::SetLogLevel(ringmail::LogLevel::kWarn);
  ringmail::RegisterRuntimeMetrics();
  ringmail::MetricsRegistry::Global().Freeze(1);  // the reactor benchmark's core 0
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
