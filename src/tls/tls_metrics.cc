#include "tls/tls_metrics.h"

#include "base/check.h"
#include "base/result.h"

namespace ringmail {
namespace {
TlsMetrics g_metrics;
bool g_registered = false;
}  // namespace

const TlsMetrics& RegisterTlsMetrics() {
  auto& r = MetricsRegistry::Global();
  if (g_registered && r.frozen()) return g_metrics;
  const auto kC = MetricType::kCounter;
  const char* sessions = "ringmail_tls_sessions_total";
  const char* sessions_help = "TLS sessions established, by where records are encrypted.";
  g_metrics.sessions_user = r.Register(sessions, sessions_help, kC, "mode=\"user\"");
  g_metrics.sessions_ktls = r.Register(sessions, sessions_help, kC, "mode=\"ktls\"");
  const char* failed = "ringmail_tls_handshake_failures_total";
  const char* failed_help = "TLS handshakes that failed, by reason.";
  g_metrics.failed_timeout = r.Register(failed, failed_help, kC, "reason=\"timeout\"");
  g_metrics.failed_closed = r.Register(failed, failed_help, kC, "reason=\"closed\"");
  g_metrics.failed_version = r.Register(failed, failed_help, kC, "reason=\"version\"");
  g_metrics.failed_cipher = r.Register(failed, failed_help, kC, "reason=\"cipher\"");
  g_metrics.failed_protocol = r.Register(failed, failed_help, kC, "reason=\"protocol\"");
  g_registered = true;
  return g_metrics;
}

const TlsMetrics& GetTlsMetrics() {
  CHECK(g_registered);
  return g_metrics;
}

MetricId HandshakeFailureMetric(const TlsMetrics& metrics, ErrorCode code,
                                std::string_view message) {
  if (code == ErrorCode::kTimeout) return metrics.failed_timeout;
  if (code == ErrorCode::kClosed || code == ErrorCode::kShutdown) return metrics.failed_closed;
  if (message.starts_with("version:")) return metrics.failed_version;
  if (message.starts_with("cipher:")) return metrics.failed_cipher;
  return metrics.failed_protocol;
}

}  // namespace ringmail
