#include "server/directory_setup.h"

#include <algorithm>

#include "base/check.h"
#include "base/metrics.h"
#include "directory/internal_directory.h"
#include "directory/memory_directory.h"
#include "directory/secret.h"
#include "directory/sql_directory.h"

namespace ringmail {
namespace {

bool AllListenersOnLoopback(const Config& config) {
  const NetworkList loopback = NetworkList::Loopback();
  return std::all_of(config.listeners.begin(), config.listeners.end(), [&](const auto& l) {
    return std::all_of(l.bind.begin(), l.bind.end(),
                       [&](const SocketAddress& a) { return loopback.Contains(a); });
  });
}

std::unexpected<Error> ConfigError(const Config& config, int line, const std::string& scope,
                                   const std::string& reason) {
  std::string where = config.path;
  if (line > 0) where += ":" + std::to_string(line);
  return MakeError(ErrorCode::kConfig, where + ": " + scope + ": " + reason);
}

Result<std::unique_ptr<Directory>> MakeDirectory(const Config& config, MetadataStore* metadata,
                                                 WorkerPool* workers, size_t cores) {
  const DirectoryConfig& d = config.directory;
  if (d.type == "memory") {
    Result<std::unique_ptr<MemoryDirectory>> memory =
        MemoryDirectory::Create(d.principals, d.domains);
    if (!memory) return ConfigError(config, 0, "[directory]", memory.error().message);
    return std::unique_ptr<Directory>(std::move(*memory));
  }
  if (d.type == "sql") {
    Result<std::unique_ptr<SqlDirectory>> sql = SqlDirectory::Create(d.sql, workers, cores);
    if (!sql) return ConfigError(config, 0, "[directory.sql]", sql.error().message);
    return std::unique_ptr<Directory>(std::move(*sql));
  }
  return std::unique_ptr<Directory>(std::make_unique<InternalDirectory>(metadata));
}

}  // namespace

Result<void> CheckFallbackAdmin(const Config& config) {
  const FallbackAdminConfig& admin = config.fallback_admin;
  if (!admin.present || AllListenersOnLoopback(config)) return {};
  const std::string scope = "[authentication.fallback-admin]";
  if (!IsHashedSecret(admin.secret)) {
    return ConfigError(config, admin.line, scope,
                       "a plain-text secret is allowed only while every listener is on "
                       "loopback; store a hash (ringmail's docs/directory.md says how)");
  }
  if (admin.user == "admin" && VerifySecret(admin.secret, "admin").value_or(false)) {
    return ConfigError(config, admin.line, scope,
                       "the default admin/admin is allowed only while every listener is on "
                       "loopback; choose another password");
  }
  return {};
}

Result<DirectoryServices> OpenDirectory(const Config& config, MetadataStore* metadata,
                                        WorkerPool* workers, size_t cores) {
  DirectoryServices s;
  s.directory = TRY(MakeDirectory(config, metadata, workers, cores));
  s.auth_settings = std::make_unique<AuthSettings>();
  Result<NetworkList> networks = NetworkList::Parse(config.authentication.plain_text_networks);
  CHECK(networks.has_value(), "the config checked the networks");
  s.auth_settings->plain_text_networks = std::move(*networks);
  s.auth_settings->rate_limits = config.authentication.rate_limits;
  s.auth_settings->verified_secret_ttl_ms =
      uint64_t{config.authentication.login_cache_ttl_s} * 1000;
  if (config.fallback_admin.present) {
    s.auth_settings->fallback_admin =
        FallbackAdmin{config.fallback_admin.user, config.fallback_admin.secret};
  }
  s.auth_metrics = std::make_unique<AuthRateLimiterMetrics>(
      RegisterAuthRateLimiterMetrics(MetricsRegistry::Global()));
  s.authenticator = std::make_unique<Authenticator>(
      s.directory.get(), workers, s.auth_settings.get(), cores, s.auth_metrics.get());
  s.recipient_rules.subaddress_separators = config.directory.subaddress_separators;
  return s;
}

}  // namespace ringmail
