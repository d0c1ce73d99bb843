// bench_store_load_mailbox [--backends sqlite,postgres] [--postgres URI] [--dir /var/tmp]
//                          [--messages 10000] [--loads 50]
//
// "Load mailbox state" — what an IMAP SELECT reads: LoadMailbox of one mailbox holding N
// messages, timed one call at a time. Each backend gets a fresh store and a mailbox filled
// by N metadata-only deliveries from 64 coroutines (not timed: SQLite with group commit,
// PostgreSQL pipelined with synchronous_commit off on the filling connections), then 3
// untimed loads and `loads` timed ones. Prints the median, p90, min and max milliseconds;
// this process's CPU milliseconds per load (SQLite runs inside it, PostgreSQL does not: there
// it is the client's share); loads/s over the timed loads' wall time; and the median against
// the first backend's (SQLite by default: the baseline of the same run). Target: PostgreSQL
// under 5 ms for 10,000 messages.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "common/flags.h"
#include "store_bench.h"

namespace ringmail::bench {
namespace {

constexpr int kFillers = 64;
constexpr int kWarmup = 3;

struct LoadBench {
  LoadBench(int messages, int loads_in) : queue(messages, kFillers), loads(loads_in) {}

  MetadataStore* store = nullptr;
  int64_t mailbox = 0;
  WorkQueue queue;  // the fill
  int loads;
  double fill_seconds = 0;
  double loads_seconds = 0;
  double loads_cpu_seconds = 0;  // this process's, over the timed loads
  std::vector<double> load_ms;
};

Task<void> Filler(LoadBench* b) {
  for (int index = b->queue.Take(); index >= 0; index = b->queue.Take()) {
    const BlobKey key = BlobKey::Of("message " + std::to_string(index));
    Result<std::vector<PlacedMessage>> placed =
        co_await b->store->Deliver(MetadataOnlyDelivery(b->mailbox, key, 4096 + index % 50000));
    if (!placed && b->queue.failures++ == 0) {
      std::fprintf(stderr, "fill: %s\n", placed.error().ToString().c_str());
    }
  }
  b->queue.done.Done();
}

// One LoadMailbox; false (reported) unless it returns every message.
Task<bool> LoadOnce(LoadBench* b) {
  Result<MailboxSnapshot> snapshot = co_await b->store->LoadMailbox(b->mailbox);
  if (!snapshot) {
    std::fprintf(stderr, "LoadMailbox: %s\n", snapshot.error().ToString().c_str());
    co_return false;
  }
  if (snapshot->messages.size() != static_cast<size_t>(b->queue.count)) {
    std::fprintf(stderr, "LoadMailbox returned %zu messages, not %d\n", snapshot->messages.size(),
                 b->queue.count);
    co_return false;
  }
  co_return true;
}

Task<void> Drive(LoadBench* b) {
  b->mailbox = co_await CreateBenchInbox(b->store);
  if (b->mailbox == 0) {
    ++b->queue.failures;
    co_return;
  }
  double start = NowSeconds();
  for (int i = 0; i < kFillers; ++i) Spawn(Filler(b));
  co_await b->queue.done.Wait();
  b->fill_seconds = NowSeconds() - start;
  for (int i = 0; i < kWarmup && b->queue.failures == 0; ++i) {
    const bool loaded = co_await LoadOnce(b);
    if (!loaded) ++b->queue.failures;
  }
  start = NowSeconds();
  const double cpu_start = CpuSeconds();
  for (int i = 0; i < b->loads && b->queue.failures == 0; ++i) {
    const double before = NowSeconds();
    const bool loaded = co_await LoadOnce(b);
    if (!loaded) ++b->queue.failures;
    b->load_ms.push_back((NowSeconds() - before) * 1000);
  }
  b->loads_seconds = NowSeconds() - start;
  b->loads_cpu_seconds = CpuSeconds() - cpu_start;
}

// Fills and loads on `backend`; prints its line and returns its median ms (nullopt: failed).
std::optional<double> RunBackend(const MetadataSpec& spec, int messages, int loads,
                                 double base_ms) {
  std::unique_ptr<BenchMetadata> metadata = BenchMetadata::Open(spec);
  if (metadata == nullptr) return std::nullopt;
  LoadBench b(messages, loads);
  b.store = &metadata->store();
  if (!RunOnReactor(Drive(&b)) || b.queue.failures > 0) return std::nullopt;
  const double median = Quantile(b.load_ms, 0.5);
  const auto [min, max] = std::minmax_element(b.load_ms.begin(), b.load_ms.end());
  std::printf("%-9s %7.1f %10.2f %7.2f %7.2f %7.2f %7.2f %8.1f %7.2f  < 5 ms\n",
              spec.backend.c_str(), b.fill_seconds, median, Quantile(b.load_ms, 0.9), *min, *max,
              b.loads_cpu_seconds * 1000 / loads, loads / b.loads_seconds,
              base_ms > 0 ? median / base_ms : 1.0);
  std::fflush(stdout);
  return median;
}

}  // namespace
}  // namespace ringmail::bench

int main(int argc, char** argv) {
  using namespace ringmail;
  bench::Flags flags(argc, argv, {"--backends", "--postgres", "--dir", "--messages", "--loads"});
  bench::InitStoreBench();
  const std::string postgres = flags.String("--postgres", "");
  const int messages = static_cast<int>(flags.Int("--messages", 10000));
  const int loads = static_cast<int>(flags.Int("--loads", 50));
  if (messages < 1 || loads < 1) {
    std::fprintf(stderr, "--messages and --loads must be positive\n");
    return 2;
  }
  std::printf("LoadMailbox of one mailbox holding %d messages: %d timed loads, one at a time\n",
              messages, loads);
  std::printf(
      "backend    fill s  median ms  p90 ms  min ms  max ms  cpu ms  loads/s  x base  target\n");
  double base_ms = 0;
  for (const std::string& backend : bench::SplitList(
           flags.String("--backends", postgres.empty() ? "sqlite" : "sqlite,postgres"))) {
    bench::MetadataSpec spec;
    spec.backend = backend;
    spec.dir = flags.String("--dir", "/var/tmp");
    spec.postgres_uri = postgres;
    spec.postgres_settings = {"synchronous_commit=off"};  // the fill only; loads only read
    std::optional<double> median = bench::RunBackend(spec, messages, loads, base_ms);
    if (!median) return 1;
    if (base_ms == 0) base_ms = *median;
  }
  return 0;
}
