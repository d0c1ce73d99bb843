// QueueRunner (outbound_queue.h): claim, deliver, record, bounce; docs/queue.md.
#include <liburing.h>

#include <algorithm>
#include <ctime>

#include "base/check.h"
#include "base/log.h"
#include "queue/outbound_queue.h"
#include "runtime/awaitables.h"
#include "store/delivery.h"
#include "store/metadata_rules.h"

namespace ringmail {
namespace {

// A timeout that Wake/Stop can remove (as StopSignal's sleep).
class WakeableSleep {
 public:
  WakeableSleep(Completion** slot, uint64_t ms) : slot_(slot), ms_(ms) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    ts_.tv_sec = static_cast<int64_t>(ms_ / 1000);
    ts_.tv_nsec = static_cast<long long>(ms_ % 1000) * 1000000;
    op_.waiter = h;
    io_uring_prep_timeout(Reactor::Current()->Prepare(&op_), &ts_, 0, 0);
    *slot_ = &op_;
  }
  void await_resume() noexcept {
    if (*slot_ == &op_) *slot_ = nullptr;
  }

 private:
  Completion** slot_;
  uint64_t ms_;
  __kernel_timespec ts_{};
  ResumeCompletion op_;
};

// The reply a recipient that never got one is bounced with.
std::string LastReply(const QueueRecipientRecord& r) {
  return r.last_reply.empty() ? "no delivery attempt succeeded" : r.last_reply;
}

}  // namespace

QueueRunner::QueueRunner(MetadataStore* metadata, BlobStore* blobs, OutboundQueue* queue,
                         Directory* directory, const RecipientRules* rules,
                         const QueueOptions* options, std::string holder)
    : metadata_(metadata),
      blobs_(blobs),
      queue_(queue),
      directory_(directory),
      rules_(rules),
      options_(options),
      holder_(std::move(holder)) {}

int64_t QueueRunner::Now() const {
  return options_->clock ? options_->clock() : static_cast<int64_t>(std::time(nullptr));
}

void QueueRunner::Wake() {
  woken_ = true;
  if (sleeping_ == nullptr) return;
  io_uring_prep_timeout_remove(Reactor::Current()->Prepare(nullptr),
                               reinterpret_cast<uint64_t>(sleeping_), 0);
}

void QueueRunner::Stop() {
  stopped_ = true;
  for (SmtpAbort* t : transactions_) t->Abort();
  Wake();
}

Task<void> QueueRunner::SleepFor(uint64_t ms) {
  if (woken_ || stopped_) co_return;
  co_await WakeableSleep(&sleeping_, ms);
}

Task<void> QueueRunner::Run() {
  while (!stopped_) {
    woken_ = false;
    const size_t handled = co_await RunOnce();
    if (stopped_) break;
    // The next due time is not known here (another node may enqueue too): sleep at most
    // idle_wake_ms, less while there was work (a retry of this pass may be due soon).
    uint64_t sleep_ms = options_->idle_wake_ms;
    if (handled > 0 && !troubled_) sleep_ms = std::min<uint64_t>(sleep_ms, 1000);
    co_await SleepFor(sleep_ms);
  }
}

Task<size_t> QueueRunner::RunOnce() {
  size_t handled = 0;
  troubled_ = false;
  // A batch that met a store problem ends the pass: what it left due is taken again after
  // the next sleep, not in a tight loop.
  while (!stopped_ && !troubled_) {
    Result<std::vector<QueuedMessageRecord>> batch = co_await metadata_->ClaimQueueWork(
        holder_, Now(), options_->lease_s, options_->claim_batch);
    if (!batch) {
      Log(LogLevel::kWarn, "queue_claim_failed", "error", batch.error().ToString());
      troubled_ = true;
      break;
    }
    if (batch->empty()) break;
    for (const QueuedMessageRecord& m : *batch) handled += m.recipients.size();
    size_t next = 0;
    const size_t workers =
        std::min<size_t>(std::max<uint32_t>(options_->concurrency, 1), batch->size());
    workers_left_ = workers;
    for (size_t i = 0; i < workers; ++i) Spawn(Worker(&*batch, &next));
    if (workers_left_ > 0) co_await WaitUntil{&joiner_};
  }
  co_return handled;
}

Task<void> QueueRunner::Worker(std::vector<QueuedMessageRecord>* batch, size_t* next) {
  while (*next < batch->size()) {
    QueuedMessageRecord m = std::move((*batch)[(*next)++]);
    co_await Process(std::move(m));
  }
  if (--workers_left_ == 0 && joiner_) std::exchange(joiner_, nullptr).resume();
}

