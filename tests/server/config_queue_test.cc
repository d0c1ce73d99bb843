// [queue] (docs/config.md): the smarthost, its credentials, lifetime and retry schedule.
#include <gtest/gtest.h>

#include <string>

#include "server/config.h"

namespace ringmail {
namespace {

constexpr char kPath[] = "/etc/ringmail.toml";
constexpr char kListener[] = R"(
[listener.imap]
protocol = "imap"
bind = "127.0.0.1:10143"
)";

Result<Config> Parse(const std::string& queue) {
  return ParseConfig(std::string(kListener) + "\n[queue]\n" + queue, kPath);
}

std::string ErrorOf(const std::string& queue) {
  Result<Config> config = Parse(queue);
  return config ? "<ok>" : config.error().message;
}

TEST(ConfigQueueTest, Defaults) {
  Result<Config> config = ParseConfig(kListener, kPath);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->queue.smarthost_host, "");
  EXPECT_EQ(config->queue.lifetime_s, 5u * 86400);
  EXPECT_EQ(config->queue.retry_schedule_s.front(), 60u);
  EXPECT_EQ(config->queue.concurrency, 4u);
  EXPECT_EQ(config->queue.smarthost_tls, "none");
  EXPECT_TRUE(config->queue.smarthost_tls_verify);
  EXPECT_EQ(config->queue.delay_notice_s, 4u * 3600);
}

TEST(ConfigQueueTest, CredentialsOverPlainTextOnlyWhenAskedFor) {
  EXPECT_NE(ErrorOf("smarthost-user = \"mx\"\n").find("sends the password in clear"),
            std::string::npos);
  Result<Config> allowed = Parse("smarthost-user = \"mx\"\nsmarthost-auth-without-tls = true\n");
  ASSERT_TRUE(allowed.has_value()) << allowed.error().message;
  EXPECT_TRUE(allowed->queue.smarthost_auth_without_tls);
  Result<Config> implicit = Parse("smarthost-user = \"mx\"\nsmarthost-tls = \"implicit\"\n");
  ASSERT_TRUE(implicit.has_value()) << implicit.error().message;
  EXPECT_EQ(implicit->queue.smarthost_tls, "implicit");
}

TEST(ConfigQueueTest, AllKeys) {
  Result<Config> config = Parse(R"(smarthost = "relay.example.net:587"
smarthost-user = "mx1"
smarthost-password = "pw"
smarthost-tls = "starttls"
smarthost-ca-file = "/etc/ringmail/ca.pem"
smarthost-tls-verify = false
lifetime = 86400
delay-notice = 0
retry-schedule = [10, 20]
concurrency = 8
poll-interval = 5
)");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const QueueConfig& q = config->queue;
  EXPECT_EQ(q.smarthost_host, "relay.example.net");
  EXPECT_EQ(q.smarthost_port, 587);
  EXPECT_EQ(q.smarthost_user, "mx1");
  EXPECT_EQ(q.smarthost_password, "pw");
  EXPECT_EQ(q.smarthost_tls, "starttls");
  EXPECT_EQ(q.smarthost_ca_file, "/etc/ringmail/ca.pem");
  EXPECT_FALSE(q.smarthost_tls_verify);
  EXPECT_EQ(q.lifetime_s, 86400u);
  EXPECT_EQ(q.delay_notice_s, 0u);
  EXPECT_EQ(q.retry_schedule_s, (std::vector<uint32_t>{10, 20}));
  EXPECT_EQ(q.concurrency, 8u);
  EXPECT_EQ(q.poll_interval_s, 5u);
}

TEST(ConfigQueueTest, SmarthostForms) {
  Result<Config> v6 = Parse("smarthost = \"[::1]:2525\"\n");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->queue.smarthost_host, "::1");
  EXPECT_EQ(v6->queue.smarthost_port, 2525);
  Result<Config> bare = Parse("smarthost = \"relay\"\n");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->queue.smarthost_port, 25);
}

TEST(ConfigQueueTest, Refused) {
  EXPECT_NE(ErrorOf("smarthost = \"relay:0\"\n").find("is not HOST:PORT"), std::string::npos);
  EXPECT_NE(ErrorOf("smarthost = \"relay:x\"\n").find("is not HOST:PORT"), std::string::npos);
  EXPECT_NE(ErrorOf("smarthost-tls = \"tls\"\n").find("smarthost-tls"), std::string::npos);
  EXPECT_NE(ErrorOf("retry-schedule = []\n").find("retry-schedule"), std::string::npos);
  EXPECT_NE(ErrorOf("retry-schedule = [0]\n").find("retry-schedule"), std::string::npos);
  EXPECT_NE(ErrorOf("lifetime = 1\n").find("lifetime"), std::string::npos);
  EXPECT_NE(
      ErrorOf("smarthost-password = \"a\"\nsmarthost-password-file = \"/f\"\n").find("not both"),
      std::string::npos);
  EXPECT_NE(ErrorOf("bogus = 1\n").find("bogus"), std::string::npos);
}

}  // namespace
}  // namespace ringmail
