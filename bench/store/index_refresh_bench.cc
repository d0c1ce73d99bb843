// bench_store_index_refresh [--backends sqlite,postgres] [--postgres URI] [--dir /var/tmp]
//                           [--messages 10000] [--refreshes 200]
//
// What the IMAP sessions' shared index (mail/mailbox_index_cache.h) costs to bring up to date
// after another session changed one message's flags, in a mailbox of N messages: "full",
// reading the whole index again (LoadMailboxIndex, what every refresh did before), against
// "changes", the cache's refresh (LoadMailboxIndexChanges since the snapshot's modseq, applied
// to a copy of it). Each round toggles \Flagged on one message (untimed), then times one
// refresh of each kind, alternating which goes first. The mailbox is filled with N
// metadata-only deliveries (flags as bench_store_load_mailbox's).
//
// Prints per backend and kind the median, p90, min milliseconds and this process's CPU
// milliseconds per refresh (SQLite runs inside it), and the ratio of the medians.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "common/flags.h"
#include "mail/mailbox_index_cache.h"
#include "store_bench.h"

namespace ringmail::bench {
namespace {

struct Series {
  std::vector<double> ms;
  double cpu_seconds = 0;
};

struct RefreshBench {
  RefreshBench(int messages, int refreshes_in) : queue(messages, 64), refreshes(refreshes_in) {}
  MetadataStore* store = nullptr;
  int64_t mailbox = 0;
  WorkQueue queue;
  int refreshes;
  Series full, changes;
};

Task<void> Filler(RefreshBench* b) {
  for (int index = b->queue.Take(); index >= 0; index = b->queue.Take()) {
    const BlobKey key = BlobKey::Of("message " + std::to_string(index));
    DeliveryRequest request = MetadataOnlyDelivery(b->mailbox, key, 4096 + index % 50000);
    request.targets[0].flags.seen = index % 3 != 0;
    if (index % 10 == 0) request.targets[0].flags.keywords = {"$Junk"};
    Result<std::vector<PlacedMessage>> placed = co_await b->store->Deliver(std::move(request));
    if (!placed && b->queue.failures++ == 0) {
      std::fprintf(stderr, "fill: %s\n", placed.error().ToString().c_str());
    }
  }
  b->queue.done.Done();
}

// One refresh of one kind, timed; false (reported) when it fails or misses a message. After a
// full one the cache catches up untimed, so that each timed refresh follows one change.
Task<bool> Timed(RefreshBench* b, MailboxIndexCache* cache, bool incremental) {
  const double cpu = CpuSeconds(), start = NowSeconds();
  size_t count = 0;
  if (incremental) {
    Result<MailboxIndexCache::Snapshot> got = co_await cache->Get(b->mailbox);
    if (got) count = (*got)->messages.size();
  } else {
    Result<MailboxIndex> got = co_await b->store->LoadMailboxIndex(b->mailbox);
    if (got) count = std::make_shared<const MailboxIndex>(std::move(*got))->messages.size();
  }
  Series& s = incremental ? b->changes : b->full;
  s.ms.push_back((NowSeconds() - start) * 1000);
  s.cpu_seconds += CpuSeconds() - cpu;
  if (!incremental) {
    Result<MailboxIndexCache::Snapshot> caught_up = co_await cache->Get(b->mailbox);
    if (!caught_up) count = 0;
  }
  if (count == static_cast<size_t>(b->queue.count)) co_return true;
  std::fprintf(stderr, "refresh returned %zu messages, not %d\n", count, b->queue.count);
  co_return false;
}

// Toggles \Flagged on a message (what another session's STORE does) and tells the cache.
Task<bool> Change(RefreshBench* b, MailboxIndexCache* cache, int round) {
  FlagUpdate u;
  u.mailbox_id = b->mailbox;
  u.uids = {static_cast<uint32_t>(1 + (round * 7919) % b->queue.count)};
  u.operation = round % 2 == 0 ? FlagOperation::kAdd : FlagOperation::kRemove;
  u.flags.flagged = true;
  Result<FlagUpdateResult> r = co_await b->store->UpdateFlags(std::move(u));
  cache->Invalidate(b->mailbox);
  if (r) co_return true;
  std::fprintf(stderr, "UpdateFlags: %s\n", r.error().ToString().c_str());
  co_return false;
}

Task<void> Drive(RefreshBench* b) {
  b->mailbox = co_await CreateBenchInbox(b->store);
  if (b->mailbox == 0) {
    ++b->queue.failures;
    co_return;
  }
  for (int i = 0; i < 64; ++i) Spawn(Filler(b));
  co_await b->queue.done.Wait();
  if (b->queue.failures > 0) co_return;
  MailboxIndexCache cache(b->store, 1);
  cache.Acquire(b->mailbox);
  bool ok = co_await Timed(b, &cache, true);  // the first load (whole), untimed below
  b->changes = {};
  for (int i = 0; ok && i < b->refreshes; ++i) {
    const bool changes_first = i % 2 == 0;
    ok = co_await Change(b, &cache, 2 * i) && co_await Timed(b, &cache, changes_first) &&
         co_await Change(b, &cache, 2 * i + 1) && co_await Timed(b, &cache, !changes_first);
  }
  if (cache.incremental_loads() < static_cast<uint64_t>(b->refreshes)) {
    std::fprintf(stderr, "only %llu of the refreshes read the changes alone\n",
                 static_cast<unsigned long long>(cache.incremental_loads()));
    ok = false;
  }
  cache.Release(b->mailbox);
  if (!ok) ++b->queue.failures;
}

void Print(const std::string& backend, const char* kind, const Series& s, double base) {
  const double median = Quantile(s.ms, 0.5);
  std::printf("%-9s %-8s %9.3f %7.3f %7.3f %7.3f", backend.c_str(), kind, median,
              Quantile(s.ms, 0.9), *std::min_element(s.ms.begin(), s.ms.end()),
              s.cpu_seconds * 1000 / static_cast<double>(s.ms.size()));
  if (base > 0) std::printf("  %6.3f", median / base);
  std::printf("\n");
}

bool RunBackend(const MetadataSpec& spec, int messages, int refreshes) {
  std::unique_ptr<BenchMetadata> metadata = BenchMetadata::Open(spec);
  if (metadata == nullptr) return false;
  RefreshBench b(messages, refreshes);
  b.store = &metadata->store();
  if (!RunOnReactor(Drive(&b)) || b.queue.failures > 0) return false;
  Print(spec.backend, "full", b.full, 0);
  Print(spec.backend, "changes", b.changes, Quantile(b.full.ms, 0.5));
  std::fflush(stdout);
  return true;
}

}  // namespace
}  // namespace ringmail::bench

