// The TLS layer's metrics (ids into MetricsRegistry::Global()): sessions by where records are
// encrypted after the handshake (mode="user": wolfSSL in userspace; mode="ktls": the kernel),
// and handshake failures by reason.
#pragma once

#include <string_view>

#include "base/metrics.h"
#include "base/result.h"

namespace ringmail {

struct TlsMetrics {
  MetricId sessions_user;
  MetricId sessions_ktls;
  MetricId failed_timeout;   // the client did not finish in time
  MetricId failed_closed;    // the client went away mid-handshake
  MetricId failed_version;   // an old protocol version (TLS 1.0/1.1, SSL)
  MetricId failed_cipher;    // no suite in common
  MetricId failed_protocol;  // anything else: garbage, bad messages, alerts
};

// REQUIRES: before the registry is frozen; idempotent.
const TlsMetrics& RegisterTlsMetrics();
// REQUIRES: RegisterTlsMetrics() was called.
const TlsMetrics& GetTlsMetrics();

// Which failure counter a handshake error belongs to (TlsStream::Handshake's errors).
MetricId HandshakeFailureMetric(const TlsMetrics& metrics, ErrorCode code,
                                std::string_view message);

}  // namespace ringmail
