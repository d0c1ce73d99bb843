// StorageService: runs the opened stores (storage_setup.h) on the reactor cores.
//
//   1. Start: the stores' start-up check on core 0. While a store is unavailable (refused,
//      timed out, 5xx) and `[storage] unavailable-at-start = "retry"`, it logs
//      `storage_unavailable` and tries again after 0.5 s, doubling up to 10 s, until the check
//      passes or a stop signal arrives.
//   2. While serving: the blob collector (store/blob_collector.h) on core 0, a pass at once
//      and then every `collect-interval` after the previous pass ended. A failed pass is
//      logged and retried at the next interval, never fatal. Each pass runs under the
//      cluster's collector lease, as this process (host:pid:random); a pass that finds the
//      lease held elsewhere is skipped. After a pass this node ran, the orphan sweep
//      (store/orphan_sweep.h) when it is due: first after the first pass, then
//      `orphan-sweep-interval` after the previous sweep finished its listing. A sweep does a
//      bounded part of the listing per pass and continues at the next pass.
//   3. Stop: ends whichever of those runs (a collector pass in its forget delay stops
//      early; its rows are taken again by the next pass), then closes the S3 connections on
//      every core. Call it before Engine::Stop: connections belong to their core's ring.
//
// The methods run on the main thread and wait there for the tasks they hand to the cores.
// The service, the stores and the config must outlive the engine's reactors.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "runtime/engine.h"
#include "runtime/stop_signal.h"
#include "runtime/task.h"
#include "server/config.h"
#include "server/main_thread.h"
#include "server/storage_setup.h"

namespace ringmail {

class StorageService {
 public:
  // The collector's counters (ringmail_blob_collector_*). REQUIRES: before the metrics
  // registry is frozen (Engine::Start); idempotent.
  static void RegisterMetrics();

  StorageService(const Config& config, Stores* stores);
  StorageService(const StorageService&) = delete;
  StorageService& operator=(const StorageService&) = delete;

  enum class StartResult {
    kReady,    // every store answered
    kStopped,  // a stop signal arrived first
    kFailed,   // *error says why; kConfig: a configuration problem (exit 2), else exit 1
  };
  // Runs step 1 and waits for it, watching `signals`. REQUIRES: `engine` is running.
  StartResult Start(Engine& engine, SignalWaiter& signals, Error* error);

  // Starts step 2. REQUIRES: Start returned kReady.
  void StartCollector(Engine& engine);

  // Step 3; returns once every core is done. Idempotent.
  void Stop(Engine& engine);

 private:
  Task<void> CheckWithRetries(ThreadLatch* done);
  Task<void> CollectLoop(ThreadLatch* done);
  // One collector pass; true when this node ran it (it held the lease and nothing failed).
  Task<bool> CollectOnce();
  // One part of the orphan sweep from `*cursor`; advances it. True when the listing ended.
  Task<bool> SweepOnce(std::string* cursor);

  const Config& config_;
  Stores& stores_;
  std::string collector_id_;  // this process's collector lease holder id
  StopSignal stop_;           // core 0's: wakes the retry or collector loop
  std::optional<StoreProblem> start_problem_;
  std::unique_ptr<ThreadLatch> core0_done_;  // the task running on core 0, if any
  bool stopped_ = false;
};

// This process's name in the cluster's leases (the blob collector's, the outbound queue's):
// readable by an operator (host:pid), and unique across restarts (host:pid:random; a restarted
// process must not take over its predecessor's lease at once).
std::string MakeLeaseHolderId();

}  // namespace ringmail
