#include "server/storage_service.h"

#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <ctime>
#include <utility>

#include "base/check.h"
#include "base/encoding.h"
#include "base/log.h"
#include "base/metrics.h"
#include "runtime/reactor.h"
#include "store/blob_collector.h"
#include "store/orphan_sweep.h"

namespace ringmail {
namespace {

constexpr uint64_t kRetryFirstMs = 500;
constexpr uint64_t kRetryMaxMs = 10000;

struct CollectorMetrics {
  MetricId passes = 0;
  MetricId errors = 0;
  MetricId deleted = 0;
  MetricId delete_failures = 0;
  MetricId skipped = 0;
  MetricId orphans_adopted = 0;
};
CollectorMetrics g_metrics;

Task<void> StopOnThisCore(StopSignal* signal, ThreadLatch* done) {
  signal->Stop();
  done->CountDown();
  co_return;
}

Task<void> CloseS3Connections(S3BlobStore* s3, ThreadLatch* done) {
  co_await s3->CloseConnections();
  done->CountDown();
}

void SpawnOrDie(Engine& engine, size_t core, Task<void> task) {
  Result<void> spawned = engine.Spawn(core, std::move(task));
  CHECK(spawned.has_value(), "cannot hand a task to a reactor core");
}

// Stops `signal` on core 0 and waits until that has happened (so nothing on core 0 refers to
// the signal afterwards unless it was already running).
void StopCore0(Engine& engine, StopSignal* signal) {
  ThreadLatch stopped(1);
  SpawnOrDie(engine, 0, StopOnThisCore(signal, &stopped));
  stopped.Wait();
}

}  // namespace

std::string MakeLeaseHolderId() {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::array<uint8_t, 8> random{};
  CHECK(::getrandom(random.data(), random.size(), 0) == static_cast<ssize_t>(random.size()));
  std::string id = std::string(host.data()).substr(0, 200) + ":" + std::to_string(::getpid()) +
                   ":" + HexLower(random);
  for (char& c : id) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return id;
}

void StorageService::RegisterMetrics() {
  MetricsRegistry& r = MetricsRegistry::Global();
  const MetricType kC = MetricType::kCounter;
  g_metrics.passes = r.Register("ringmail_blob_collector_passes_total",
                                "Blob collector passes run (failed ones included).", kC);
  g_metrics.errors = r.Register("ringmail_blob_collector_errors_total",
                                "Blob collector passes that failed (retried next interval).", kC);
  g_metrics.deleted = r.Register("ringmail_blob_collector_deleted_total",
                                 "Unreferenced blobs deleted (object and row).", kC);
  g_metrics.delete_failures =
      r.Register("ringmail_blob_collector_delete_failures_total",
                 "Blob objects the collector could not delete (taken again next pass).", kC);
  g_metrics.skipped =
      r.Register("ringmail_blob_collector_skipped_total",
                 "Blob collector passes skipped: another node held the collector lease.", kC);
  g_metrics.orphans_adopted =
      r.Register("ringmail_blob_orphans_adopted_total",
                 "Blob objects without a row found by the orphan sweep and handed to the "
                 "collector.",
                 kC);
}

StorageService::StorageService(const Config& config, Stores* stores)
    : config_(config), stores_(*stores), collector_id_(MakeLeaseHolderId()) {}

StorageService::StartResult StorageService::Start(Engine& engine, SignalWaiter& signals,
                                                  Error* error) {
  core0_done_ = std::make_unique<ThreadLatch>(1);
  SpawnOrDie(engine, 0, CheckWithRetries(core0_done_.get()));
  const bool signalled = signals.WaitForStop(core0_done_.get());
  if (signalled) {
    StopCore0(engine, &stop_);
    core0_done_->Wait();
  }
  core0_done_.reset();
  if (start_problem_.has_value()) {
    *error = start_problem_->located;
    if (IsUnavailable(*error)) error->message += " (unavailable-at-start = \"exit\")";
    return StartResult::kFailed;
  }
  return signalled ? StartResult::kStopped : StartResult::kReady;
}

void StorageService::StartCollector(Engine& engine) {
  CHECK(core0_done_ == nullptr && !stopped_);
  core0_done_ = std::make_unique<ThreadLatch>(1);
  SpawnOrDie(engine, 0, CollectLoop(core0_done_.get()));
}

void StorageService::Stop(Engine& engine) {
  if (stopped_) return;
  stopped_ = true;
  if (core0_done_ != nullptr) {
    StopCore0(engine, &stop_);
    core0_done_->Wait();
    core0_done_.reset();
  }
  if (stores_.s3 == nullptr) return;
  ThreadLatch closed(static_cast<int>(engine.reactor_count()));
  for (size_t core = 0; core < engine.reactor_count(); ++core) {
    SpawnOrDie(engine, core, CloseS3Connections(stores_.s3, &closed));
  }
  closed.Wait();
}

Task<void> StorageService::CheckWithRetries(ThreadLatch* done) {
  uint64_t delay_ms = kRetryFirstMs;
  for (;;) {
    std::optional<StoreProblem> problem = co_await CheckStores(&stores_, &config_);
    if (!problem.has_value()) break;
    const bool retry = IsUnavailable(problem->error) &&
                       config_.storage.unavailable_at_start == UnavailableAtStart::kRetry;
    if (!retry) {
      start_problem_ = std::move(problem);
      break;
    }
    if (stop_.stopped()) break;  // the signal came during the check: no retry to announce
    Log(LogLevel::kWarn, "storage_unavailable", "store", problem->store, "error",
        problem->error.ToString(), "retry_in_ms", delay_ms);
    const bool slept = co_await stop_.Sleep(delay_ms);
    if (!slept) break;  // a stop signal: Start reports kStopped
    delay_ms = std::min(delay_ms * 2, kRetryMaxMs);
  }
  done->CountDown();
}

Task<void> StorageService::CollectLoop(ThreadLatch* done) {
  const uint64_t interval_ms = uint64_t{config_.storage.collect_interval_s} * 1000;
  const uint64_t sweep_interval_ms = uint64_t{config_.storage.orphan_sweep_interval_s} * 1000;
  uint64_t sweep_due_ms = 0;  // monotonic; the first sweep follows the first pass
  std::string cursor;
  for (;;) {
    const bool collected = co_await CollectOnce();
    if (collected && !stop_.stopped() && MonotonicMs() >= sweep_due_ms) {
      const bool finished = co_await SweepOnce(&cursor);
      if (finished) sweep_due_ms = MonotonicMs() + sweep_interval_ms;
    }
    const bool slept = co_await stop_.Sleep(interval_ms);
    if (!slept) break;
  }
  done->CountDown();
}

Task<bool> StorageService::CollectOnce() {
  BlobCollectorOptions options;
  options.grace_s = config_.storage.blob_grace_s;
  options.stop = &stop_;
  options.lease_holder = collector_id_;
  Result<BlobCollectorPass> pass =
      co_await CollectBlobsOnce(*stores_.blobs, *stores_.metadata, std::time(nullptr), options);
  MetricsShard& metrics = Reactor::Current()->metrics();
  metrics.Inc(g_metrics.passes);
  if (!pass) {
    metrics.Inc(g_metrics.errors);
    Log(LogLevel::kWarn, "blob_collection_failed", "error", pass.error().ToString(), "retry_in_s",
        config_.storage.collect_interval_s);
    co_return false;
  }
  if (pass->skipped) {
    metrics.Inc(g_metrics.skipped);
    co_return false;
  }
  metrics.Add(g_metrics.deleted, static_cast<int64_t>(pass->deleted));
  metrics.Add(g_metrics.delete_failures, static_cast<int64_t>(pass->failed));
  if (pass->marked == 0 && pass->failed == 0) co_return true;
  Log(LogLevel::kInfo, "blob_collection", "marked", pass->marked, "deleted", pass->deleted,
      "failed", pass->failed, "stopped", pass->stopped, "lease_lost", pass->lease_lost);
  co_return true;
}

Task<bool> StorageService::SweepOnce(std::string* cursor) {
  OrphanSweepOptions options;
  options.grace_s = config_.storage.blob_grace_s;
  options.stop = &stop_;
  Result<OrphanSweepPass> pass = co_await SweepOrphanBlobs(*stores_.blobs, *stores_.metadata,
                                                           std::time(nullptr), *cursor, options);
  if (!pass) {
    Log(LogLevel::kWarn, "orphan_sweep_failed", "error", pass.error().ToString(), "retry_in_s",
        config_.storage.collect_interval_s);
    co_return false;  // from the same cursor, after the next pass
  }
  Reactor::Current()->metrics().Add(g_metrics.orphans_adopted, static_cast<int64_t>(pass->adopted));
  *cursor = std::move(pass->cursor);
  if (pass->adopted > 0 || pass->temporaries_removed > 0) {
    Log(LogLevel::kInfo, "orphan_sweep", "listed", pass->listed, "adopted", pass->adopted,
        "temporaries_removed", pass->temporaries_removed, "finished", cursor->empty());
  }
  co_return cursor->empty();
}

}  // namespace ringmail