Task<void> QueueRunner::Process(QueuedMessageRecord m) {
  const int64_t now = Now();
  const bool expired = m.expires_at <= now;
  std::vector<QueueOutcome> outcomes(m.recipients.size());
  std::vector<std::string> tls(m.recipients.size());  // each attempt's hop, for the log
  std::vector<bool> hop_dsn(m.recipients.size(), false);
  for (size_t i = 0; i < outcomes.size(); ++i) outcomes[i].address = m.recipients[i].address;
  Result<std::string> original = co_await blobs_->Get(m.blob);
  if (expired) {
    for (size_t i = 0; i < outcomes.size(); ++i) {
      outcomes[i].kind = QueueOutcomeKind::kFailed;
      outcomes[i].reply = LastReply(m.recipients[i]);
    }
  } else if (!original) {
    for (QueueOutcome& o : outcomes) o.reply = "blob store: " + original.error().ToString();
  } else {
    SmtpEnvelope env{m.sender, m.recipients, m.envid, m.return_full, m.smtputf8, m.requiretls};
    SmtpAbort abort;
    abort.aborted = stopped_;
    transactions_.push_back(&abort);
    std::vector<SmtpRecipientResult> results =
        co_await SendViaSmarthost(&options_->smarthost, std::move(env), *original, &abort);
    std::erase(transactions_, &abort);
    for (size_t i = 0; i < outcomes.size(); ++i) {
      outcomes[i].kind = results[i].kind;
      outcomes[i].reply = QueueReply(results[i].reply);  // no control characters in a DSN
      tls[i] = std::move(results[i].tls);
      hop_dsn[i] = results[i].hop_dsn;
    }
  }
  std::vector<FailedRecipient> failed, delayed, relayed;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    QueueOutcome& o = outcomes[i];
    const QueueRecipientRecord& r = m.recipients[i];
    if (o.kind == QueueOutcomeKind::kRetry) {
      o.next_attempt_at = now + RetryDelayS(options_->retry_schedule_s, r.attempts + 1);
    }
    if (o.kind == QueueOutcomeKind::kFailed && WantsFailureReport(m.sender, r.notify)) {
      failed.push_back({r.address, r.orcpt, o.reply, expired});
    }
    if (o.kind == QueueOutcomeKind::kRetry &&
        WantsNotice(m.sender, r.notify, DsnAction::kDelayed) && DelayCrossed(m, r, now)) {
      delayed.push_back({r.address, r.orcpt, o.reply, false});
    }
    if (o.kind == QueueOutcomeKind::kDelivered && !hop_dsn[i] &&
        WantsNotice(m.sender, r.notify, DsnAction::kRelayed)) {
      relayed.push_back({r.address, r.orcpt, o.reply, false});
    }
    if (options_->metrics != nullptr) {
      const QueueMetrics& q = *options_->metrics;
      Reactor::Current()->metrics().Inc(o.kind == QueueOutcomeKind::kDelivered ? q.delivered
                                        : o.kind == QueueOutcomeKind::kFailed  ? q.failed
                                                                               : q.retried);
    }
    Log(LogLevel::kInfo, "queue_attempt", "id", m.id, "recipient", r.address, "outcome",
        o.kind == QueueOutcomeKind::kDelivered ? "delivered"
        : o.kind == QueueOutcomeKind::kFailed  ? "failed"
                                               : "retry",
        "reply", o.reply, "tls", tls[i].empty() ? "none" : tls[i]);
  }
  if ((!delayed.empty() || !relayed.empty()) && original) {
    co_await SendNotices(m, std::move(delayed), std::move(relayed), *original);
  }
  if (!failed.empty()) {
    Result<void> bounced = Result<void>{};
    if (!original && original.error().code != ErrorCode::kNotFound) {
      bounced = std::unexpected(original.error());
    } else {
      // A message whose blob is gone is still reported, without its content.
      std::string content = original ? std::move(*original) : std::string();
      bounced = co_await Bounce(m, std::move(failed), std::move(content));
    }
    if (!bounced) {
      troubled_ = true;
      // Keep the failures pending rather than lose their report: retried (and bounced) later.
      Log(LogLevel::kWarn, "queue_bounce_failed", "id", m.id, "error", bounced.error().ToString());
      for (QueueOutcome& o : outcomes) {
        if (o.kind != QueueOutcomeKind::kFailed) continue;
        o.kind = QueueOutcomeKind::kRetry;
        o.next_attempt_at = now + RetryDelayS(options_->retry_schedule_s, 1);
      }
    }
  }
  // The observer first: once the message has left the queue, what it says is all there is.
  if (options_->observer != nullptr) co_await options_->observer->Attempted(m.id, outcomes);
  Result<bool> recorded =
      co_await metadata_->RecordQueueAttempt(holder_, m.id, std::move(outcomes));
  if (!recorded) {
    troubled_ = true;
    Log(LogLevel::kWarn, "queue_record_failed", "id", m.id, "error", recorded.error().ToString());
  } else if (*recorded) {
    Log(LogLevel::kInfo, "queue_done", "id", m.id);
  }
}

