#include "base/metrics.h"

#include <unistd.h>

#include <cstdio>

#include "base/version.h"

namespace ringmail {

MetricsRegistry& MetricsRegistry::Global() {
  static MetricsRegistry registry;
  return registry;
}

MetricId MetricsRegistry::Register(std::string_view name, std::string_view help, MetricType type,
                                   std::string_view labels) {
  CHECK(!frozen(), "metrics must be registered before the reactors start");
  for (size_t i = 0; i < metrics_.size(); ++i) {
    if (metrics_[i].name == name && metrics_[i].labels == labels) {
      return static_cast<MetricId>(i);
    }
  }
  metrics_.push_back(Metric{std::string(name), std::string(help), type, std::string(labels)});
  return static_cast<MetricId>(metrics_.size() - 1);
}

void MetricsRegistry::Freeze(int cores) {
  CHECK(!frozen() && cores > 0);
  for (int i = 0; i < cores; ++i) {
    shards_.push_back(std::make_unique<MetricsShard>(metrics_.size()));
  }
}

int64_t MetricsRegistry::Total(MetricId id) const {
  int64_t sum = 0;
  for (const auto& s : shards_) sum += s->Get(id);
  return sum;
}

namespace {
int64_t ResidentBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long pages_total = 0, pages_resident = 0;
  int n = std::fscanf(f, "%ld %ld", &pages_total, &pages_resident);
  std::fclose(f);
  return n == 2 ? pages_resident * sysconf(_SC_PAGESIZE) : 0;
}

void AppendSample(std::string* out, const std::string& name, const std::string& labels,
                  int64_t value) {
  *out += name;
  if (!labels.empty()) {
    *out += '{';
    *out += labels;
    *out += '}';
  }
  *out += ' ';
  *out += std::to_string(value);
  *out += '\n';
}
}  // namespace

void MetricsRegistry::RenderPrometheus(std::string* out) const {
  // Samples of one name must be contiguous under one HELP/TYPE header, whatever order
  // the labelled variants were registered in.
  std::vector<bool> done(metrics_.size(), false);
  for (size_t i = 0; i < metrics_.size(); ++i) {
    if (done[i]) continue;
    const Metric& m = metrics_[i];
    *out += "# HELP " + m.name + " " + m.help + "\n";
    *out += "# TYPE " + m.name + (m.type == MetricType::kCounter ? " counter\n" : " gauge\n");
    for (size_t j = i; j < metrics_.size(); ++j) {
      if (done[j] || metrics_[j].name != m.name) continue;
      done[j] = true;
      AppendSample(out, m.name, metrics_[j].labels, Total(static_cast<MetricId>(j)));
    }
  }
  *out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n";
  *out += "# TYPE process_resident_memory_bytes gauge\n";
  AppendSample(out, "process_resident_memory_bytes", "", ResidentBytes());
  *out += "# HELP ringmail_build_info Build of the running daemon.\n";
  *out += "# TYPE ringmail_build_info gauge\n";
  AppendSample(out, "ringmail_build_info",
               std::string("version=\"") + kVersion + "\",commit=\"" + kGitCommit + "\"", 1);
}

void MetricsRegistry::ResetForTesting() {
  metrics_.clear();
  shards_.clear();
}

}  // namespace ringmail
