// bench_store_pg_pipeline --postgres URI [--ops 2000] [--write-ops 500] [--coroutines 64]
//                         [--repeats 3] [--operations get_account,has_blob,update_flags,deliver]
//                         [--settings synchronous_commit=off]
//
// PostgreSQL pipelining on batch operations: the same N operations issued by C coroutines on
// one core over ONE connection (connections_per_core = 1), with the pool pipelined (every
// operation goes out at once and the answers are read as they come) and unpipelined (one
// operation on the connection at a time: send, wait for its answer, send the next). The
// unpipelined run is the baseline; the target is pipelined ≥ 4× its operations/s.
//   get_account   GetAccount of the benchmark's account (a read)
//   has_blob      HasBlob of a stored blob (a read)
//   update_flags  UpdateFlags of one message, \Flagged added and removed in turn (a write,
//                 all on the same account's lock)
//   deliver       Deliver of a new blob, metadata only (a write)
// Reads make --ops operations, writes --write-ops. On one connection the server runs the
// transactions one after another; unpipelined, each write is its own transaction and waits
// for its own WAL flush, pipelined the writes queued on the connection share one transaction
// and one flush (group commit, store/postgres/pg_connection.h), so what bounds pipelined
// writes is the server's time per call. --settings passes server settings to the store's
// connections (synchronous_commit=off shows the writes without the flush). Every run has a fresh
// schema holding one account with one message, and makes 10 operations one at a time (connecting,
// warming the caches) before the clock starts. The modes alternate, `repeats` times each; medians
// are printed with the range seen.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "common/flags.h"
#include "store_bench.h"

namespace ringmail::bench {
namespace {

constexpr int kWarmup = 10;

struct Bench {
  Bench(int ops, int coroutines) : queue(ops, coroutines) {}

  MetadataStore* store = nullptr;
  std::string operation;
  int64_t mailbox = 0;
  uint32_t uid = 0;            // the message update_flags changes
  BlobKey blob;                // its blob (has_blob)
  std::vector<BlobKey> fresh;  // deliver: a new blob per operation, warm-up included
  WorkQueue queue;
  double seconds = 0;
  double cpu_seconds = 0;  // this process's, over the same interval
};

Task<Result<void>> OneOperation(Bench* b, int index) {
  if (b->operation == "get_account") {
    Result<AccountRecord> r = co_await b->store->GetAccount("bench");
    if (!r) co_return std::unexpected(r.error());
  } else if (b->operation == "has_blob") {
    Result<bool> r = co_await b->store->HasBlob(b->blob);
    if (!r) co_return std::unexpected(r.error());
    if (!*r) co_return MakeError(ErrorCode::kInternal, "the blob is missing");
  } else if (b->operation == "update_flags") {
    FlagUpdate update;
    update.mailbox_id = b->mailbox;
    update.uids = {b->uid};
    update.operation = index % 2 == 0 ? FlagOperation::kAdd : FlagOperation::kRemove;
    update.flags.flagged = true;
    Result<FlagUpdateResult> r = co_await b->store->UpdateFlags(std::move(update));
    if (!r) co_return std::unexpected(r.error());
  } else {
    const BlobKey key = b->fresh[static_cast<size_t>(index)];
    Result<std::vector<PlacedMessage>> r =
        co_await b->store->Deliver(MetadataOnlyDelivery(b->mailbox, key, 4096));
    if (!r) co_return std::unexpected(r.error());
  }
  co_return Result<void>{};
}

Task<void> Worker(Bench* b) {
  for (int index = b->queue.Take(); index >= 0; index = b->queue.Take()) {
    Result<void> done = co_await OneOperation(b, index);
    if (!done) {
      if (b->queue.failures++ == 0) {
        std::fprintf(stderr, "%s: %s\n", b->operation.c_str(), done.error().ToString().c_str());
      }
    }
  }
  b->queue.done.Done();
}

// Set-up, warm-up (untimed, one at a time), then the timed operations from `coroutines`.
Task<void> Drive(Bench* b, int coroutines) {
  b->mailbox = co_await CreateBenchInbox(b->store);
  b->blob = BlobKey::Of("the message whose flags change");
  Result<std::vector<PlacedMessage>> placed = MakeError(ErrorCode::kInternal, "no account");
  if (b->mailbox != 0) {
    placed = co_await b->store->Deliver(MetadataOnlyDelivery(b->mailbox, b->blob, 4096));
  }
  if (!placed) {
    std::fprintf(stderr, "set-up: %s\n", placed.error().ToString().c_str());
    ++b->queue.failures;
    co_return;
  }
  b->uid = placed->front().uid;
  for (int i = 0; i < kWarmup; ++i) {
    Result<void> done = co_await OneOperation(b, b->queue.count + i);
    if (!done) ++b->queue.failures;
  }
  const double start = NowSeconds();
  const double cpu_start = CpuSeconds();
  for (int i = 0; i < coroutines; ++i) Spawn(Worker(b));
  co_await b->queue.done.Wait();
  b->seconds = NowSeconds() - start;
  b->cpu_seconds = CpuSeconds() - cpu_start;
}

struct Settings {
  std::string postgres_uri;
  std::vector<std::string> postgres_settings;
  int read_ops = 2000;
  int write_ops = 500;
  int coroutines = 64;
};

bool IsWrite(const std::string& operation) {
  return operation == "update_flags" || operation == "deliver";
}

struct Measurement {
  double ops_per_s = 0;
  double cpu_us_per_op = 0;  // the benchmark's own CPU: libpq, the pool, the coroutines
};

// One run, or nullopt when something failed (reported on stderr).
std::optional<Measurement> RunOne(const Settings& s, const std::string& operation, bool pipelined) {
  MetadataSpec spec;
  spec.backend = "postgres";
  spec.postgres_uri = s.postgres_uri;
  spec.postgres.connections_per_core = 1;
  spec.postgres.pipelined = pipelined;
  spec.postgres_settings = s.postgres_settings;
  std::unique_ptr<BenchMetadata> metadata = BenchMetadata::Open(spec);
  if (metadata == nullptr) return std::nullopt;
  const int ops = IsWrite(operation) ? s.write_ops : s.read_ops;
  Bench b(ops, s.coroutines);
  b.store = &metadata->store();
  b.operation = operation;
  if (operation == "deliver") {
    for (int i = 0; i < ops + kWarmup; ++i) b.fresh.push_back(BlobKey::Of(std::to_string(i)));
  }
  if (!RunOnReactor(Drive(&b, s.coroutines)) || b.queue.failures > 0) return std::nullopt;
  return Measurement{ops / b.seconds, b.cpu_seconds * 1e6 / ops};
}

// Runs one operation in both modes, alternating, and prints its line. False on failure.
bool RunOperation(const Settings& s, const std::string& operation, int repeats) {
  std::vector<double> rates[2];  // [0] pipelined, [1] unpipelined
  std::vector<double> cpu[2];
  for (int r = 0; r < repeats; ++r) {
    for (int k = 0; k < 2; ++k) {
      const int mode = (r + k) % 2;  // who goes first alternates
      std::optional<Measurement> m = RunOne(s, operation, mode == 0);
      if (!m) return false;
      rates[mode].push_back(m->ops_per_s);
      cpu[mode].push_back(m->cpu_us_per_op);
    }
  }
  const auto [p_min, p_max] = std::minmax_element(rates[0].begin(), rates[0].end());
  const auto [u_min, u_max] = std::minmax_element(rates[1].begin(), rates[1].end());
  const double pipelined = Quantile(rates[0], 0.5);
  const double unpipelined = Quantile(rates[1], 0.5);
  std::printf("%-13s %5d %10.0f  %6.0f-%-6.0f %5.1f %11.0f  %6.0f-%-6.0f %5.1f %6.2fx  >= 4x\n",
              operation.c_str(), IsWrite(operation) ? s.write_ops : s.read_ops, pipelined, *p_min,
              *p_max, Quantile(cpu[0], 0.5), unpipelined, *u_min, *u_max, Quantile(cpu[1], 0.5),
              pipelined / unpipelined);
  std::fflush(stdout);
  return true;
}

}  // namespace
}  // namespace ringmail::bench

