// The runtime's own metrics (ids into MetricsRegistry::Global()). Registered once at
// start-up, before MetricsRegistry::Freeze.
#pragma once

#include <string_view>

#include "base/metrics.h"

namespace ringmail {

struct RuntimeMetrics {
  MetricId sqes_submitted;
  MetricId ring_enters;
  MetricId completions;
  MetricId buffer_ring_exhausted;
  MetricId timeouts;
  MetricId errors;
  MetricId messages;
  MetricId worker_jobs;
};

// REQUIRES: called before the registry is frozen (or again after a test reset it);
// idempotent.
const RuntimeMetrics& RegisterRuntimeMetrics();
// REQUIRES: RegisterRuntimeMetrics() was called.
const RuntimeMetrics& GetRuntimeMetrics();

// Per-listener connection and traffic metrics, labelled listener="NAME".
struct ListenerMetrics {
  MetricId accepted;
  MetricId refused;
  MetricId open;
  MetricId bytes_in;
  MetricId bytes_out;
};
ListenerMetrics RegisterListenerMetrics(std::string_view listener_name);

}  // namespace ringmail
