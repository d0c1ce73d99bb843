// TestEngine: an Engine serving one listener on 127.0.0.1:0 for runtime tests, with fresh
// metrics and a Stop that fails loudly (aborts) instead of hanging the test run when a
// reactor never finishes draining.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/metrics.h"
#include "runtime/connection.h"
#include "runtime/engine.h"
#include "runtime/reactor.h"
#include "runtime/runtime_metrics.h"
#include "runtime/task.h"
#include "test_client.h"

namespace ringmail::testing {

struct TestEngineOptions {
  std::vector<int> cpus = {0};
  const char* address = "127.0.0.1:0";
  bool direct_descriptors = true;
  ReactorOptions reactor;
  ConnectionOptions connection;
  uint32_t connections_max = 10000;
};

// Reads one line (without its "\n") and consumes it, or returns the Read error.
inline Task<Result<std::string>> ReadLine(Connection* c) {
  for (;;) {
    std::string_view data = c->buffered();
    size_t nl = data.find('\n');
    if (nl != std::string_view::npos) {
      std::string line(data.substr(0, nl));
      c->Consume(nl + 1);
      co_return line;
    }
    Result<std::string_view> in = co_await c->Read();
    if (!in) co_return std::unexpected(in.error());
  }
}

inline Task<Result<void>> Send(Connection* c, std::string bytes) {
  c->Write(bytes);
  co_return co_await c->Flush();
}

// Echoes every byte back until the peer closes; counts the connections each core served.
class EchoHandler : public ProtocolHandler {
 public:
  static constexpr int kCoresMax = 8;
  Task<void> Serve(Connection& c) override {
    served_[c.reactor().core()].fetch_add(1);
    for (;;) {
      Result<std::string_view> in = co_await c.Read();
      if (!in) break;
      const size_t n = in->size();
      c.Write(*in);
      c.Consume(n);
      Result<void> sent = co_await c.Flush();
      if (!sent) break;
    }
  }
  int served(int core) const { return served_[core].load(); }

 private:
  std::atomic<int> served_[kCoresMax] = {};
};

// Sends up to 64 MB in 1 MB flushes (to a client that is not reading); records how the
// flushing ended.
class FloodHandler : public ProtocolHandler {
 public:
  static constexpr size_t kChunk = 1 << 20;
  static constexpr size_t kTotal = 64 << 20;
  Task<void> Serve(Connection& c) override {
    std::string chunk = Pattern(kChunk, 9);
    flushing_ = true;
    for (size_t sent = 0; sent < kTotal; sent += kChunk) {
      c.Write(chunk);
      Result<void> r = co_await c.Flush();
      if (!r) {
        end_ = r.error().code;
        break;
      }
    }
    ended_ = true;
  }
  bool flushing() const { return flushing_.load(); }
  bool ended() const { return ended_.load(); }
  ErrorCode end() const { return end_.load(); }

 private:
  std::atomic<bool> flushing_{false};
  std::atomic<bool> ended_{false};
  std::atomic<ErrorCode> end_{ErrorCode::kInternal};
};

class TestEngine {
 public:
  // Resets the global metrics registry: every test that starts an engine starts from zero.
  TestEngine() {
    MetricsRegistry::Global().ResetForTesting();
    RegisterRuntimeMetrics();
  }
  ~TestEngine() { Stop(); }
  TestEngine(const TestEngine&) = delete;
  TestEngine& operator=(const TestEngine&) = delete;

  // Serves `handler` (which must outlive the engine) on 127.0.0.1 with an ephemeral port.
  Result<void> Start(ProtocolHandler* handler, const TestEngineOptions& options = {}) {
    // Registered before Start (which registers the same names again and gets the same ids)
    // so the test can read them after the registry is frozen.
    metrics_ = RegisterListenerMetrics("test");
    EngineListener l;
    l.name = "test";
    l.address = *SocketAddress::Parse(options.address);
    l.direct_descriptors = options.direct_descriptors;
    l.handler = handler;
    l.connection_options = options.connection;
    l.connections_max = options.connections_max;
    EngineOptions eo;
    eo.cpus = options.cpus;
    eo.reactor = options.reactor;
    std::vector<EngineListener> listeners;
    listeners.push_back(std::move(l));
    return engine_.Start(eo, std::move(listeners));
  }

  const SocketAddress& address() const { return engine_.addresses().at(0); }
  Engine& engine() { return engine_; }
  const ListenerMetrics& listener_metrics() const { return metrics_; }
  static int64_t Total(MetricId id) { return MetricsRegistry::Global().Total(id); }

  TestClient Connect(int rcvbuf = 0) const {
    TestClient c = TestClient::Connect(address(), rcvbuf);
    EXPECT_TRUE(c.ok()) << "connect: " << c.error();
    return c;
  }

  // Engine::Stop, bounded: a drain that never ends aborts the process with a message.
  void Stop(milliseconds timeout = milliseconds(30000)) {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::thread watchdog([&] {
      std::unique_lock lock(mu);
      if (!cv.wait_for(lock, timeout, [&] { return done; })) {
        std::fprintf(stderr, "TestEngine: Engine::Stop did not return within %lld ms\n",
                     static_cast<long long>(timeout.count()));
        std::abort();
      }
    });
    engine_.Stop();
    {
      std::lock_guard lock(mu);
      done = true;
    }
    cv.notify_one();
    watchdog.join();
  }

 private:
  Engine engine_;
  ListenerMetrics metrics_{};
};

}  // namespace ringmail::testing
