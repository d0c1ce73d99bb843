// Task<T> and Spawn without a reactor: a hand-driven event stands in for I/O.
#include "runtime/task.h"

#include <gtest/gtest.h>

#include <coroutine>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace ringmail {
namespace {

// A one-shot event: co_await parks the coroutine until Fire() resumes it.
class Event {
 public:
  bool await_ready() const noexcept { return fired_; }
  void await_suspend(std::coroutine_handle<> h) noexcept { waiter_ = h; }
  void await_resume() const noexcept {}
  bool waiting() const { return static_cast<bool>(waiter_); }
  void Fire() {
    fired_ = true;
    if (waiter_) std::exchange(waiter_, nullptr).resume();
  }

 private:
  bool fired_ = false;
  std::coroutine_handle<> waiter_;
};

Task<int> Value(int v) { co_return v; }

Task<int> Sum(int a, int b) {
  int x = co_await Value(a);
  int y = co_await Value(b);
  co_return x + y;
}

Task<int> SumOfSums() {
  int s = co_await Sum(1, 2);
  s += co_await Sum(3, 4);
  co_return s;
}

Task<std::unique_ptr<std::string>> MoveOnly(std::string text) {
  co_return std::make_unique<std::string>(std::move(text));
}

Task<Result<std::string>> MaybeFail(bool fail) {
  if (fail) co_return MakeError(ErrorCode::kNotFound, "no such thing");
  co_return std::string("found");
}

Task<Result<size_t>> UsesCoTry(bool fail) {
  // Awaited into a local first: GCC 12 crashes on co_await inside CO_TRY's statement
  // expression (see base/result.h).
  Result<std::string> found = co_await MaybeFail(fail);
  std::string s = CO_TRY(std::move(found));
  co_return s.size();
}

// Runs a task to completion and stores what it returned.
template <typename T>
Task<void> Collect(Task<T> task, T* out) {
  *out = co_await std::move(task);
}

TEST(RuntimeTask, NestedAwaitsProduceValues) {
  int result = 0;
  Spawn(Collect(SumOfSums(), &result));
  EXPECT_EQ(result, 10);
}

TEST(RuntimeTask, MoveOnlyResult) {
  std::unique_ptr<std::string> out;
  Spawn(Collect(MoveOnly("payload"), &out));
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(*out, "payload");
}

TEST(RuntimeTask, ResultValuesAndCoTry) {
  Result<size_t> ok = MakeError(ErrorCode::kInternal, "unset");
  Result<size_t> failed = 0;
  Spawn(Collect(UsesCoTry(false), &ok));
  Spawn(Collect(UsesCoTry(true), &failed));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 5u);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::kNotFound);
}

Task<void> StepThrough(Event* a, Event* b, std::vector<int>* trace) {
  trace->push_back(1);
  co_await *a;
  trace->push_back(2);
  co_await *b;
  trace->push_back(3);
}

TEST(RuntimeTask, SpawnRunsUntilTheFirstSuspension) {
  Event a, b;
  std::vector<int> trace;
  Spawn(StepThrough(&a, &b, &trace));
  EXPECT_EQ(trace, std::vector<int>({1}));
  EXPECT_TRUE(a.waiting());
  a.Fire();
  EXPECT_EQ(trace, std::vector<int>({1, 2}));
  b.Fire();
  EXPECT_EQ(trace, std::vector<int>({1, 2, 3}));  // finished; the frame freed itself (LSan)
}

Task<int> WaitThenValue(Event* e, int v) {
  co_await *e;
  co_return v;
}

Task<void> AwaitSuspendedChildren(Event* e, int* out) {
  int a = co_await WaitThenValue(e, 20);
  int b = co_await WaitThenValue(e, 22);  // the event already fired: no suspension
  *out = a + b;
}

TEST(RuntimeTask, ChildSuspensionResumesTheParent) {
  Event e;
  int out = 0;
  Spawn(AwaitSuspendedChildren(&e, &out));
  EXPECT_EQ(out, 0);
  e.Fire();
  EXPECT_EQ(out, 42);
}

Task<int> Marks(int* ran) {
  ++*ran;
  co_return 1;
}

TEST(RuntimeTask, LazyUntilAwaitedAndFreedUnawaited) {
  int ran = 0;
  {
    Task<int> t = Marks(&ran);
    Task<int> moved = std::move(t);
    Task<int> other = Marks(&ran);
    other = std::move(moved);  // destroys the frame `other` held
  }
  EXPECT_EQ(ran, 0);  // never started; every frame was destroyed (LSan checks)
}

Task<int> CountDown(int n) {
  if (n == 0) co_return 0;
  co_return 1 + co_await CountDown(n - 1);
}

Task<void> ManySynchronousAwaits(int n, long* out) {
  long sum = 0;
  for (int i = 0; i < n; ++i) sum += co_await Value(i);
  *out = sum;
}

TEST(RuntimeTask, NestedAwaitsThousandsDeep) {
  int depth = -1;
  Spawn(Collect(CountDown(2000), &depth));
  EXPECT_EQ(depth, 2000);
}

TEST(RuntimeTask, MillionSynchronousAwaitsDoNotGrowTheStack) {
  // Each await completes at once; the stack must not grow per await, whatever the
  // optimisation level (this overflowed in sanitizer builds before).
  long sum = 0;
  constexpr int kAwaits = 1000000;
  Spawn(ManySynchronousAwaits(kAwaits, &sum));
  EXPECT_EQ(sum, static_cast<long>(kAwaits) * (kAwaits - 1) / 2);
}

// An awaitable that resumes its coroutine from inside await_suspend, as Connection::Flush
// does on a force-closed connection.
struct ResumeInline {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) { h.resume(); }
  void await_resume() const noexcept {}
};

Task<int> FinishesDuringItsOwnSuspend(int v) {
  co_await ResumeInline{};
  co_return v;
}

Task<void> LoopOverInlineResumes(int n, long* out) {
  long sum = 0;
  for (int i = 0; i < n; ++i) sum += co_await FinishesDuringItsOwnSuspend(1);
  *out = sum;
}

TEST(RuntimeTask, ResumedInsideAwaitSuspend) {
  long sum = 0;
  Spawn(LoopOverInlineResumes(1000, &sum));
  EXPECT_EQ(sum, 1000);
}

}  // namespace
}  // namespace ringmail
