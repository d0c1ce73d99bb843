#include "runtime/worker_pool.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "base/check.h"
#include "base/log.h"
#include "runtime/message.h"

namespace ringmail {

Result<std::unique_ptr<WorkerPool>> WorkerPool::Create(int threads, int queue_max) {
  CHECK(threads > 0 && queue_max > 0);
  std::unique_ptr<WorkerPool> pool(new WorkerPool());
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return SysError("pipe2", errno);
  pool->pipe_read_ = fds[0];
  pool->pipe_write_ = fds[1];
  pool->queue_max_ = queue_max;
  // The pipe is the queue; queued_ bounds it to queue_max (a pipe holds at least a page), and
  // a job over the bound is refused instead of stalling the reactor. The pipe is sized for
  // queue_max so that the non-blocking write of an admitted job does not fail.
  ::fcntl(pool->pipe_write_, F_SETFL, O_NONBLOCK);
  ::fcntl(pool->pipe_write_, F_SETPIPE_SZ, queue_max * static_cast<int>(sizeof(Job*)));
  for (int i = 0; i < threads; ++i) {
    pool->threads_.emplace_back([p = pool.get()] { p->WorkerMain(); });
  }
  return pool;
}

WorkerPool::~WorkerPool() {
  for (size_t i = 0; i < threads_.size(); ++i) {
    Job* stop = nullptr;
    ::fcntl(pipe_write_, F_SETFL, 0);  // the stop markers must get through
    CHECK(::write(pipe_write_, &stop, sizeof stop) == sizeof stop);
  }
  for (auto& t : threads_) t.join();
  ::close(pipe_read_);
  ::close(pipe_write_);
}

bool WorkerPool::Submit(Job* job) {
  if (queued_.fetch_add(1, std::memory_order_relaxed) >= queue_max_) {
    queued_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  ssize_t n = ::write(pipe_write_, &job, sizeof job);
  if (n == sizeof job) return true;
  CHECK(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK), "worker pipe write failed");
  queued_.fetch_sub(1, std::memory_order_relaxed);
  return false;
}

void WorkerPool::WorkerMain() {
  SetLogCore(-1);
  MessagePoster poster;
  CHECK(poster.Init().has_value(), "worker cannot create its message ring");
  for (;;) {
    Job* job = nullptr;
    // Pointer-sized writes to a pipe are atomic, so concurrent readers get whole pointers.
    ssize_t n = ::read(pipe_read_, &job, sizeof job);
    if (n < 0 && errno == EINTR) continue;
    CHECK(n == sizeof job);
    if (job == nullptr) return;
    queued_.fetch_sub(1, std::memory_order_relaxed);
    job->run(job);
    Result<void> posted = poster.Post(job->reply_ring_fd, job);
    CHECK(posted.has_value(), "worker cannot post a finished job back");
  }
}

}  // namespace ringmail
