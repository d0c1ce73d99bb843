// Two reactor threads, each with its own ring and four coroutines, delivering into one
// mailbox through one store at once: the concurrency check both metadata backends run
// (no UID given twice, modseqs strictly increasing).
#pragma once

#include <thread>
#include <vector>

#include "base/metrics.h"
#include "metadata_conformance.h"
#include "runtime/runtime_metrics.h"
#include "testing/latch.h"

namespace ringmail::testing {

// Several reactor threads, each with its own ring, calling one store at once.
inline void RunOnReactors(int count, Task<void> (*body)(int core, void* shared), void* shared) {
  MetricsRegistry::Global().ResetForTesting();
  RegisterRuntimeMetrics();
  MetricsRegistry::Global().Freeze(count);
  std::vector<std::thread> threads;
  for (int core = 0; core < count; ++core) {
    threads.emplace_back([=] {
      ReactorOptions options;
      options.core = core;
      options.recv_buffer_count = 64;
      options.direct_files_max = 256;
      Result<std::unique_ptr<Reactor>> reactor = Reactor::Create(options);
      ASSERT_TRUE(reactor.has_value()) << reactor.error().ToString();
      Spawn(internal::RunThenStop(body(core, shared), reactor->get()));
      (*reactor)->Run();
    });
  }
  for (std::thread& t : threads) t.join();
}

struct TwoReactors {
  MetadataStore* store = nullptr;
  int64_t inbox = 0;
  std::vector<PlacedMessage> placed[2];
  bool on_own_thread[2] = {false, false};
};

inline constexpr int kPerReactor = 100;
inline constexpr int kCoroutinesPerReactor = 4;

inline Task<void> DeliverFromReactor(int core, void* shared) {
  auto* s = static_cast<TwoReactors*>(shared);
  const std::thread::id thread = std::this_thread::get_id();
  Latch latch(kCoroutinesPerReactor);
  for (int i = 0; i < kCoroutinesPerReactor; ++i) {
    Spawn(conformance::DeliverMany(s->store, s->inbox, core * 100 + i,
                                   kPerReactor / kCoroutinesPerReactor, &s->placed[core], &latch));
  }
  co_await latch.Wait();
  s->on_own_thread[core] = std::this_thread::get_id() == thread;
}

inline Task<void> CreateAlice(MetadataStore* store, int64_t* inbox) {
  CO_ASSERT_OK(alice, conformance::MakeAccount(store, "alice"));
  *inbox = alice->Mailbox("INBOX");
}

// Delivers 2 × kPerReactor messages into a new account's INBOX from two reactor threads and
// checks the UIDs and modseqs handed out.
inline void DeliverFromTwoReactors(MetadataStore* store) {
  TwoReactors shared;
  shared.store = store;
  RunOnReactor(CreateAlice(store, &shared.inbox));
  ASSERT_GT(shared.inbox, 0);
  RunOnReactors(2, DeliverFromReactor, &shared);
  EXPECT_TRUE(shared.on_own_thread[0]);
  EXPECT_TRUE(shared.on_own_thread[1]);
  std::vector<PlacedMessage> all = shared.placed[0];
  all.insert(all.end(), shared.placed[1].begin(), shared.placed[1].end());
  conformance::ExpectDistinctUidsAndIncreasingModseqs(all, 2 * kPerReactor);
}

}  // namespace ringmail::testing
