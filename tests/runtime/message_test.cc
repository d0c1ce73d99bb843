// Cross-core messages: PostMessage from one reactor runs the callback on the target core's
// thread; MessagePoster does the same from a thread that is not a reactor.
#include "runtime/message.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "runtime/awaitables.h"
#include "test_client.h"
#include "test_engine.h"

namespace ringmail::testing {
namespace {

constexpr int kCores = 2;

// A message that runs on another core and comes back with where it ran.
struct Ping : Completion {
  int reply_ring_fd = -1;
  int ran_on_core = -1;
  std::thread::id ran_on_thread;
  ResumeCompletion reply;  // posted back to the sender's core

  static void OnArrive(Completion* c, int32_t value, uint32_t) {
    auto* self = static_cast<Ping*>(c);
    Reactor* here = Reactor::Current();
    self->ran_on_core = here->core();
    self->ran_on_thread = std::this_thread::get_id();
    PostMessage(*here, self->reply_ring_fd, &self->reply, value + 1);
  }
};

// Greets with "core N"; on "ping" sends a Ping to the other core and reports where it ran.
class CoreHandler : public ProtocolHandler {
 public:
  Task<void> Serve(Connection& c) override {
    const int core = c.reactor().core();
    ring_fd_[core] = c.reactor().ring_fd();
    thread_[core] = std::this_thread::get_id();
    Result<void> sent = co_await Send(&c, "core " + std::to_string(core) + "\n");
    if (!sent) co_return;
    for (;;) {
      Result<std::string> line = co_await ReadLine(&c);
      if (!line) co_return;
      const int target = 1 - core;
      Ping ping;
      ping.callback = &Ping::OnArrive;
      ping.reply_ring_fd = c.reactor().ring_fd();
      PostMessage(c.reactor(), ring_fd_[target].load(), &ping, 41);
      const int32_t value = co_await WaitFor(ping.reply);
      const bool ran_on_target_thread = ping.ran_on_thread == thread_[target].load();
      const bool back_home =
          Reactor::Current()->core() == core && std::this_thread::get_id() == thread_[core].load();
      const std::string reply = "ran on " + std::to_string(ping.ran_on_core) + " value " +
                                std::to_string(value) + (ran_on_target_thread ? " thread" : "") +
                                (back_home ? " home" : "") + "\n";
      Result<void> replied = co_await Send(&c, reply);
      if (!replied) co_return;
    }
  }
  int ring_fd(int core) const { return ring_fd_[core].load(); }

 private:
  std::atomic<int> ring_fd_[kCores] = {-1, -1};
  std::atomic<std::thread::id> thread_[kCores] = {};
};

// Opens connections until each core serves one; returns them indexed by core.
std::vector<TestClient> OnePerCore(TestEngine& engine) {
  std::vector<TestClient> by_core(kCores);
  for (int attempt = 0; attempt < 200; ++attempt) {
    TestClient c = engine.Connect();
    std::optional<std::string> greeting = c.ReadLine();
    if (!greeting) break;
    const int core = (*greeting)[5] - '0';
    if (core >= 0 && core < kCores && !by_core[core].ok()) by_core[core] = std::move(c);
    if (by_core[0].ok() && by_core[1].ok()) break;
  }
  return by_core;
}

TEST(RuntimeMessage, PostRunsOnTargetCoreAndReplies) {
  CoreHandler handler;
  TestEngine engine;
  TestEngineOptions o;
  o.cpus = {0, 1};
  ASSERT_TRUE(engine.Start(&handler, o).has_value());
  std::vector<TestClient> by_core = OnePerCore(engine);
  ASSERT_TRUE(by_core[0].ok() && by_core[1].ok()) << "SO_REUSEPORT never chose one core";
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(by_core[0].SendAll("ping\n"));
    ASSERT_TRUE(by_core[1].SendAll("ping\n"));
    EXPECT_EQ(by_core[0].ReadLine(), "ran on 1 value 42 thread home\n");
    EXPECT_EQ(by_core[1].ReadLine(), "ran on 0 value 42 thread home\n");
  }
}

// A message from the test thread; its callback records where it ran.
struct Probe : Completion {
  std::atomic<int> core{-1};
  std::atomic<int> value{-1};
  static void OnArrive(Completion* c, int32_t value, uint32_t) {
    auto* self = static_cast<Probe*>(c);
    self->value = value;
    self->core = Reactor::Current()->core();
  }
};

TEST(RuntimeMessage, PosterFromForeignThread) {
  CoreHandler handler;
  TestEngine engine;
  TestEngineOptions o;
  o.cpus = {0, 1};
  ASSERT_TRUE(engine.Start(&handler, o).has_value());
  std::vector<TestClient> by_core = OnePerCore(engine);  // publishes both ring fds
  ASSERT_TRUE(by_core[0].ok() && by_core[1].ok());
  MessagePoster poster;
  ASSERT_TRUE(poster.Init().has_value());
  for (int core = 0; core < kCores; ++core) {
    Probe probe;
    probe.callback = &Probe::OnArrive;
    ASSERT_TRUE(poster.Post(handler.ring_fd(core), &probe, 100 + core).has_value());
    // The probe must outlive its callback: wait for it.
    ASSERT_TRUE(WaitUntil([&] { return probe.core.load() >= 0; }));
    EXPECT_EQ(probe.core.load(), core);
    EXPECT_EQ(probe.value.load(), 100 + core);
  }
}

}  // namespace
}  // namespace ringmail::testing
