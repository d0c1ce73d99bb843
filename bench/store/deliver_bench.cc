// bench_store_deliver [--dir /var/tmp] [--messages 1000] [--sizes 4096,102400]
//                     [--writers 1,32] [--repeats 3] [--metadata-only]
//
// Deliver-and-commit throughput of the embedded stores: DeliverMessage (store/delivery.h)
// into a directory blob store and SQLite (WAL, synchronous=FULL: every acknowledged message
// is fsynced), from W concurrent writer coroutines on one reactor. Each configuration runs
// twice, with group commit (the store thread commits everything queued in one transaction)
// and with one commit per message (batch_max = 1), on a fresh directory each time, `repeats`
// times. Prints the median messages/s with the range seen, and the median run's transactions
// and operations per transaction.
//
// --metadata-only skips the blob store (MetadataStore::Deliver alone), which isolates the
// metadata commit path. The directory must be on the disk being measured (not tmpfs).
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/metrics.h"
#include "common/flags.h"
#include "runtime/reactor.h"
#include "runtime/runtime_metrics.h"
#include "store/delivery.h"
#include "store/fs_blob_store.h"
#include "store/sqlite/sqlite_store.h"

namespace ringmail::bench {
namespace {

struct Config {
  size_t size = 4096;
  int writers = 1;
  bool group_commit = true;
  bool metadata_only = false;
  int messages = 1000;
};

struct Run {
  FsBlobStore* blobs = nullptr;
  SqliteMetadataStore* metadata = nullptr;
  const Config* config = nullptr;
  const std::vector<std::string>* messages = nullptr;
  std::vector<BlobKey> keys;  // --metadata-only: hashed before the clock starts
  int64_t mailbox = 0;
  int next = 0;  // the next message to deliver (one reactor: no atomics needed)
  int running = 0;
  int failures = 0;
  std::chrono::steady_clock::time_point start;
  std::chrono::steady_clock::time_point end;
};

Task<void> Writer(Run* run) {
  while (run->next < static_cast<int>(run->messages->size())) {
    const size_t index = static_cast<size_t>(run->next++);
    const std::string& message = (*run->messages)[index];
    DeliveryRequest request;
    request.received_at = 1700000000;
    request.targets.push_back({run->mailbox, {}});
    Result<std::vector<PlacedMessage>> placed;
    if (run->config->metadata_only) {
      request.blob = run->keys[index];
      request.size = message.size();
      request.stored_size = message.size();
      request.blob_stored_at_ms = MonotonicMs();
      placed = co_await run->metadata->Deliver(std::move(request));
    } else {
      placed = co_await DeliverMessage(*run->blobs, *run->metadata, message, std::move(request));
    }
    if (!placed) {
      ++run->failures;
      std::fprintf(stderr, "delivery failed: %s\n", placed.error().ToString().c_str());
    }
  }
  if (--run->running == 0) {
    run->end = std::chrono::steady_clock::now();
    Reactor::Current()->RequestStop();
  }
}

Task<void> Start(Run* run) {
  AccountRecord account;
  account.name = "bench";
  Result<AccountRecord> created = co_await run->metadata->CreateAccount(account);
  if (!created) {
    std::fprintf(stderr, "create account: %s\n", created.error().ToString().c_str());
    Reactor::Current()->RequestStop();
    co_return;
  }
  Result<std::vector<MailboxRecord>> mailboxes = co_await run->metadata->ListMailboxes(created->id);
  run->mailbox = mailboxes && !mailboxes->empty() ? mailboxes->front().id : 0;
  for (const MailboxRecord& m : mailboxes.value_or(std::vector<MailboxRecord>{})) {
    if (m.name == "INBOX") run->mailbox = m.id;
  }
  run->running = run->config->writers;
  run->start = std::chrono::steady_clock::now();
  for (int i = 0; i < run->config->writers; ++i) Spawn(Writer(run));
}

std::vector<std::string> MakeMessages(int count, size_t size) {
  std::vector<std::string> out;
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (int i = 0; i < count; ++i) {
    std::string m = "Subject: bench " + std::to_string(i) + "\r\n\r\n";
    while (m.size() < size) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      m.push_back(static_cast<char>('a' + x % 26));
      if (m.size() % 78 == 0) m += "\r\n";
    }
    m.resize(size);
    out.push_back(std::move(m));
  }
  return out;
}

struct Measurement {
  double seconds = 0;
  uint64_t transactions = 0;  // of the deliveries (set-up excluded)
  double ops_per_transaction = 0;
};

// One run on a fresh directory; nullopt when something failed (reported on stderr).
std::optional<Measurement> RunOne(const std::string& base, const Config& config) {
  const std::string dir = base + "/ringmail-deliver-bench";
  std::filesystem::remove_all(dir);
  auto blobs = FsBlobStore::Open({dir + "/blobs", blob_format::Compression::kNone});
  SqliteStoreOptions options;
  options.path = dir + "/meta.db";
  options.executor.batch_max = config.group_commit ? 256 : 1;
  auto metadata = SqliteMetadataStore::Open(options);
  if (!blobs || !metadata) {
    std::fprintf(stderr, "cannot open the stores in %s\n", dir.c_str());
    return std::nullopt;
  }
  const std::vector<std::string> messages = MakeMessages(config.messages, config.size);
  Run run;
  run.blobs = blobs->get();
  run.metadata = metadata->get();
  run.config = &config;
  run.messages = &messages;
  if (config.metadata_only) {
    for (const std::string& m : messages) run.keys.push_back(BlobKey::Of(m));
  }
  ReactorOptions reactor_options;
  reactor_options.direct_files_max = 256;  // no sockets here
  auto reactor = Reactor::Create(reactor_options);
  if (!reactor) {
    std::fprintf(stderr, "reactor: %s\n", reactor.error().ToString().c_str());
    return std::nullopt;
  }
  Spawn(Start(&run));
  (*reactor)->Run();
  Measurement m;
  m.seconds = std::chrono::duration<double>(run.end - run.start).count();
  const auto stats = (*metadata)->stats();
  const uint64_t setup = 2;  // CreateAccount, ListMailboxes: one transaction each
  m.transactions = stats.transactions - setup;
  m.ops_per_transaction = static_cast<double>(stats.operations - setup) /
                          static_cast<double>(std::max<uint64_t>(m.transactions, 1));
  metadata->reset();
  blobs->reset();
  std::filesystem::remove_all(dir);
  if (run.failures > 0) return std::nullopt;
  return m;
}

// Runs a configuration `repeats` times and prints the median run (by throughput) with the
// range of throughputs seen.
bool RunConfig(const std::string& base, const Config& config, int repeats) {
  std::vector<Measurement> runs;
  for (int i = 0; i < repeats; ++i) {
    std::optional<Measurement> m = RunOne(base, config);
    if (!m) return false;
    runs.push_back(*m);
  }
  std::sort(runs.begin(), runs.end(), [](auto& a, auto& b) { return a.seconds > b.seconds; });
  const Measurement& median = runs[runs.size() / 2];
  const double n = config.messages;
  std::printf("%7zu KiB %8d  %-6s %9d %10.0f  %6.0f-%-6.0f %13llu %8.1f\n", config.size / 1024,
              config.writers, config.group_commit ? "group" : "single", config.messages,
              n / median.seconds, n / runs.front().seconds, n / runs.back().seconds,
              static_cast<unsigned long long>(median.transactions), median.ops_per_transaction);
  std::fflush(stdout);
  return true;
}

}  // namespace
}  // namespace ringmail::bench

