// [imap] (docs/config.md): defaults, every key, ranges and unknown keys.
#include <gtest/gtest.h>

#include <string>

#include "server/config.h"

namespace ringmail {
namespace {

constexpr char kListener[] = R"(
[listener.imap]
protocol = "imap"
bind = "127.0.0.1:10143"
)";

TEST(ConfigImapTest, Defaults) {
  Result<Config> c = ParseConfig(kListener, "/etc/ringmail.toml");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->imap.line_size_max, 64u * 1024);
  EXPECT_EQ(c->imap.literal_size_max, 64u * 1024);
  EXPECT_EQ(c->imap.append_size_max, 64ull << 20);
  EXPECT_EQ(c->imap.login_timeout_ms, 60000u);
  EXPECT_EQ(c->imap.idle_timeout_ms, 1800000u);
  EXPECT_EQ(c->imap.idle_duration_max_ms, 1740000u);
  EXPECT_EQ(c->imap.bad_commands_max, 10u);
}

TEST(ConfigImapTest, EveryKey) {
  Result<Config> c = ParseConfig(std::string(R"([imap]
line-size-max = 16384
literal-size-max = 4096
append-size-max = 1048576
login-timeout-ms = 5000
idle-timeout-ms = 120000
idle-duration-max-ms = 600000
bad-commands-max = 3
)") + kListener,
                                 "/etc/ringmail.toml");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->imap.line_size_max, 16384u);
  EXPECT_EQ(c->imap.literal_size_max, 4096u);
  EXPECT_EQ(c->imap.append_size_max, 1048576u);
  EXPECT_EQ(c->imap.login_timeout_ms, 5000u);
  EXPECT_EQ(c->imap.idle_timeout_ms, 120000u);
  EXPECT_EQ(c->imap.idle_duration_max_ms, 600000u);
  EXPECT_EQ(c->imap.bad_commands_max, 3u);
}

TEST(ConfigImapTest, RangesAndUnknownKeys) {
  for (const char* bad :
       {"line-size-max = 100", "literal-size-max = 0", "append-size-max = 99999999999",
        "idle-timeout-ms = 1000", "bad-commands-max = 0", "nesting = 3"}) {
    Result<Config> c =
        ParseConfig(std::string("[imap]\n") + bad + "\n" + kListener, "/etc/ringmail.toml");
    ASSERT_FALSE(c.has_value()) << bad;
    EXPECT_EQ(c.error().code, ErrorCode::kConfig) << bad;
    EXPECT_NE(c.error().message.find("/etc/ringmail.toml:2:"), std::string::npos)
        << bad << ": " << c.error().message;
  }
}

}  // namespace
}  // namespace ringmail
