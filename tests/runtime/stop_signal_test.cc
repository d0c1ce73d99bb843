// StopSignal: a sleep that runs its course unless stopped, and a stop that wakes the sleeper at
// once.
#include "runtime/stop_signal.h"

#include <gtest/gtest.h>
#include <time.h>

#include "runtime/awaitables.h"
#include "testing/latch.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

uint64_t NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

Task<void> SleepFully(bool* result, uint64_t* elapsed_ms) {
  StopSignal signal;
  const uint64_t start = NowMs();
  *result = co_await signal.Sleep(30);
  *elapsed_ms = NowMs() - start;
}

TEST(RuntimeStopSignal, SleepRunsItsCourse) {
  bool result = false;
  uint64_t elapsed_ms = 0;
  RunOnReactor(SleepFully(&result, &elapsed_ms));
  EXPECT_TRUE(result);
  EXPECT_GE(elapsed_ms, 25u);  // the coarse clock may round down a little
}

Task<void> Sleeper(StopSignal* signal, bool* result, Latch* done) {
  *result = co_await signal->Sleep(60000);
  done->Done();
}

Task<void> Stopper(StopSignal* signal, Latch* done) {
  co_await Sleep(20);
  signal->Stop();
  done->Done();
}

Task<void> StopWakes(bool* result, bool* again, uint64_t* elapsed_ms) {
  StopSignal signal;
  Latch done(2);
  const uint64_t start = NowMs();
  Spawn(Sleeper(&signal, result, &done));
  Spawn(Stopper(&signal, &done));
  co_await done.Wait();
  *elapsed_ms = NowMs() - start;
  *again = co_await signal.Sleep(60000);  // stopped: returns at once
}

TEST(RuntimeStopSignal, StopWakesTheSleeperAtOnce) {
  bool result = true;
  bool again = true;
  uint64_t elapsed_ms = 0;
  RunOnReactor(StopWakes(&result, &again, &elapsed_ms));
  EXPECT_FALSE(result);
  EXPECT_FALSE(again);
  EXPECT_LT(elapsed_ms, 10000u);
}

Task<void> StopThenSleep(bool* result) {
  StopSignal signal;
  signal.Stop();
  signal.Stop();  // idempotent
  *result = co_await signal.Sleep(60000);
}

TEST(RuntimeStopSignal, StoppedBeforeSleeping) {
  bool result = true;
  RunOnReactor(StopThenSleep(&result));
  EXPECT_FALSE(result);
}

}  // namespace
}  // namespace ringmail::testing
