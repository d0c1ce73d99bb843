// bench_store_deliver [--stores dir+sqlite[,s3+postgres]] [--dir /var/tmp] [--postgres URI]
//                     [--s3 s3://BUCKET?endpoint=…] [--messages 1000] [--sizes 4096,102400]
//                     [--writers 1,32] [--repeats 3] [--metadata-only] [--batching-only]
//
// Deliver-and-commit throughput: DeliverMessage (store/delivery.h) into a blob store and a
// metadata store, from W concurrent writer coroutines on one reactor. `--stores` lists the
// pairs to measure, BLOBS+METADATA:
//   dir+sqlite   a directory (fsynced) and SQLite (WAL, synchronous=FULL), in --dir
//   s3+postgres  the bucket of --s3 (credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)
//                and PostgreSQL at --postgres (a fresh schema per run)
// Each pair runs in two modes: SQLite with group commit (the store thread commits everything
// queued in one transaction) and with one commit per message (batch_max = 1); PostgreSQL
// pipelined (concurrent deliveries share a connection's pipeline) and unpipelined (one
// delivery per connection at a time; two connections); --batching-only runs the first mode
// of each (group commit, pipelined) and nothing else. Every run starts from fresh stores,
// `repeats` times; it prints the median messages/s with the range seen, the ratio to the
// first pair's first mode at the same size and writers (the baseline of the same run), and
// for SQLite the median run's transactions and operations per transaction.
//
// --metadata-only skips the blob store (MetadataStore::Deliver alone), which isolates the
// metadata commit path. The directory must be on the disk being measured (not tmpfs).
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/flags.h"
#include "store/delivery.h"
#include "store/fs_blob_store.h"
#include "store/s3/s3_blob_store.h"
#include "store_bench.h"

namespace ringmail::bench {
namespace {

struct Options {
  std::string dir;
  std::string postgres_uri;
  std::string s3_url;
  int messages = 1000;
  bool metadata_only = false;
};

struct Config {
  std::string blobs = "dir";        // dir | s3
  std::string metadata = "sqlite";  // sqlite | postgres
  bool batching = true;             // SQLite: group commit; PostgreSQL: pipelining
  size_t size = 4096;
  int writers = 1;

  const char* mode() const {
    if (metadata == "sqlite") return batching ? "group" : "single";
    return batching ? "pipe" : "nopipe";
  }
};

struct Run {
  Run(int messages, int writers) : queue(messages, writers) {}

