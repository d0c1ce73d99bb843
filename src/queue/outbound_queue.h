// The outbound queue (docs/queue.md): OutboundQueue stores what protocols hand over
// (mail/outbound.h) durably — the message bytes in the blob store, the envelope in the
// metadata store's queue tables, in one transaction — and QueueRunner delivers it through the
// smarthost, retries with backoff, and bounces (RFC 3464) what fails for good or expires.
//
// OutboundQueue::Enqueue runs on any reactor core. One QueueRunner per node runs on core 0;
// the runners of several nodes share one queue (recipients are leased to one of them).
#pragma once

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/metrics.h"
#include "directory/recipients.h"
#include "mail/mailbox_events.h"
#include "mail/outbound.h"
#include "queue/dsn.h"
#include "queue/smtp_client.h"
#include "runtime/completion.h"
#include "runtime/reactor.h"
#include "store/blob_store.h"
#include "store/metadata_store.h"

namespace ringmail {

// The queue's counters (ringmail_queue_*), from RegisterQueueMetrics.
struct QueueMetrics {
  MetricId enqueued = 0;   // messages queued on this node (bounces included)
  MetricId delivered = 0;  // recipients the smarthost accepted
  MetricId retried = 0;    // recipient attempts that failed temporarily
  MetricId failed = 0;     // recipients failed for good (5xx or expired)
  MetricId bounced = 0;    // DSNs generated (delivered locally or queued)
};
// REQUIRES: the metrics registry is not frozen yet.
QueueMetrics RegisterQueueMetrics();

struct QueueOptions {
  std::string hostname = "localhost";  // EHLO, and the DSNs' Reporting-MTA and From
  uint32_t lifetime_s = 5 * 86400;     // a recipient still pending after this fails (bounce)
  // A recipient that asked NOTIFY=DELAY and is still being retried this long after the
  // message was queued gets one delay notice; 0: none.
  uint32_t delay_notice_s = 4 * 3600;
  // Waits before the 2nd, 3rd... attempt; the last one repeats.
  std::vector<uint32_t> retry_schedule_s = {60, 300, 900, 1800, 3600, 7200, 14400};
  uint32_t concurrency = 4;       // messages in delivery at once on this node
  uint32_t lease_s = 900;         // how long a claim holds recipients (> one transaction)
  size_t claim_batch = 100;       // recipients per claim
  uint64_t idle_wake_ms = 60000;  // the longest sleep (another node may have enqueued)
  SmtpClientOptions smarthost;
  const QueueMetrics* metrics = nullptr;  // null: not counted
  // Told of each bounce placed in a local INBOX (IMAP IDLE sees it); null: nobody.
  MailboxEvents* events = nullptr;
  // Told of each attempt's outcomes once recorded (JMAP submissions); null: nobody.
  OutboundObserver* observer = nullptr;
  // Unix seconds; tests move time. Default: time(nullptr).
  std::function<int64_t()> clock;
};

// The wait before attempt `attempts + 1` (attempts made so far, >= 1).
uint32_t RetryDelayS(const std::vector<uint32_t>& schedule, uint32_t attempts);

class QueueRunner;

class OutboundQueue final : public Outbound {
 public:
  // Everything must outlive the queue.
  OutboundQueue(MetadataStore* metadata, BlobStore* blobs, const QueueOptions* options)
      : metadata_(metadata), blobs_(blobs), options_(options) {}

  // Outbound: Put the blob, then one metadata transaction (EnqueueOutbound); then wakes the
  // runner. Errors as the stores': kUnavailable, kBusy (a blob being collected for too long),
  // kInvalidArgument for an envelope the store refuses.
  Task<Result<int64_t>> Enqueue(OutboundMessage message) override;
  void Wake() override { WakeRunner(); }
  // Same, for the queue's own bounces; returns the new message's id.
  Task<Result<int64_t>> EnqueueRecord(QueuedMessageRecord message, std::string bytes,
                                      bool wake = true);

  // The runner to wake after each enqueue, on `core`'s reactor (null: none). Set before the
  // first Enqueue; the runner must outlive every Enqueue.
  // Any thread (the runner's core sets it when it starts).
  void set_runner(QueueRunner* runner, Reactor* reactor) {
    runner_reactor_.store(reactor, std::memory_order_relaxed);
    runner_.store(runner, std::memory_order_release);
  }

 private:
  void WakeRunner();

  MetadataStore* metadata_;
  BlobStore* blobs_;
  const QueueOptions* options_;
  std::atomic<QueueRunner*> runner_{nullptr};
  std::atomic<Reactor*> runner_reactor_{nullptr};
};

// The delivery loop of one node. Lives on one core (core 0 in the server): Run, Wake and Stop
// are called there.
class QueueRunner {
 public:
  // `directory` and `rules` resolve bounce recipients (a local sender gets its bounce in its
  // INBOX); `directory` may be null (every sender is remote). `holder` names this node in
  // leases (host:pid:random). Everything must outlive the runner.
  QueueRunner(MetadataStore* metadata, BlobStore* blobs, OutboundQueue* queue, Directory* directory,
              const RecipientRules* rules, const QueueOptions* options, std::string holder);

  // Passes until Stop() (which also ends the smarthost transactions in progress: their
  // recipients are retried): claims due recipients, delivers them `concurrency` messages at a
  // time, records the outcomes; sleeps until the next attempt is due, Wake(), or
  // idle_wake_ms.
  Task<void> Run();
  // One pass (claims until nothing is due); returns how many recipients it handled.
  Task<size_t> RunOnce();
  void Wake();
  void Stop();
  bool stopped() const { return stopped_; }

 private:
  Task<void> Worker(std::vector<QueuedMessageRecord>* batch, size_t* next);
  Task<void> Process(QueuedMessageRecord message);
  Task<Result<void>> Bounce(const QueuedMessageRecord& message, std::vector<FailedRecipient> failed,
                            std::string original, DsnAction action = DsnAction::kFailed);
  // The delay and relay notices of one attempt (best effort: a failure is logged).
  Task<void> SendNotices(const QueuedMessageRecord& message, std::vector<FailedRecipient> delayed,
                         std::vector<FailedRecipient> relayed, std::string original);
  // Whether this attempt is the first at least delay_notice_s after the message was queued.
  bool DelayCrossed(const QueuedMessageRecord& message, const QueueRecipientRecord& r,
                    int64_t now) const;
  Task<Result<void>> DeliverLocally(std::string sender, std::string bounce, std::string subject,
                                    bool* local);
  Task<void> SleepFor(uint64_t ms);
  int64_t Now() const;

  MetadataStore* metadata_;
  BlobStore* blobs_;
  OutboundQueue* queue_;
  Directory* directory_;
  const RecipientRules* rules_;
  const QueueOptions* options_;
  std::string holder_;
  bool stopped_ = false;
  bool woken_ = false;
  bool troubled_ = false;  // this pass met a store error (claim, bounce or record)
  // The sleep in progress: its timeout (removed by Wake/Stop).
  Completion* sleeping_ = nullptr;
  std::vector<SmtpAbort*> transactions_;  // in progress, ended by Stop()
  size_t workers_left_ = 0;
  std::coroutine_handle<> joiner_;
};

}  // namespace ringmail
