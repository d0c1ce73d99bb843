// MailboxHub: a change wakes the watchers of that mailbox on the same core (from the event
// loop, not inside Changed) and on another reactor core (through a cross-core message);
// other mailboxes' watchers and unwatched ones stay asleep. Account watchers (JMAP push) wake
// for a change to any mailbox of their account, on the same core and on another one.
#include "mail/mailbox_hub.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "runtime/awaitables.h"
#include "runtime/reactor.h"
#include "runtime/runtime_metrics.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

// Counts its wake-ups; watches a mailbox or an account (one of them per test object).
struct CountingWatcher final : MailboxWatcher, AccountWatcher {
  void MailboxChanged(int64_t mailbox_id) override { Woken(mailbox_id); }
  void AccountChanged(int64_t account_id) override { Woken(account_id); }
  void Woken(int64_t id) {
    last = id;
    count.fetch_add(1);
  }
  std::atomic<int> count{0};
  int64_t last = 0;
};
using CountingAccountWatcher = CountingWatcher;

// Polls (5 ms steps, up to 5 s) until `w` was woken at least `n` times.
Task<bool> WaitWoken(CountingWatcher* w, int n) {
  for (int i = 0; i < 1000 && w->count.load() < n; ++i) co_await Sleep(5);
  co_return w->count.load() >= n;
}

TEST(MailboxHubTest, SameCore) {
  RunOnReactor([]() -> Task<void> {
    MailboxHub hub(1);
    CountingWatcher a, b, c;
    hub.Watch(&a, 7);
    hub.Watch(&b, 8);
    hub.Watch(&c, 7);
    hub.Unwatch(&c);
    hub.Changed(1, 7, 5);
    hub.Changed(1, 7, 6);
    EXPECT_EQ(a.count.load(), 0) << "woken inside Changed";
    const bool woken = co_await WaitWoken(&a, 1);
    EXPECT_TRUE(woken);
    co_await Sleep(20);
    EXPECT_EQ(a.count.load(), 1) << "two changes before the loop ran are one wake-up";
    EXPECT_EQ(a.last, 7);
    EXPECT_EQ(b.count.load(), 0);
    EXPECT_EQ(c.count.load(), 0);
    hub.Watch(&a, 8);  // moves a to mailbox 8
    hub.Changed(1, 8, 7);
    const bool both = co_await WaitWoken(&b, 1);
    EXPECT_TRUE(both);
    EXPECT_EQ(a.count.load(), 2);
    hub.Unwatch(&a);
    hub.Unwatch(&b);
  }());
}

TEST(MailboxHubTest, AccountSameCore) {
  RunOnReactor([]() -> Task<void> {
    MailboxHub hub(1);
    CountingAccountWatcher alice, bob, gone;
    CountingWatcher mailbox;
    hub.WatchAccount(&alice, 1);
    hub.WatchAccount(&bob, 2);
    hub.WatchAccount(&gone, 1);
    hub.UnwatchAccount(&gone);
    hub.Watch(&mailbox, 7);
    hub.Changed(1, 7, 5);
    hub.Changed(1, 9, 6);  // another mailbox of the same account
    EXPECT_EQ(alice.count.load(), 0) << "woken inside Changed";
    const bool woken = co_await WaitWoken(&alice, 1);
    EXPECT_TRUE(woken);
    const bool mailbox_woken = co_await WaitWoken(&mailbox, 1);
    EXPECT_TRUE(mailbox_woken);
    co_await Sleep(20);
    EXPECT_EQ(alice.count.load(), 1) << "two changes before the loop ran are one wake-up";
    EXPECT_EQ(alice.last, 1);
    EXPECT_EQ(bob.count.load(), 0);
    EXPECT_EQ(gone.count.load(), 0);
    hub.Changed(2, 20, 1);
    const bool bob_woken = co_await WaitWoken(&bob, 1);
    EXPECT_TRUE(bob_woken);
    EXPECT_EQ(alice.count.load(), 1);
    hub.UnwatchAccount(&alice);
    hub.UnwatchAccount(&bob);
    hub.Unwatch(&mailbox);
  }());
}

struct CrossCore {
  MailboxHub hub{2};
  CountingWatcher watcher;
  CountingAccountWatcher account;
  std::atomic<bool> watching{false};
  std::atomic<bool> done{false};
};

Task<void> CrossCoreBody(int core, CrossCore* s) {
  if (core == 0) {
    s->hub.Watch(&s->watcher, 42);
    s->hub.WatchAccount(&s->account, 5);
    s->watching = true;
    const bool woken = co_await WaitWoken(&s->watcher, 1);
    EXPECT_TRUE(woken) << "no wake-up from the other core";
    EXPECT_EQ(s->watcher.last, 42);
    const bool account_woken = co_await WaitWoken(&s->account, 1);
    EXPECT_TRUE(account_woken) << "no account wake-up from the other core";
    EXPECT_EQ(s->account.last, 5);
    s->hub.Unwatch(&s->watcher);
    s->hub.UnwatchAccount(&s->account);
    s->done = true;
  } else {
    for (int i = 0; i < 1000 && !s->watching.load(); ++i) co_await Sleep(5);
    s->hub.Changed(5, 42, 1);
    for (int i = 0; i < 1000 && !s->done.load(); ++i) co_await Sleep(5);
  }
}

TEST(MailboxHubTest, OtherCore) {
  MetricsRegistry::Global().ResetForTesting();
  RegisterRuntimeMetrics();
  MetricsRegistry::Global().Freeze(2);
  CrossCore shared;
  std::vector<std::thread> threads;
  for (int core = 0; core < 2; ++core) {
    threads.emplace_back([core, &shared] {
      ReactorOptions options;
      options.core = core;
      options.recv_buffer_count = 64;
      options.direct_files_max = 256;
      Result<std::unique_ptr<Reactor>> reactor = Reactor::Create(options);
      ASSERT_TRUE(reactor.has_value()) << reactor.error().ToString();
      Spawn(internal::RunThenStop(CrossCoreBody(core, &shared), reactor->get()));
      (*reactor)->Run();
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(shared.watcher.count.load(), 1);
  EXPECT_EQ(shared.account.count.load(), 1);
}

}  // namespace
}  // namespace ringmail::testing
