// Turns `[directory]` and `[authentication]` (docs/config.md) into the running directory, the
// recipient rules and the Authenticator the protocols share.
#pragma once

#include <memory>

#include "base/result.h"
#include "directory/authenticator.h"
#include "directory/directory.h"
#include "directory/recipients.h"
#include "runtime/worker_pool.h"
#include "server/config.h"
#include "store/metadata_store.h"

namespace ringmail {

// Must outlive every reactor that uses them; the metadata store and the worker pool given
// to OpenDirectory must outlive them.
struct DirectoryServices {
  std::unique_ptr<Directory> directory;
  std::unique_ptr<AuthSettings> auth_settings;
  std::unique_ptr<AuthRateLimiterMetrics> auth_metrics;
  std::unique_ptr<Authenticator> authenticator;
  RecipientRules recipient_rules;
};

// The fallback administrator's secret: plain text ({PLAIN}) and the default admin/admin are
// refused unless every listener is bound to loopback only (a development setup). kConfig
// "PATH:LINE: [authentication.fallback-admin]: reason". Hashes "admin" once (blocking).
Result<void> CheckFallbackAdmin(const Config& config);

// Opens the configured directory (no I/O yet for `sql`: its connections open on first use)
// and the Authenticator for `cores` reactor cores. REQUIRES: the metrics registry is not
// frozen yet (the rate limiter's metrics are registered here). kConfig errors as above.
Result<DirectoryServices> OpenDirectory(const Config& config, MetadataStore* metadata,
                                        WorkerPool* workers, size_t cores);

}  // namespace ringmail
