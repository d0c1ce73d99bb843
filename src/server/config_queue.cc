// [queue] (docs/config.md): the outbound queue and its smarthost.
#include "server/config_reader.h"

namespace ringmail::config_internal {
namespace {

constexpr uint32_t kLifetimeMax = 30 * 86400;  // [queue] lifetime, seconds
constexpr uint32_t kRetryStepMax = 86400;      // one step of [queue] retry-schedule
constexpr size_t kRetryStepsMax = 32;
constexpr uint32_t kConcurrencyMax = 256;

// "host:port", "[v6]:port" or "host" (port 25).
Result<void> ReadSmarthost(const Section& s, QueueConfig* queue) {
  std::string text;
  TRY(s.String("smarthost", &text));
  const int line = LineOf(*s.Find("smarthost"));
  std::string host = text;
  std::string port = "25";
  if (text.starts_with("[")) {
    const size_t end = text.find(']');
    if (end == std::string::npos)
      return s.Fail(line, "smarthost '" + Printable(text) + "': no ']'");
    host = text.substr(1, end - 1);
    if (end + 1 < text.size()) {
      if (text[end + 1] != ':') return s.Fail(line, "smarthost: expected HOST:PORT");
      port = text.substr(end + 2);
    }
  } else if (const size_t colon = text.rfind(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  char* end = nullptr;
  const unsigned long p = std::strtoul(port.c_str(), &end, 10);
  if (host.empty() || port.empty() || *end != '\0' || p == 0 || p > 65535) {
    return s.Fail(line, "smarthost '" + Printable(text) + "' is not HOST:PORT");
  }
  queue->smarthost_host = host;
  queue->smarthost_port = static_cast<uint16_t>(p);
  return {};
}

Result<void> ReadRetrySchedule(const Section& s, QueueConfig* queue) {
  const toml::node* node = s.Find("retry-schedule");
  if (node == nullptr) return {};
  const toml::array* array = node->as_array();
  if (array == nullptr || array->empty() || array->size() > kRetryStepsMax) {
    return s.Fail(LineOf(*node), "retry-schedule must be an array of 1 to 32 durations in seconds");
  }
  std::vector<uint32_t> steps;
  for (const toml::node& step : *array) {
    const std::optional<int64_t> v = step.value<int64_t>();
    if (!v || *v < 1 || *v > kRetryStepMax) {
      return s.Fail(LineOf(step), "retry-schedule: each step is 1 to 86400 seconds");
    }
    steps.push_back(static_cast<uint32_t>(*v));
  }
  queue->retry_schedule_s = std::move(steps);
  return {};
}

// smarthost-tls and what goes with it; AUTH over a plain connection only when asked for.
Result<void> ReadSmarthostTls(const Section& s, QueueConfig* queue) {
  static constexpr std::string_view kTls[] = {"none", "starttls", "implicit"};
  size_t tls = 0;
  TRY(s.OneOf("smarthost-tls", "smarthost-tls", kTls, &tls));
  queue->smarthost_tls = std::string(kTls[tls]);
  TRY(s.String("smarthost-ca-file", &queue->smarthost_ca_file));
  TRY(s.Bool("smarthost-tls-verify", &queue->smarthost_tls_verify));
  TRY(s.Bool("smarthost-auth-without-tls", &queue->smarthost_auth_without_tls));
  if (tls == 0 && !queue->smarthost_user.empty() && !queue->smarthost_auth_without_tls) {
    const toml::node* user = s.Find("smarthost-user");
    return s.Fail(LineOf(*user),
                  "smarthost-user with smarthost-tls = \"none\" sends the password in clear: "
                  "set smarthost-tls, or smarthost-auth-without-tls = true");
  }
  return {};
}

}  // namespace

Result<void> ReadQueue(const Section& s, QueueConfig* queue) {
  TRY(s.AllowOnly({"smarthost", "smarthost-user", "smarthost-password", "smarthost-password-file",
                   "smarthost-tls", "smarthost-ca-file", "smarthost-tls-verify",
                   "smarthost-auth-without-tls", "lifetime", "delay-notice", "retry-schedule",
                   "concurrency", "poll-interval"}));
  if (s.Find("smarthost") != nullptr) TRY(ReadSmarthost(s, queue));
  TRY(s.String("smarthost-user", &queue->smarthost_user));
  TRY(s.String("smarthost-password", &queue->smarthost_password));
  TRY(s.String("smarthost-password-file", &queue->smarthost_password_file));
  if (s.Find("smarthost-password") != nullptr && s.Find("smarthost-password-file") != nullptr) {
    return s.Fail(LineOf(*s.Find("smarthost-password-file")),
                  "give smarthost-password or smarthost-password-file, not both");
  }
  TRY(ReadSmarthostTls(s, queue));
  TRY(s.Uint32("lifetime", 60, kLifetimeMax, &queue->lifetime_s));
  TRY(s.Uint32("delay-notice", 0, kLifetimeMax, &queue->delay_notice_s));
  TRY(ReadRetrySchedule(s, queue));
  TRY(s.Uint32("concurrency", 1, kConcurrencyMax, &queue->concurrency));
  TRY(s.Uint32("poll-interval", 1, 3600, &queue->poll_interval_s));
  return {};
}

}  // namespace ringmail::config_internal
