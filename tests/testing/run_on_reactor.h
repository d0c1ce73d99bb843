// RunOnReactor: runs one coroutine to completion on a reactor created on the calling thread,
// for tests of code that needs a ring (file I/O, stores, clients) but no listener.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <utility>

#include "base/metrics.h"
#include "runtime/reactor.h"
#include "runtime/runtime_metrics.h"
#include "runtime/task.h"

namespace ringmail::testing {

namespace internal {
inline Task<void> RunThenStop(Task<void> task, Reactor* reactor) {
  co_await std::move(task);
  reactor->RequestStop();
}
}  // namespace internal

inline void RunOnReactor(Task<void> task, ReactorOptions options = {}) {
  MetricsRegistry::Global().ResetForTesting();
  RegisterRuntimeMetrics();
  MetricsRegistry::Global().Freeze(1);
  options.core = 0;
  options.recv_buffer_count = 64;
  options.direct_files_max = 256;
  Result<std::unique_ptr<Reactor>> reactor = Reactor::Create(options);
  ASSERT_TRUE(reactor.has_value()) << reactor.error().ToString();
  Spawn(internal::RunThenStop(std::move(task), reactor->get()));
  (*reactor)->Run();
}

}  // namespace ringmail::testing
