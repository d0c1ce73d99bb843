// The outbound queue in the daemon (docs/queue.md): builds it from [queue] (docs/config.md),
// runs its QueueRunner on core 0 while serving, and stops it at shutdown.
//
// Lifecycle (server.cc): Create before the protocol handlers (they get outbound()), Start
// once the stores are ready, Stop before Engine::Stop. Create, Start and Stop run on the
// controlling thread.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "jmap/submission_tracker.h"
#include "queue/outbound_queue.h"
#include "runtime/engine.h"
#include "server/config.h"
#include "server/directory_setup.h"
#include "server/main_thread.h"
#include "server/storage_setup.h"

namespace ringmail {

class QueueService {
 public:
  // kConfig for an unreadable smarthost-password-file. Registers the queue's metrics
  // (REQUIRES: the registry is not frozen yet). Without a smarthost the service has no
  // queue: outbound() is null (mail for remote recipients is refused) and Start does nothing.
  // `events` (may be null) is told of bounces delivered to local senders.
  static Result<std::unique_ptr<QueueService>> Create(const Config& config, Stores* stores,
                                                      DirectoryServices* directory,
                                                      WorkerPool* workers, MailboxEvents* events);
  Outbound* outbound() { return queue_.get(); }
  // Starts the runner on core 0.
  void Start(Engine& engine);
  // Stops the runner (after the message it is delivering, if any) and waits for it.
  void Stop(Engine& engine);

 private:
  QueueService() = default;
  Task<void> RunOnCore0();
  Task<void> StopOnCore0(ThreadLatch* done);

  QueueMetrics metrics_;
  QueueOptions options_;
  std::unique_ptr<jmap::SubmissionTracker> tracker_;
  std::unique_ptr<OutboundQueue> queue_;
  std::unique_ptr<QueueRunner> runner_;
  std::unique_ptr<ThreadLatch> runner_done_;
};

}  // namespace ringmail
