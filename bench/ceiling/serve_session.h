// The connection loop both ceilings share: greet, then read, let the session answer what is
// complete (queued on the connection), consume it, flush — the shape of every ringmail
// session — until the session is closed or the connection ends.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/metrics.h"
#include "runtime/connection.h"
#include "runtime/reactor.h"
#include "runtime/task.h"

namespace ringmail::bench {

// Session: static kGreeting; size_t Feed(std::string_view input, Stream& out) (bytes used);
// bool closed(); uint64_t count() (operations answered so far, added to `counter`).
template <typename Session>
Task<void> ServeSession(Connection& conn, Session& session, MetricId counter) {
  conn.Write(Session::kGreeting);
  if (!(co_await conn.Flush())) co_return;
  while (!session.closed()) {
    Result<std::string_view> input = co_await conn.Read();
    if (!input) co_return;
    const uint64_t before = session.count();
    conn.Consume(session.Feed(*input, conn));
    if (session.count() > before) {
      conn.reactor().metrics().Add(counter, static_cast<int64_t>(session.count() - before));
    }
    if (!(co_await conn.Flush())) co_return;
  }
}

}  // namespace ringmail::bench
