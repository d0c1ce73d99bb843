#include "runtime/runtime_metrics.h"

#include <string>

#include "base/check.h"

namespace ringmail {
namespace {
RuntimeMetrics g_metrics;
bool g_registered = false;
}  // namespace

const RuntimeMetrics& RegisterRuntimeMetrics() {
  auto& r = MetricsRegistry::Global();
  // Registration is idempotent, so a registry reset by a test simply gets them again.
  if (g_registered && r.frozen()) return g_metrics;
  const auto kC = MetricType::kCounter;
  g_metrics.sqes_submitted =
      r.Register("ringmail_io_uring_submits_total", "Submission queue entries submitted.", kC);
  g_metrics.ring_enters =
      r.Register("ringmail_io_uring_enter_total", "io_uring_enter system calls.", kC);
  g_metrics.completions =
      r.Register("ringmail_io_uring_completions_total", "Completion queue entries handled.", kC);
  g_metrics.buffer_ring_exhausted = r.Register("ringmail_buffer_ring_exhausted_total",
                                               "Receives that found the buffer ring empty.", kC);
  g_metrics.timeouts =
      r.Register("ringmail_timeouts_total", "Reads and writes ended by their deadline.", kC);
  g_metrics.errors = r.Register("ringmail_errors_total", "Runtime I/O errors.", kC);
  g_metrics.messages = r.Register("ringmail_cross_core_messages_total",
                                  "Cross-core messages posted by reactors.", kC);
  g_metrics.worker_jobs =
      r.Register("ringmail_worker_jobs_total", "Blocking jobs completed by the worker pool.", kC);
  g_registered = true;
  return g_metrics;
}

const RuntimeMetrics& GetRuntimeMetrics() {
  CHECK(g_registered);
  return g_metrics;
}

ListenerMetrics RegisterListenerMetrics(std::string_view listener_name) {
  auto& r = MetricsRegistry::Global();
  std::string labels = "listener=\"" + std::string(listener_name) + "\"";
  ListenerMetrics m;
  m.accepted = r.Register("ringmail_connections_accepted_total", "Connections accepted.",
                          MetricType::kCounter, labels);
  m.refused =
      r.Register("ringmail_connections_refused_total", "Connections refused at a connection limit.",
                 MetricType::kCounter, labels);
  m.open =
      r.Register("ringmail_connections_open", "Connections open now.", MetricType::kGauge, labels);
  m.bytes_in =
      r.Register("ringmail_received_bytes_total", "Bytes received.", MetricType::kCounter, labels);
  m.bytes_out =
      r.Register("ringmail_sent_bytes_total", "Bytes sent.", MetricType::kCounter, labels);
  return m;
}

}  // namespace ringmail
