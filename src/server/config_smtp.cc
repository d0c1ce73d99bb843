// [smtp] (docs/config.md).
#include <array>

#include "directory/network_list.h"
#include "server/config_reader.h"

namespace ringmail::config_internal {

Result<void> ReadSmtp(const Section& s, SmtpConfig* smtp) {
  TRY(s.AllowOnly({"message-size-max", "recipients-max", "errors-max", "hops-max",
                   "command-timeout-ms", "data-timeout-ms", "greeting-delay-ms", "bare-newlines",
                   "relay-networks", "must-match-sender", "connections-per-source-max",
                   "messages-per-source-per-minute"}));
  TRY(s.Uint64("message-size-max", 1024, 4ull << 30, &smtp->message_size_max));
  TRY(s.Uint32("recipients-max", 1, 100000, &smtp->recipients_max));
  TRY(s.Uint32("errors-max", 1, 1000, &smtp->errors_max));
  TRY(s.Uint32("hops-max", 1, 1000, &smtp->hops_max));
  TRY(s.Uint32("command-timeout-ms", 1000, 3600000, &smtp->command_timeout_ms));
  TRY(s.Uint32("data-timeout-ms", 1000, 3600000, &smtp->data_timeout_ms));
  TRY(s.Uint32("greeting-delay-ms", 0, 60000, &smtp->greeting_delay_ms));
  TRY(s.Bool("must-match-sender", &smtp->must_match_sender));
  TRY(s.Uint32("connections-per-source-max", 0, 1000000, &smtp->connections_per_source_max));
  TRY(s.Uint32("messages-per-source-per-minute", 0, 1000000,
               &smtp->messages_per_source_per_minute));
  static constexpr std::array<std::string_view, 3> kPolicies = {"reject", "normalise", "normalize"};
  size_t policy = smtp->normalize_bare_newlines ? 1 : 0;
  TRY(s.OneOf("bare-newlines", "bare-newlines policy", kPolicies, &policy));
  smtp->normalize_bare_newlines = policy != 0;
  if (auto networks = TRY(s.Strings("relay-networks", /*single_allowed=*/true))) {
    smtp->relay_networks.clear();
    for (const LinedString& n : *networks) smtp->relay_networks.push_back(n.value);
    Result<NetworkList> parsed = NetworkList::Parse(smtp->relay_networks);
    if (!parsed) {
      return s.Fail(LineOf(*s.Find("relay-networks")), "relay-networks: " + parsed.error().message);
    }
  }
  return {};
}

}  // namespace ringmail::config_internal
