// The `metrics` protocol: HTTP/1.1 serving the Prometheus text exposition at GET /metrics,
// summed over every core's shard at scrape time. Keep-alive and pipelined requests are
// answered in order, one flush per batch of requests that arrived together.
#pragma once

#include "server/protocol_setup.h"

namespace ringmail {

class MetricsHandler : public SessionHandler {
 public:
  Task<void> Serve(Stream& stream, StreamUpgrader* starttls) override;
};

}  // namespace ringmail
