// Sleep and PollFd on a reactor, driven by a handler's commands.
#include "runtime/awaitables.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "test_client.h"
#include "test_engine.h"

namespace ringmail::testing {
namespace {

// Commands, one per line:
//   wait     polls a fresh eventfd (published as eventfd()) without timeout
//   ready    polls an eventfd that is already readable, with a timeout
//   timeout  polls an eventfd nobody writes, with a 100 ms timeout
//   sleep    sleeps 20 ms
//   echo X   answers X at once
class AwaitHandler : public ProtocolHandler {
 public:
  Task<void> Serve(Connection& c) override {
    for (;;) {
      Result<std::string> line = co_await ReadLine(&c);
      if (!line) co_return;
      std::string reply;
      if (*line == "wait" || *line == "ready" || *line == "timeout") {
        reply = co_await Poll(*line);
      } else if (*line == "sleep") {
        co_await Sleep(20);
        reply = "slept";
      } else if (line->starts_with("echo ")) {
        reply = line->substr(5);
      } else {
        reply = "unknown command";
      }
      Result<void> sent = co_await Send(&c, reply + "\n");
      if (!sent) co_return;
    }
  }
  int eventfd() const { return eventfd_.load(); }

 private:
  Task<std::string> Poll(std::string mode) {
    const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) co_return "eventfd failed";
    Result<uint32_t> r = MakeError(ErrorCode::kInternal, "unset");
    if (mode == "wait") {
      eventfd_ = fd;
      r = co_await PollFd(fd, POLLIN);
      eventfd_ = -1;
    } else if (mode == "ready") {
      ::eventfd_write(fd, 1);
      r = co_await PollFd(fd, POLLIN, 60000);
    } else {
      r = co_await PollFd(fd, POLLIN, 100);
    }
    ::close(fd);
    if (!r) co_return std::string(ErrorCodeName(r.error().code));
    co_return (*r & POLLIN) != 0 ? "pollin" : "other " + std::to_string(*r);
  }

  std::atomic<int> eventfd_{-1};
};

TEST(RuntimeAwaitables, PollFdWakesWhenAnotherThreadWrites) {
  AwaitHandler handler;
  TestEngine engine;
  ASSERT_TRUE(engine.Start(&handler).has_value());  // one core for both connections
  TestClient waiter = engine.Connect();
  TestClient other = engine.Connect();
  ASSERT_TRUE(waiter.SendAll("wait\n"));
  ASSERT_TRUE(WaitUntil([&] { return handler.eventfd() >= 0; }));
  // The reactor is not blocked by the pending poll: another connection is served.
  EXPECT_EQ(other.Exchange("sleep\necho hi\n", 9), "slept\nhi\n");
  ASSERT_EQ(::eventfd_write(handler.eventfd(), 1), 0);
  EXPECT_EQ(waiter.ReadLine(), "pollin\n");
}

TEST(RuntimeAwaitables, PollFdReadyBeforeTimeout) {
  AwaitHandler handler;
  TestEngine engine;
  ASSERT_TRUE(engine.Start(&handler).has_value());
  TestClient c = engine.Connect();
  // The linked timeout is cancelled when the poll completes; nothing fires later.
  EXPECT_EQ(c.Exchange("ready\nready\nsleep\necho after\n", 7 + 7 + 6 + 6),
            "pollin\npollin\nslept\nafter\n");
}

TEST(RuntimeAwaitables, PollFdTimesOut) {
  AwaitHandler handler;
  TestEngine engine;
  ASSERT_TRUE(engine.Start(&handler).has_value());
  TestClient c = engine.Connect();
  EXPECT_EQ(c.Exchange("timeout\n", 8), "timeout\n");
  EXPECT_EQ(c.Exchange("timeout\necho x\n", 10), "timeout\nx\n");
}

TEST(RuntimeAwaitables, SleepReturns) {
  AwaitHandler handler;
  TestEngine engine;
  ASSERT_TRUE(engine.Start(&handler).has_value());
  TestClient c = engine.Connect();
  EXPECT_EQ(c.Exchange("sleep\nsleep\nsleep\n", 18), "slept\nslept\nslept\n");
}

}  // namespace
}  // namespace ringmail::testing
