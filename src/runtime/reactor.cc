#include "runtime/reactor.h"

#include <sys/resource.h>
#include <time.h>

#include <cerrno>

#include "base/check.h"
#include "base/log.h"
#include "runtime/connection.h"
#include "runtime/listener.h"
#include "runtime/runtime_metrics.h"

namespace ringmail {
namespace {
thread_local Reactor* t_current = nullptr;
constexpr uint32_t kCqeBatchMax = 256;

uint64_t MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

// Ring set-up flags from best to acceptable; older kernels reject the newer flags with
// EINVAL, and we fall back (logged once per process).
int InitRing(uint32_t entries, io_uring* ring) {
  static const uint32_t kFlagSets[] = {
      IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SUBMIT_ALL,
      IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL,
      IORING_SETUP_COOP_TASKRUN,
      0,
  };
  static std::atomic<bool> logged{false};
  int rc = -EINVAL;
  for (uint32_t flags : kFlagSets) {
    io_uring_params params{};
    params.flags = flags | IORING_SETUP_CQSIZE;
    params.cq_entries = entries * 4;  // multishot ops post many CQEs per SQE
    rc = io_uring_queue_init_params(entries, ring, &params);
    if (rc == 0) {
      if (flags != kFlagSets[0] && !logged.exchange(true)) {
        Log(LogLevel::kWarn, "io_uring_setup_fallback", "flags", flags);
      }
      return 0;
    }
    if (rc != -EINVAL) return rc;
  }
  return rc;
}
}  // namespace

struct Reactor::ConnectionList {
  IntrusiveList<Connection, &Connection::reactor_node> list;
};

Reactor::Reactor(const ReactorOptions& options)
    : options_(options), timers_(MonotonicMs()), connections_(std::make_unique<ConnectionList>()) {}

Result<std::unique_ptr<Reactor>> Reactor::Create(const ReactorOptions& options) {
  std::unique_ptr<Reactor> r(new Reactor(options));
  TRY(r->Init());
  return r;
}

Result<void> Reactor::Init() {
  int rc = InitRing(options_.ring_entries, &ring_);
  if (rc == -EPERM || rc == -ENOSYS) {
    return SysError(
        "io_uring is not available (kernel.io_uring_disabled, a seccomp filter, or a kernel "
        "without CONFIG_IO_URING)",
        rc);
  }
  if (rc != 0) return SysError("io_uring_queue_init", rc);
  ring_ready_ = true;
  io_uring_register_ring_fd(&ring_);  // saves an fdget per enter; optional

  BufferRing* br =
      TRY(BufferRing::Create(&ring_, 0, options_.recv_buffer_count, options_.recv_buffer_size));
  buffers_.reset(br);

  rc = io_uring_register_files_sparse(&ring_, options_.direct_files_max);
  direct_files_ = rc == 0;
  if (!direct_files_) {
    Log(LogLevel::kWarn, "direct_descriptors_unavailable", "errno", -rc);
  }
  metrics_ = &MetricsRegistry::Global().shard(options_.core);
  tick_.callback = &OnTick;
  drain_deadline_.on_expire = &OnDrainDeadline;
  UpdateClock();
  t_current = this;
  return {};
}

Reactor::~Reactor() {
  // Kernel-side operations end with the ring; listeners and connections go after it.
  if (ring_ready_) {
    buffers_.reset();
    io_uring_queue_exit(&ring_);
  }
  if (t_current == this) t_current = nullptr;
}

Reactor* Reactor::Current() { return t_current; }

io_uring_sqe* Reactor::GetSqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {
    int n = io_uring_submit(&ring_);
    metrics_->Inc(GetRuntimeMetrics().ring_enters);
    if (n > 0) metrics_->Add(GetRuntimeMetrics().sqes_submitted, n);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

void Reactor::UpdateClock() { now_ms_ = MonotonicMs(); }

void Reactor::Run() {
  t_current = this;
  const RuntimeMetrics& m = GetRuntimeMetrics();
  while (!(stopping_ && connections_->list.empty())) {
    if (!timers_.empty() || stopping_) ArmTick();
    int submitted = io_uring_submit_and_wait(&ring_, 1);
    metrics_->Inc(m.ring_enters);
    if (submitted > 0) metrics_->Add(m.sqes_submitted, submitted);
    if (submitted < 0 && submitted != -EINTR && submitted != -ETIME && submitted != -EBUSY) {
      CHECK(false, "io_uring_submit_and_wait failed");
    }
    UpdateClock();
    ProcessCompletions();
    timers_.Advance(now_ms_);
  }
  listeners_.clear();
}

void Reactor::ProcessCompletions() {
  // Copy the ready CQEs out and release the CQ slots before running callbacks, so a
  // callback may submit (even wait) without re-entering this iteration.
  io_uring_cqe batch[kCqeBatchMax];
  for (;;) {
    unsigned n = 0;
    unsigned head;
    io_uring_cqe* cqe;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      batch[n++] = *cqe;
      if (n == kCqeBatchMax) break;
    }
    if (n == 0) return;
    io_uring_cq_advance(&ring_, n);
    metrics_->Add(GetRuntimeMetrics().completions, n);
    for (unsigned i = 0; i < n; ++i) {
      auto* c = reinterpret_cast<Completion*>(io_uring_cqe_get_data(&batch[i]));
      if (c != nullptr) c->callback(c, batch[i].res, batch[i].flags);
    }
    if (n < kCqeBatchMax) return;
  }
}

void Reactor::ArmTick() {
  if (tick_armed_) return;
  tick_armed_ = true;
  tick_ts_.tv_sec = 0;
  tick_ts_.tv_nsec = static_cast<long long>(TimerWheel::kTickMs) * 1000000;
  io_uring_prep_timeout(Prepare(&tick_), &tick_ts_, 0, 0);
}

void Reactor::OnTick(Completion* c, int32_t, uint32_t) {
  (void)c;
  Reactor* self = t_current;
  DCHECK(&self->tick_ == c);
  self->tick_armed_ = false;
}

void Reactor::AddListener(std::unique_ptr<Listener> listener) {
  listener->Start();
  listeners_.push_back(std::move(listener));
}

void Reactor::AddConnection(Connection* c) { connections_->list.PushBack(c); }
void Reactor::RemoveConnection(Connection* c) { connections_->list.Remove(c); }
size_t Reactor::connection_count() const { return connections_->list.size(); }

void Reactor::RequestStop() {
  if (stopping_) return;
  stopping_ = true;
  Log(LogLevel::kInfo, "reactor_draining", "connections", connections_->list.size());
  for (auto& l : listeners_) l->Stop();
  connections_->list.ForEach([](Connection* c) { c->RequestShutdown(); });
  timers_.Schedule(&drain_deadline_, now_ms_ + options_.shutdown_timeout_ms);
}

void Reactor::OnDrainDeadline(TimerEntry*) {
  Reactor* self = t_current;
  if (!self->connections_->list.empty()) {
    Log(LogLevel::kWarn, "drain_deadline_passed", "closing", self->connections_->list.size());
  }
  self->connections_->list.ForEach([](Connection* c) { c->ForceClose(); });
}

}  // namespace ringmail
