#include "queue/outbound_queue.h"

#include <algorithm>
#include <ctime>

#include "base/log.h"
#include "runtime/awaitables.h"
#include "runtime/message.h"

namespace ringmail {
namespace {

constexpr int kBlobWaitsMax = 12;  // as DeliveryRetry's: about 2.6 s of waiting in all
constexpr uint64_t kBlobWaitFirstMs = 5;
constexpr uint64_t kBlobWaitMaxMs = 500;

// Wakes a runner from another core: posted there, runs there, deletes itself.
struct WakeMessage : Completion {
  QueueRunner* runner;
  explicit WakeMessage(QueueRunner* r) : runner(r) { callback = &OnMessage; }
  static void OnMessage(Completion* c, int32_t /*res*/, uint32_t /*flags*/) {
    auto* self = static_cast<WakeMessage*>(c);
    self->runner->Wake();
    delete self;
  }
};

}  // namespace

QueueMetrics RegisterQueueMetrics() {
  MetricsRegistry& r = MetricsRegistry::Global();
  const MetricType kC = MetricType::kCounter;
  QueueMetrics m;
  m.enqueued = r.Register("ringmail_queue_enqueued_total",
                          "Messages queued for remote recipients (bounces included).", kC);
  m.delivered =
      r.Register("ringmail_queue_delivered_total", "Queued recipients the smarthost accepted.", kC);
  m.retried = r.Register("ringmail_queue_retried_total",
                         "Delivery attempts of a recipient that failed temporarily.", kC);
  m.failed = r.Register("ringmail_queue_failed_total",
                        "Queued recipients that failed for good (5xx or expired).", kC);
  m.bounced = r.Register("ringmail_queue_bounces_total", "Delivery status notifications made.", kC);
  return m;
}

uint32_t RetryDelayS(const std::vector<uint32_t>& schedule, uint32_t attempts) {
  if (schedule.empty()) return 300;
  const size_t i = std::min<size_t>(attempts == 0 ? 0 : attempts - 1, schedule.size() - 1);
  return schedule[i];
}

Task<Result<int64_t>> OutboundQueue::Enqueue(OutboundMessage message) {
  QueuedMessageRecord record;
  record.sender = std::move(message.sender);
  record.envid = std::move(message.envid);
  record.return_full = message.return_full;
  record.smtputf8 = message.smtputf8;
  record.requiretls = message.requiretls;
  record.authenticated_as = std::move(message.authenticated_as);
  for (OutboundRecipient& r : message.recipients) {
    QueueRecipientRecord rec;
    rec.address = std::move(r.address);
    rec.notify = r.notify;
    rec.orcpt = std::move(r.orcpt);
    record.recipients.push_back(std::move(rec));
  }
  Result<int64_t> id =
      co_await EnqueueRecord(std::move(record), std::move(message.message), message.wake);
  co_return id;
}

// As DeliverMessage (store/delivery.h): a blob being collected is stored again only after its
// row is gone, and a write older than its validity is stored again.
Task<Result<int64_t>> OutboundQueue::EnqueueRecord(QueuedMessageRecord message, std::string bytes,
                                                   bool wake) {
  QueueEnqueueRequest request;
  request.message = std::move(message);
  request.message.blob = BlobKey::Of(bytes);
  request.message.size = bytes.size();
  const int64_t now = options_->clock ? options_->clock() : std::time(nullptr);
  request.now = now;
  request.message.expires_at = now + options_->lifetime_s;
  uint64_t backoff_ms = kBlobWaitFirstMs;
  int waits = 0;
  for (;;) {
    Result<StoredBlob> stored = co_await blobs_->Put(request.message.blob, bytes);
    if (!stored) co_return std::unexpected(stored.error());
    request.stored_size = stored->stored_size;
    request.compression = stored->compression;
    request.blob_stored_at_ms = MonotonicMs();
    Result<int64_t> id = co_await metadata_->EnqueueOutbound(request);
    if (id) {
      Log(LogLevel::kInfo, "queue_enqueued", "id", *id, "sender", request.message.sender,
          "recipients", request.message.recipients.size(), "size", bytes.size());
      if (options_->metrics != nullptr)
        Reactor::Current()->metrics().Inc(options_->metrics->enqueued);
      if (wake) WakeRunner();
      co_return id;
    }
    if (id.error().code == ErrorCode::kTimeout && waits++ < kBlobWaitsMax) continue;
    if (id.error().code != ErrorCode::kBusy) co_return id;
    for (;;) {  // the blob is being collected: wait until its row is gone
      if (waits++ >= kBlobWaitsMax) co_return id;
      co_await Sleep(backoff_ms);
      backoff_ms = std::min(backoff_ms * 2, kBlobWaitMaxMs);
      Result<bool> has = co_await metadata_->HasBlob(request.message.blob);
      if (!has && has.error().code != ErrorCode::kBusy) co_return std::unexpected(has.error());
      if (has && !*has) break;
    }
  }
}

void OutboundQueue::WakeRunner() {
  QueueRunner* runner = runner_.load(std::memory_order_acquire);
  if (runner == nullptr) return;
  Reactor* target = runner_reactor_.load(std::memory_order_relaxed);
  Reactor* here = Reactor::Current();
  if (here == target) {
    runner->Wake();
    return;
  }
  PostMessage(*here, target->ring_fd(), new WakeMessage(runner));
}

}  // namespace ringmail
