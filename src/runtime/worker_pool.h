// WorkerPool: a few threads for work that can only be done blocking (a library without an
// async API, a deliberately slow password hash). A reactor hands a job over a pipe (a
// bounded queue: when it is full the job is refused with kBusy instead of waiting) and
// the worker posts the finished job back to the reactor's ring as a cross-core message, so
// the awaiting coroutine resumes on its own core.
//
//   Result<int> r = co_await pool.Run([&] { return SlowHash(secret); });
//
// The callable runs on a worker thread while the coroutine is suspended; it may reference
// the coroutine's locals (they live until it resumes) but must not touch reactor state.
#pragma once

#include <atomic>
#include <coroutine>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "base/result.h"
#include "runtime/completion.h"
#include "runtime/reactor.h"
#include "runtime/runtime_metrics.h"

namespace ringmail {

class WorkerPool {
 public:
  struct Job : Completion {
    void (*run)(Job* self) = nullptr;
    int reply_ring_fd = -1;
    std::coroutine_handle<> waiter;
  };

  template <typename Fn>
  class RunAwaiter;

  // `queue_max` jobs may wait; more are refused with kBusy.
  static Result<std::unique_ptr<WorkerPool>> Create(int threads, int queue_max);
  ~WorkerPool();  // stops and joins the workers; REQUIRES: no job in flight

  template <typename Fn>
  RunAwaiter<Fn> Run(Fn fn) {
    return RunAwaiter<Fn>(this, std::move(fn));
  }

  // Hands `job` to a worker; false when the queue is full. Called on a reactor thread.
  bool Submit(Job* job);

 private:
  WorkerPool() = default;
  void WorkerMain();

  int pipe_read_ = -1;
  int pipe_write_ = -1;
  // Jobs submitted and not yet taken by a worker. The pipe alone cannot bound them to
  // queue_max: its capacity is at least a page (512 jobs).
  std::atomic<int> queued_{0};
  int queue_max_ = 0;
  std::vector<std::thread> threads_;
};

template <typename Fn>
class WorkerPool::RunAwaiter : public Job {
 public:
  using Value = std::invoke_result_t<Fn&>;
  static_assert(!std::is_void_v<Value>, "the job must return a value");

  RunAwaiter(WorkerPool* pool, Fn fn) : pool_(pool), fn_(std::move(fn)) {
    run = &Execute;
    callback = &Resume;
  }
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) {
    waiter = h;
    reply_ring_fd = Reactor::Current()->ring_fd();
    busy_ = !pool_->Submit(this);
    return !busy_;  // a refused job resumes at once
  }
  Result<Value> await_resume() {
    if (busy_) return MakeError(ErrorCode::kBusy, "worker queue full");
    return std::move(*value_);
  }

 private:
  static void Execute(Job* j) {
    auto* self = static_cast<RunAwaiter*>(j);
    self->value_.emplace(self->fn_());
  }
  static void Resume(Completion* c, int32_t, uint32_t) {
    Reactor::Current()->metrics().Inc(GetRuntimeMetrics().worker_jobs);
    static_cast<RunAwaiter*>(c)->waiter.resume();
  }
  WorkerPool* pool_;
  Fn fn_;
  std::optional<Value> value_;
  bool busy_ = false;
};

}  // namespace ringmail