int main(int argc, char** argv) {
  using namespace ringmail;
  bench::Flags flags(argc, argv,
                     {"--backends", "--postgres", "--dir", "--messages", "--refreshes"});
  bench::InitStoreBench();
  const std::string postgres = flags.String("--postgres", "");
  const int messages = static_cast<int>(flags.Int("--messages", 10000));
  const int refreshes = static_cast<int>(flags.Int("--refreshes", 200));
  if (messages < 1 || refreshes < 1) {
    std::fprintf(stderr, "--messages and --refreshes must be positive\n");
    return 2;
  }
  std::printf(
      "One mailbox of %d messages; after each one-flag change, a refresh of its index: "
      "full (LoadMailboxIndex) vs changes (the cache's refresh), %d of each\n",
      messages, refreshes);
  std::printf("backend   refresh  median ms  p90 ms  min ms  cpu ms  x full\n");
  for (const std::string& backend : bench::SplitList(
           flags.String("--backends", postgres.empty() ? "sqlite" : "sqlite,postgres"))) {
    bench::MetadataSpec spec;
    spec.backend = backend;
    spec.dir = flags.String("--dir", "/var/tmp");
    spec.postgres_uri = postgres;
    spec.postgres_settings = {"synchronous_commit=off"};
    if (!bench::RunBackend(spec, messages, refreshes)) return 1;
  }
  return 0;
}