int main(int argc, char** argv) {
  using namespace ringmail;
  bench::Flags flags(argc, argv, {"--dir", "--messages", "--sizes", "--writers", "--repeats"},
                     {"--metadata-only"});
  MetricsRegistry::Global().ResetForTesting();
  RegisterRuntimeMetrics();
  MetricsRegistry::Global().Freeze(1);
  const std::string dir = flags.String("--dir", "/var/tmp");
  std::printf("store: %s, SQLite WAL synchronous=FULL, directory blobs fsynced; dir %s\n",
              flags.Has("--metadata-only") ? "metadata only" : "blob + metadata", dir.c_str());
  std::printf(
      "   size      writers  commit  messages  msg/s(med)  range          transactions  "
      "ops/txn\n");
  const int repeats = static_cast<int>(flags.Int("--repeats", 3));
  bool ok = true;
  for (int size : flags.IntList("--sizes", "4096,102400")) {
    for (int writers : flags.IntList("--writers", "1,32")) {
      for (bool group : {true, false}) {
        bench::Config c;
        c.size = static_cast<size_t>(size);
        c.writers = writers;
        c.group_commit = group;
        c.metadata_only = flags.Has("--metadata-only");
        c.messages = static_cast<int>(flags.Int("--messages", 1000));
        ok &= bench::RunConfig(dir, c, repeats);
      }
    }
  }
  return ok ? 0 : 1;
}
