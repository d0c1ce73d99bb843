// [http] (docs/config.md).
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

}  // namespace ringmail::config_internal