  BlobStore* blobs = nullptr;
  S3BlobStore* s3 = nullptr;  // `blobs` when it is S3: its connections close before the end
  MetadataStore* metadata = nullptr;
  bool metadata_only = false;
  const std::vector<std::string>* messages = nullptr;
  std::vector<BlobKey> keys;  // --metadata-only: hashed before the clock starts
  int64_t mailbox = 0;
  WorkQueue queue;
  double seconds = 0;
};

Task<void> Writer(Run* run) {
  for (int index = run->queue.Take(); index >= 0; index = run->queue.Take()) {
    const std::string& message = (*run->messages)[static_cast<size_t>(index)];
    Result<std::vector<PlacedMessage>> placed;
    if (run->metadata_only) {
      placed = co_await run->metadata->Deliver(MetadataOnlyDelivery(
          run->mailbox, run->keys[static_cast<size_t>(index)], message.size()));
    } else {
      DeliveryRequest request;
      request.received_at = 1700000000;
      request.targets.push_back({run->mailbox, {}});
      placed = co_await DeliverMessage(*run->blobs, *run->metadata, message, std::move(request));
    }
    if (!placed) {
      ++run->queue.failures;
      std::fprintf(stderr, "delivery failed: %s\n", placed.error().ToString().c_str());
    }
  }
  run->queue.done.Done();
}

Task<void> Deliveries(Run* run, int writers) {
  run->mailbox = co_await CreateBenchInbox(run->metadata);
  if (run->mailbox == 0) {
    ++run->queue.failures;
    co_return;
  }
  const double start = NowSeconds();
  for (int i = 0; i < writers; ++i) Spawn(Writer(run));
  co_await run->queue.done.Wait();
  run->seconds = NowSeconds() - start;
  if (run->s3 != nullptr) co_await run->s3->CloseConnections();
}

// A blob store of the kind `config.blobs` names, on fresh state.
std::unique_ptr<BlobStore> OpenBlobs(const Options& options, const Config& config,
                                     const std::string& dir) {
  if (config.blobs == "dir") {
    std::filesystem::remove_all(dir);
    auto blobs = FsBlobStore::Open({dir, blob_format::Compression::kNone});
    if (blobs) return std::move(*blobs);
    std::fprintf(stderr, "blobs in %s: %s\n", dir.c_str(), blobs.error().ToString().c_str());
    return nullptr;
  }
  Result<S3BlobStoreOptions> s3 = S3BlobStore::OptionsFromConfig(options.s3_url, "", "", nullptr);
  if (s3) {
    auto blobs = S3BlobStore::Open(std::move(*s3));
    if (blobs) return std::move(*blobs);
    s3 = std::unexpected(blobs.error());
  }
  std::fprintf(stderr, "S3 at --s3 '%s': %s\n", options.s3_url.c_str(),
               s3.error().ToString().c_str());
  return nullptr;
}

struct Measurement {
  double seconds = 0;
  int64_t transactions = -1;  // of the deliveries (set-up excluded); -1: not known
  double ops_per_transaction = 0;
};

// One run on fresh stores; nullopt when something failed (reported on stderr).
std::optional<Measurement> RunOne(const Options& options, const Config& config,
                                  const std::vector<std::string>& messages) {
  MetadataSpec spec;
  spec.backend = config.metadata;
  spec.dir = options.dir;
  spec.sqlite_batch_max = config.batching ? 256 : 1;
  spec.postgres_uri = options.postgres_uri;
  spec.postgres.pipelined = config.batching;
  std::unique_ptr<BenchMetadata> metadata = BenchMetadata::Open(spec);
  const std::string blob_dir = options.dir + "/ringmail-deliver-blobs";
  std::unique_ptr<BlobStore> blobs =
      options.metadata_only ? nullptr : OpenBlobs(options, config, blob_dir);
  if (metadata == nullptr || (!options.metadata_only && blobs == nullptr)) return std::nullopt;
  Run run(static_cast<int>(messages.size()), config.writers);
  run.blobs = blobs.get();
  run.s3 = config.blobs == "s3" ? static_cast<S3BlobStore*>(blobs.get()) : nullptr;
  run.metadata = &metadata->store();
  run.metadata_only = options.metadata_only;
  run.messages = &messages;
  if (options.metadata_only) {
    for (const std::string& m : messages) run.keys.push_back(BlobKey::Of(m));
  }
  if (!RunOnReactor(Deliveries(&run, config.writers))) return std::nullopt;
  Measurement m;
  m.seconds = run.seconds;
  if (SqliteMetadataStore* sqlite = metadata->sqlite()) {
    const auto stats = sqlite->stats();
    const uint64_t setup = 2;  // CreateAccount, ListMailboxes: one transaction each
    m.transactions = static_cast<int64_t>(stats.transactions - setup);
    m.ops_per_transaction = static_cast<double>(stats.operations - setup) /
                            static_cast<double>(std::max<int64_t>(m.transactions, 1));
  }
  metadata.reset();
  blobs.reset();
  if (config.blobs == "dir") std::filesystem::remove_all(blob_dir);
  if (run.queue.failures > 0) return std::nullopt;
  return m;
}

// Runs a configuration `repeats` times and prints the median run (by throughput) with the
// range of throughputs seen and the ratio to `base` (messages/s; 0: this is the base).
// Returns the median messages/s, or 0 when a run failed.
double RunConfig(const Options& options, const Config& config, int repeats, double base) {
  const std::vector<std::string> messages = MakeMessages(options.messages, config.size);
  std::vector<Measurement> runs;
  for (int i = 0; i < repeats; ++i) {
    std::optional<Measurement> m = RunOne(options, config, messages);
    if (!m) return 0;
    runs.push_back(*m);
  }
  std::sort(runs.begin(), runs.end(), [](auto& a, auto& b) { return a.seconds > b.seconds; });
  const Measurement& median = runs[runs.size() / 2];
  const double n = options.messages;
  const double rate = n / median.seconds;
  const std::string stores =
      options.metadata_only ? config.metadata : config.blobs + "+" + config.metadata;
  std::printf("%-12s %4zu KiB %7d  %-6s %8d %11.0f  %6.0f-%-6.0f %7.2f", stores.c_str(),
              config.size / 1024, config.writers, config.mode(), options.messages, rate,
              n / runs.front().seconds, n / runs.back().seconds, base > 0 ? rate / base : 1.0);
  if (median.transactions >= 0) {
    std::printf(" %13lld %8.1f\n", static_cast<long long>(median.transactions),
                median.ops_per_transaction);
  } else {
    std::printf(" %13s %8s\n", "-", "-");
  }
  std::fflush(stdout);
  return rate;
}

// "dir+sqlite,s3+postgres" as configurations (size and writers left to fill in).
std::vector<Config> ParseStores(const std::string& list, bool batching_only) {
  std::vector<Config> out;
  for (const std::string& item : SplitList(list)) {
    if (item != "dir+sqlite" && item != "s3+postgres" && item != "dir+postgres" &&
        item != "s3+sqlite") {
      std::fprintf(stderr,
                   "--stores: unknown pair '%s' (BLOBS+METADATA: dir|s3, sqlite|postgres)\n",
                   item.c_str());
      std::exit(2);
    }
    for (const bool batching : {true, false}) {
      if (batching_only && !batching) continue;
      Config c;
      c.blobs = item.substr(0, item.find('+'));
      c.metadata = item.substr(item.find('+') + 1);
      c.batching = batching;
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace
}  // namespace ringmail::bench

int main(int argc, char** argv) {
  using namespace ringmail;
  bench::Flags flags(argc, argv,
                     {"--stores", "--dir", "--postgres", "--s3", "--messages", "--sizes",
                      "--writers", "--repeats"},
                     {"--metadata-only", "--batching-only"});
  bench::InitStoreBench();
  bench::Options options;
  options.dir = flags.String("--dir", "/var/tmp");
  options.postgres_uri = flags.String("--postgres", "");
  options.s3_url = flags.String("--s3", "");
  options.messages = static_cast<int>(flags.Int("--messages", 1000));
  options.metadata_only = flags.Has("--metadata-only");
  const std::vector<bench::Config> pairs =
      bench::ParseStores(flags.String("--stores", "dir+sqlite"), flags.Has("--batching-only"));
  std::printf(
      "%s; dir+sqlite: SQLite WAL synchronous=FULL, directory blobs fsynced, in %s; "
      "s3+postgres: PostgreSQL (fsync, synchronous_commit on), S3 PUT per blob\n",
      options.metadata_only ? "metadata only" : "blob + metadata", options.dir.c_str());
  std::printf("target: none set; x base = msg/s over the first row of the same size and writers\n");
  std::printf(
      "stores         size    writers  mode   messages  msg/s(med)  range          x base"
      "  transactions  ops/txn\n");
  const int repeats = static_cast<int>(flags.Int("--repeats", 3));
  bool ok = true;
  for (int size : flags.IntList("--sizes", "4096,102400")) {
    for (int writers : flags.IntList("--writers", "1,32")) {
      double base = 0;
      for (bench::Config c : pairs) {
        c.size = static_cast<size_t>(size);
        c.writers = writers;
        const double rate = bench::RunConfig(options, c, repeats, base);
        ok &= rate > 0;
        if (base == 0) base = rate;
      }
    }
  }
  return ok ? 0 : 1;
}
