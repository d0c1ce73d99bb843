// [smtp] (docs/config.md): every key, its defaults, and its errors.
#include <gtest/gtest.h>

#include <string>

#include "server/config.h"

namespace ringmail {
namespace {

constexpr char kPath[] = "/etc/ringmail.toml";
constexpr char kListener[] = R"(
[listener.smtp]
protocol = "smtp"
bind = "127.0.0.1:10025"
)";

std::string ErrorOf(const std::string& smtp) {
  Result<Config> config = ParseConfig(smtp + kListener, kPath);
  if (config) return "<ok>";
  EXPECT_EQ(config.error().code, ErrorCode::kConfig);
  return config.error().message;
}

TEST(ConfigSmtp, Defaults) {
  Result<Config> config = ParseConfig(kListener, kPath);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const SmtpConfig& s = config->smtp;
  EXPECT_EQ(s.message_size_max, 50ull << 20);
  EXPECT_EQ(s.recipients_max, 100u);
  EXPECT_EQ(s.errors_max, 20u);
  EXPECT_EQ(s.hops_max, 50u);
  EXPECT_EQ(s.command_timeout_ms, 300000u);
  EXPECT_EQ(s.data_timeout_ms, 180000u);
  EXPECT_EQ(s.greeting_delay_ms, 0u);
  EXPECT_FALSE(s.normalize_bare_newlines);
  EXPECT_TRUE(s.relay_networks.empty());
  EXPECT_TRUE(s.must_match_sender);
  EXPECT_EQ(s.connections_per_source_max, 50u);
}

TEST(ConfigSmtp, EveryKey) {
  Result<Config> config = ParseConfig(std::string(R"([smtp]
message-size-max = 1048576
recipients-max = 500
errors-max = 5
hops-max = 30
command-timeout-ms = 60000
data-timeout-ms = 120000
greeting-delay-ms = 1000
bare-newlines = "normalise"
relay-networks = ["10.0.0.0/8", "2001:db8::/32"]
must-match-sender = false
connections-per-source-max = 0
)") + kListener,
                                      kPath);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const SmtpConfig& s = config->smtp;
  EXPECT_EQ(s.message_size_max, 1048576u);
  EXPECT_EQ(s.recipients_max, 500u);
  EXPECT_EQ(s.errors_max, 5u);
  EXPECT_EQ(s.hops_max, 30u);
  EXPECT_EQ(s.command_timeout_ms, 60000u);
  EXPECT_EQ(s.data_timeout_ms, 120000u);
  EXPECT_EQ(s.greeting_delay_ms, 1000u);
  EXPECT_TRUE(s.normalize_bare_newlines);
  EXPECT_EQ(s.relay_networks, (std::vector<std::string>{"10.0.0.0/8", "2001:db8::/32"}));
  EXPECT_FALSE(s.must_match_sender);
  EXPECT_EQ(s.connections_per_source_max, 0u);
  EXPECT_EQ(ErrorOf("[smtp]\nbare-newlines = \"normalize\"\n"), "<ok>");
  EXPECT_EQ(ErrorOf("[smtp]\nrelay-networks = \"192.0.2.0/24\"\n"), "<ok>");
}

TEST(ConfigSmtp, Errors) {
  EXPECT_EQ(ErrorOf("[smtp]\nsize = 1\n"), "/etc/ringmail.toml:2: [smtp]: unknown key 'size'");
  EXPECT_NE(ErrorOf("[smtp]\nrecipients-max = 0\n").find(":2: [smtp]: recipients-max"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[smtp]\nmessage-size-max = 10\n").find(":2: [smtp]: message-size-max"),
            std::string::npos);
  EXPECT_NE(ErrorOf("\n[smtp]\nbare-newlines = \"fix\"\n").find(":3: [smtp]: unknown "),
            std::string::npos);
  EXPECT_NE(
      ErrorOf("[smtp]\nrelay-networks = [\"10.0.0.0/33\"]\n").find(":2: [smtp]: relay-networks: "),
      std::string::npos);
  EXPECT_NE(ErrorOf("[smtp]\nmust-match-sender = \"yes\"\n").find(":2: [smtp]: must-match-sender"),
            std::string::npos);
}

}  // namespace
}  // namespace ringmail