int main(int argc, char** argv) {
  using namespace ringmail;
  bench::Flags flags(argc, argv,
                     {"--postgres", "--ops", "--write-ops", "--coroutines", "--repeats",
                      "--operations", "--settings"});
  bench::InitStoreBench();
  bench::Settings s;
  s.postgres_uri = flags.String("--postgres", "");
  s.read_ops = static_cast<int>(flags.Int("--ops", 2000));
  s.write_ops = static_cast<int>(flags.Int("--write-ops", 500));
  s.coroutines = static_cast<int>(flags.Int("--coroutines", 64));
  const std::string settings = flags.String("--settings", "");
  s.postgres_settings = bench::SplitList(settings);
  const int repeats = static_cast<int>(flags.Int("--repeats", 3));
  if (s.postgres_uri.empty() || s.read_ops < 1 || s.write_ops < 1 || s.coroutines < 1 ||
      repeats < 1) {
    std::fprintf(stderr, "usage: bench_store_pg_pipeline --postgres URI [--ops N] ...\n");
    return 2;
  }
  std::printf(
      "PostgreSQL, one core, one connection, %d coroutines, server settings: %s; "
      "medians of %d runs; cpu/op: this process's microseconds per operation\n",
      s.coroutines, settings.empty() ? "as configured" : settings.c_str(), repeats);
  std::printf(
      "operation       ops  pipelined  range          cpu/op  unpipelined  range          cpu/op  "
      "ratio  target\n");
  bool ok = true;
  for (const std::string& operation : bench::SplitList(
           flags.String("--operations", "get_account,has_blob,update_flags,deliver"))) {
    if (operation != "get_account" && operation != "has_blob" && !bench::IsWrite(operation)) {
      std::fprintf(stderr, "unknown operation %s\n", operation.c_str());
      return 2;
    }
    ok &= bench::RunOperation(s, operation, repeats);
  }
  return ok ? 0 : 1;
}
