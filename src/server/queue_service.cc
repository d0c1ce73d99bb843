#include "server/queue_service.h"

#include <fstream>
#include <sstream>

#include "base/check.h"
#include "server/storage_service.h"

namespace ringmail {
namespace {

// The password file's first line (a trailing newline is not part of the password).
Result<std::string> ReadPasswordFile(const std::string& path) {
  std::ifstream f(path);
  if (!f) return MakeError(ErrorCode::kConfig, path + ": cannot read smarthost-password-file");
  std::string line;
  std::getline(f, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

Result<std::unique_ptr<QueueService>> QueueService::Create(const Config& config, Stores* stores,
                                                           DirectoryServices* directory,
                                                           WorkerPool* workers,
                                                           MailboxEvents* events) {
  std::unique_ptr<QueueService> service(new QueueService());
  const QueueConfig& q = config.queue;
  if (q.smarthost_host.empty()) return service;
  QueueOptions& o = service->options_;
  service->metrics_ = RegisterQueueMetrics();
  o.metrics = &service->metrics_;
  o.events = events;
  service->tracker_ = std::make_unique<jmap::SubmissionTracker>(stores->metadata.get());
  o.observer = service->tracker_.get();  // EmailSubmission deliveryStatus
  o.hostname = config.hostname;
  o.lifetime_s = q.lifetime_s;
  o.delay_notice_s = q.delay_notice_s;
  o.retry_schedule_s = q.retry_schedule_s;
  o.concurrency = q.concurrency;
  o.idle_wake_ms = uint64_t{q.poll_interval_s} * 1000;
  o.smarthost.host = q.smarthost_host;
  o.smarthost.port = q.smarthost_port;
  o.smarthost.user = q.smarthost_user;
  o.smarthost.password = q.smarthost_password;
  if (!q.smarthost_password_file.empty()) {
    o.smarthost.password = TRY(ReadPasswordFile(q.smarthost_password_file));
  }
  o.smarthost.helo_name = config.hostname;
  o.smarthost.auth_without_tls = q.smarthost_auth_without_tls;
  if (q.smarthost_tls != "none") {
    o.smarthost.tls =
        q.smarthost_tls == "implicit" ? SmarthostTls::kImplicit : SmarthostTls::kStartTls;
    TlsClientSpec spec;
    spec.where = config.path + ": [queue] smarthost-ca-file";
    if (!q.smarthost_ca_file.empty()) spec.ca_file = q.smarthost_ca_file;
    spec.verify = q.smarthost_tls_verify;
    o.smarthost.tls_context = TRY(TlsClientContext::Create(std::move(spec)));
  }
  o.smarthost.workers = workers;
  service->queue_ = std::make_unique<OutboundQueue>(stores->metadata.get(), stores->blobs.get(),
                                                    &service->options_);
  service->runner_ = std::make_unique<QueueRunner>(
      stores->metadata.get(), stores->blobs.get(), service->queue_.get(),
      directory->directory.get(), &directory->recipient_rules, &service->options_,
      MakeLeaseHolderId());
  return service;
}

Task<void> QueueService::RunOnCore0() {
  queue_->set_runner(runner_.get(), Reactor::Current());
  co_await runner_->Run();
  runner_done_->CountDown();
}

Task<void> QueueService::StopOnCore0(ThreadLatch* done) {
  runner_->Stop();
  done->CountDown();
  co_return;
}

void QueueService::Start(Engine& engine) {
  if (runner_ == nullptr) return;
  runner_done_ = std::make_unique<ThreadLatch>(1);
  CHECK(engine.Spawn(0, RunOnCore0()).has_value(), "cannot start the queue runner");
}

void QueueService::Stop(Engine& engine) {
  if (runner_done_ == nullptr) return;
  ThreadLatch stopped(1);
  CHECK(engine.Spawn(0, StopOnCore0(&stopped)).has_value(), "cannot stop the queue runner");
  stopped.Wait();
  runner_done_->Wait();
  runner_done_.reset();
}

}  // namespace ringmail