bool QueueRunner::DelayCrossed(const QueuedMessageRecord& m, const QueueRecipientRecord& r,
                               int64_t now) const {
  if (options_->delay_notice_s == 0) return false;
  const int64_t due = m.created_at + options_->delay_notice_s;
  // The previous attempt's time, from the schedule that made this one due (an estimate when
  // `queue retry` moved it: a notice may then repeat).
  const int64_t previous =
      r.attempts == 0 ? m.created_at
                      : r.next_attempt_at - RetryDelayS(options_->retry_schedule_s, r.attempts);
  return now >= due && previous < due;
}

Task<void> QueueRunner::SendNotices(const QueuedMessageRecord& m,
                                    std::vector<FailedRecipient> delayed,
                                    std::vector<FailedRecipient> relayed, std::string original) {
  static constexpr DsnAction kKinds[] = {DsnAction::kDelayed, DsnAction::kRelayed};
  for (DsnAction action : kKinds) {
    std::vector<FailedRecipient>& list = action == DsnAction::kDelayed ? delayed : relayed;
    if (list.empty()) continue;
    Result<void> sent = co_await Bounce(m, std::move(list), original, action);
    Log(sent ? LogLevel::kInfo : LogLevel::kWarn, "queue_notice", "id", m.id, "action",
        action == DsnAction::kDelayed ? "delayed" : "relayed", "error",
        sent ? std::string("none") : sent.error().ToString());
  }
}

Task<Result<void>> QueueRunner::Bounce(const QueuedMessageRecord& message,
                                       std::vector<FailedRecipient> failed, std::string original,
                                       DsnAction action) {
  std::string bounce = BuildBounce(message, failed, original, options_->hostname, Now(), action);
  if (options_->metrics != nullptr) Reactor::Current()->metrics().Inc(options_->metrics->bounced);
  bool local = false;
  Result<void> delivered =
      co_await DeliverLocally(message.sender, bounce, std::string(DsnSubject(action)), &local);
  if (!delivered) co_return delivered;
  if (local) co_return Result<void>{};
  QueuedMessageRecord dsn;  // to a remote sender, from the null sender: never bounced itself
  QueueRecipientRecord to;
  to.address = message.sender;
  to.notify = kNotifyNever;
  dsn.recipients.push_back(std::move(to));
  Result<int64_t> queued = co_await queue_->EnqueueRecord(std::move(dsn), std::move(bounce));
  if (!queued) co_return std::unexpected(queued.error());
  co_return Result<void>{};
}

// Delivers `bounce` to the INBOX of every principal `sender` resolves to; `*local` false (and
// nothing done) when the sender is not local.
Task<Result<void>> QueueRunner::DeliverLocally(std::string sender, std::string bounce,
                                               std::string subject, bool* local) {
  *local = false;
  if (directory_ == nullptr) co_return Result<void>{};
  Result<ResolvedRecipient> resolved = co_await ResolveRecipient(directory_, sender, rules_);
  if (!resolved) {
    // A malformed sender cannot be bounced anywhere: drop the report, not the queue.
    if (resolved.error().code == ErrorCode::kInvalidArgument) {
      *local = true;
      co_return Result<void>{};
    }
    co_return std::unexpected(resolved.error());
  }
  if (resolved->status == RecipientStatus::kNotLocal) co_return Result<void>{};
  *local = true;  // unknown or disabled local senders get nothing
  DeliveryRequest request;
  request.received_at = Now();
  request.summary.subject = std::move(subject);
  for (const Principal& p : resolved->principals) {
    Result<AccountRecord> account = co_await metadata_->GetAccount(p.name);
    if (!account) co_return std::unexpected(account.error());
    Result<std::vector<MailboxRecord>> boxes = co_await metadata_->ListMailboxes(account->id);
    if (!boxes) co_return std::unexpected(boxes.error());
    for (const MailboxRecord& b : *boxes) {
      if (b.name == "INBOX") request.targets.push_back({b.id, {}});
    }
  }
  if (request.targets.empty()) co_return Result<void>{};
  request.enforce_quota = false;  // a bounce is small and must not be lost to a full mailbox
  Result<std::vector<PlacedMessage>> placed =
      co_await DeliverMessage(*blobs_, *metadata_, std::move(bounce), std::move(request));
  if (!placed) co_return std::unexpected(placed.error());
  if (options_->events != nullptr) {
    for (const PlacedMessage& p : *placed) {
      options_->events->Changed(p.account_id, p.mailbox_id, p.modseq);
    }
  }
  co_return Result<void>{};
}

}  // namespace ringmail
