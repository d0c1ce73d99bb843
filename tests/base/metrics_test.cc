#include "base/metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ringmail {
namespace {

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  EXPECT_EQ(start, text.size()) << "output must end with a newline";
  return out;
}

TEST(BaseMetrics, RegisterIsIdempotentPerNameAndLabels) {
  MetricsRegistry r;
  MetricId a = r.Register("x_total", "X.", MetricType::kCounter);
  MetricId b = r.Register("x_total", "X.", MetricType::kCounter, "k=\"1\"");
  MetricId c = r.Register("x_total", "X.", MetricType::kCounter);
  MetricId d = r.Register("x_total", "X.", MetricType::kCounter, "k=\"1\"");
  EXPECT_EQ(a, c);
  EXPECT_EQ(b, d);
  EXPECT_NE(a, b);
}

TEST(BaseMetrics, TotalSumsShards) {
  MetricsRegistry r;
  MetricId requests = r.Register("requests_total", "Requests.", MetricType::kCounter);
  MetricId open = r.Register("open", "Open now.", MetricType::kGauge);
  EXPECT_FALSE(r.frozen());
  r.Freeze(3);
  EXPECT_TRUE(r.frozen());
  EXPECT_EQ(r.shard_count(), 3);
  r.shard(0).Inc(requests);
  r.shard(1).Add(requests, 10);
  r.shard(2).Add(requests, 100);
  EXPECT_EQ(r.Total(requests), 111);
  EXPECT_EQ(r.shard(1).Get(requests), 10);
  // A gauge may go below zero on one core (a connection closed on the core that counts it
  // down) as long as the sum is right.
  r.shard(0).Add(open, 3);
  r.shard(1).Add(open, -1);
  EXPECT_EQ(r.Total(open), 2);
  r.shard(2).Set(open, 5);
  EXPECT_EQ(r.Total(open), 7);
}

TEST(BaseMetrics, RenderGroupsLabelledVariantsUnderOneHeader) {
  MetricsRegistry r;
  // Interleaved registration, as when two listeners each register their set.
  MetricId a_imap =
      r.Register("conn_total", "Connections.", MetricType::kCounter, "listener=\"imap\"");
  MetricId b_imap = r.Register("open", "Open.", MetricType::kGauge, "listener=\"imap\"");
  MetricId a_smtp =
      r.Register("conn_total", "Connections.", MetricType::kCounter, "listener=\"smtp\"");
  MetricId b_smtp = r.Register("open", "Open.", MetricType::kGauge, "listener=\"smtp\"");
  MetricId plain = r.Register("plain_total", "Plain.", MetricType::kCounter);
  r.Freeze(2);
  r.shard(0).Add(a_imap, 1);
  r.shard(1).Add(a_imap, 2);
  r.shard(1).Add(a_smtp, 5);
  r.shard(0).Add(b_imap, 4);
  r.shard(0).Add(b_smtp, -1);
  r.shard(1).Add(b_smtp, 1);
  r.shard(1).Add(plain, 9);
  std::string out;
  r.RenderPrometheus(&out);

  for (const char* name : {"conn_total", "open", "plain_total", "process_resident_memory_bytes",
                           "ringmail_build_info"}) {
    EXPECT_EQ(Count(out, std::string("# HELP ") + name + " "), 1u) << name << "\n" << out;
    EXPECT_EQ(Count(out, std::string("# TYPE ") + name + " "), 1u) << name << "\n" << out;
  }
  EXPECT_NE(out.find("# TYPE conn_total counter\n"), std::string::npos);
  EXPECT_NE(out.find("# TYPE open gauge\n"), std::string::npos);

  // Each name's samples directly follow its header, before any other name's header.
  std::vector<std::string> lines = Lines(out);
  std::vector<std::string> expected_start = {
      "# HELP conn_total Connections.",
      "# TYPE conn_total counter",
      "conn_total{listener=\"imap\"} 3",
      "conn_total{listener=\"smtp\"} 5",
      "# HELP open Open.",
      "# TYPE open gauge",
      "open{listener=\"imap\"} 4",
      "open{listener=\"smtp\"} 0",
      "# HELP plain_total Plain.",
      "# TYPE plain_total counter",
      "plain_total 9",
  };
  ASSERT_GE(lines.size(), expected_start.size());
  for (size_t i = 0; i < expected_start.size(); ++i) EXPECT_EQ(lines[i], expected_start[i]);
  EXPECT_NE(out.find("ringmail_build_info{version=\""), std::string::npos);
  // Every sample line is "name[{labels}] integer".
  for (const std::string& line : lines) {
    if (line.starts_with("#")) continue;
    size_t space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    std::string value = line.substr(space + 1);
    EXPECT_FALSE(value.empty()) << line;
    EXPECT_EQ(value.find_first_not_of("-0123456789"), std::string::npos) << line;
  }
}

TEST(BaseMetrics, ResetForTestingForgetsEverything) {
  MetricsRegistry r;
  r.Register("a_total", "A.", MetricType::kCounter);
  r.Freeze(1);
  r.ResetForTesting();
  EXPECT_FALSE(r.frozen());
  EXPECT_EQ(r.Register("b_total", "B.", MetricType::kCounter), 0u);
}

TEST(BaseMetricsDeathTest, RegisterAfterFreezeCrashes) {
  MetricsRegistry r;
  r.Register("a_total", "A.", MetricType::kCounter);
  r.Freeze(1);
  EXPECT_DEATH(r.Register("b_total", "B.", MetricType::kCounter), "before the reactors start");
}

}  // namespace
}  // namespace ringmail
