// WorkerPool: blocking jobs run on worker threads and resume their coroutine on its own
// reactor; a full queue refuses with kBusy. Jobs are started by a handler when a client
// asks, which is how a session uses the pool.
#include "runtime/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "test_client.h"
#include "test_engine.h"

namespace ringmail::testing {
namespace {

// "square N" runs N*N on a worker and checks where each part ran.
class SquareHandler : public ProtocolHandler {
 public:
  explicit SquareHandler(WorkerPool* pool) : pool_(pool) {}
  Task<void> Serve(Connection& c) override {
    for (;;) {
      Result<std::string> line = co_await ReadLine(&c);
      if (!line) co_return;
      const int n = std::stoi(*line);
      Reactor* reactor = Reactor::Current();
      const std::thread::id reactor_thread = std::this_thread::get_id();
      std::thread::id worker_thread;
      Result<int> square = co_await pool_->Run([&] {
        worker_thread = std::this_thread::get_id();
        return n * n;
      });
      // A move-only result comes back too.
      Result<std::unique_ptr<std::string>> text =
          co_await pool_->Run([n] { return std::make_unique<std::string>(std::to_string(n)); });
      const bool same_reactor = Reactor::Current() == reactor && &c.reactor() == reactor;
      const bool same_thread = std::this_thread::get_id() == reactor_thread;
      const bool on_worker = worker_thread != reactor_thread && worker_thread != std::thread::id();
      std::string reply = square && text ? std::to_string(*square) + " " + **text : "error";
      reply += same_reactor && same_thread ? " home" : " away";
      reply += on_worker ? " worker\n" : " inline\n";
      Result<void> sent = co_await Send(&c, reply);
      if (!sent) co_return;
    }
  }

 private:
  WorkerPool* pool_;
};

TEST(RuntimeWorkerPool, ResultComesBackOnTheReactorThread) {
  Result<std::unique_ptr<WorkerPool>> pool = WorkerPool::Create(2, 64);
  ASSERT_TRUE(pool.has_value());
  SquareHandler handler(pool->get());
  {
    TestEngine engine;
    TestEngineOptions o;
    o.cpus = {0, 1};
    ASSERT_TRUE(engine.Start(&handler, o).has_value());
    std::vector<TestClient> clients;
    for (int i = 0; i < 8; ++i) clients.push_back(engine.Connect());
    for (int round = 0; round < 3; ++round) {
      for (int i = 0; i < 8; ++i) ASSERT_TRUE(clients[i].SendAll(std::to_string(i + round) + "\n"));
      for (int i = 0; i < 8; ++i) {
        const int n = i + round;
        EXPECT_EQ(clients[i].ReadLine(),
                  std::to_string(n * n) + " " + std::to_string(n) + " home worker\n");
      }
    }
    // Two jobs per request, each counted when it comes back (before the reply is sent).
    EXPECT_EQ(TestEngine::Total(GetRuntimeMetrics().worker_jobs), 8 * 3 * 2);
  }
  pool->reset();  // after the engine: no job may be in flight
}

// "block" runs a job that waits until the test releases it; replies "ok" or "busy".
class BlockingJobHandler : public ProtocolHandler {
 public:
  explicit BlockingJobHandler(WorkerPool* pool) : pool_(pool) {}
  Task<void> Serve(Connection& c) override {
    Result<std::string> line = co_await ReadLine(&c);
    if (!line) co_return;
    submitted_.fetch_add(1);
    Result<int> r = co_await pool_->Run([this] {
      running_.fetch_add(1);
      release_.wait(false);
      return 1;
    });
    std::string reply = r ? "ok\n" : (r.error().code == ErrorCode::kBusy ? "busy\n" : "error\n");
    (void)co_await Send(&c, reply);
  }
  int submitted() const { return submitted_.load(); }
  int running() const { return running_.load(); }
  void Release() {
    release_ = true;
    release_.notify_all();
  }

 private:
  WorkerPool* pool_;
  std::atomic<int> submitted_{0};
  std::atomic<int> running_{0};
  std::atomic<bool> release_{false};
};

TEST(RuntimeWorkerPool, FullQueueRefusesWithBusy) {
  Result<std::unique_ptr<WorkerPool>> pool = WorkerPool::Create(/*threads=*/1, /*queue_max=*/1);
  ASSERT_TRUE(pool.has_value());
  BlockingJobHandler handler(pool->get());
  {
    TestEngine engine;
    ASSERT_TRUE(engine.Start(&handler).has_value());  // one core: submissions are ordered
    TestClient running = engine.Connect();
    TestClient queued = engine.Connect();
    TestClient refused = engine.Connect();
    // Releases the worker however the test ends, so that nothing waits for it forever.
    struct Releaser {
      BlockingJobHandler* h;
      ~Releaser() { h->Release(); }
    } releaser{&handler};

    ASSERT_TRUE(running.SendAll("block\n"));
    ASSERT_TRUE(WaitUntil([&] { return handler.running() == 1; }));  // the worker is busy
    ASSERT_TRUE(queued.SendAll("block\n"));
    ASSERT_TRUE(WaitUntil([&] { return handler.submitted() == 2; }));  // one job waits
    ASSERT_TRUE(refused.SendAll("block\n"));
    EXPECT_EQ(refused.ReadLine(), "busy\n");
    handler.Release();
    EXPECT_EQ(running.ReadLine(), "ok\n");
    EXPECT_EQ(queued.ReadLine(), "ok\n");
    EXPECT_EQ(handler.running(), 2);
  }
  pool->reset();
}

}  // namespace
}  // namespace ringmail::testing
