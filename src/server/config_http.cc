// [http] and [jmap] (docs/config.md).
#include "server/config_reader.h"

namespace ringmail::config_internal {

Result<void> ReadHttp(const Section& s, HttpConfig* http) {
  TRY(s.AllowOnly({"body-size-max", "header-count-max", "request-timeout-ms", "mta-sts-mode",
                   "mta-sts-max-age", "admin-api"}));
  TRY(s.Uint64("body-size-max", 1024, 1ull << 30, &http->body_size_max));
  TRY(s.Uint32("header-count-max", 8, 1000, &http->header_count_max));
  TRY(s.Uint32("request-timeout-ms", 1000, 600000, &http->request_timeout_ms));
  static constexpr std::string_view kModes[] = {"none", "testing", "enforce"};
  size_t mode = 1;
  TRY(s.OneOf("mta-sts-mode", "MTA-STS mode", kModes, &mode));
  http->mta_sts_mode = kModes[mode];
  TRY(s.Uint32("mta-sts-max-age", 86400, 31557600, &http->mta_sts_max_age_s));
  TRY(s.Bool("admin-api", &http->admin_api));
  return {};
}

Result<void> ReadJmap(const Section& s, jmap::Limits* l) {
  TRY(s.AllowOnly({"max-size-upload", "max-concurrent-upload", "max-size-request",
                   "max-concurrent-requests", "max-calls-in-request", "max-objects-in-get",
                   "max-objects-in-set"}));
  TRY(s.Uint64("max-size-upload", 1024, 1ull << 32, &l->max_size_upload));
  TRY(s.Uint32("max-concurrent-upload", 1, 10000, &l->max_concurrent_upload));
  TRY(s.Uint64("max-size-request", 1024, 1ull << 30, &l->max_size_request));
  TRY(s.Uint32("max-concurrent-requests", 1, 10000, &l->max_concurrent_requests));
  TRY(s.Uint32("max-calls-in-request", 1, 1000, &l->max_calls_in_request));
  TRY(s.Uint32("max-objects-in-get", 1, 100000, &l->max_objects_in_get));
  TRY(s.Uint32("max-objects-in-set", 1, 100000, &l->max_objects_in_set));
  return {};
}

}  // namespace ringmail::config_internal
