// Metrics registry with per-core shards. Metrics are registered at start-up, before any
// reactor thread runs; each core then updates only its own shard with plain (relaxed,
// unlocked) loads and stores, and a scrape sums the shards. No shared atomics on the hot path.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/check.h"

namespace ringmail {

using MetricId = uint32_t;

enum class MetricType { kCounter, kGauge };

// One core's values. Written only by its owner core; read by any core during a scrape.
class MetricsShard {
 public:
  explicit MetricsShard(size_t size) : values_(size) {}

  void Add(MetricId id, int64_t delta) {
    std::atomic_ref<uint64_t> v(values_[id]);
    v.store(v.load(std::memory_order_relaxed) + static_cast<uint64_t>(delta),
            std::memory_order_relaxed);
  }
  void Inc(MetricId id) { Add(id, 1); }
  void Set(MetricId id, int64_t value) {
    std::atomic_ref<uint64_t>(values_[id])
        .store(static_cast<uint64_t>(value), std::memory_order_relaxed);
  }
  int64_t Get(MetricId id) const {
    return static_cast<int64_t>(std::atomic_ref<uint64_t>(const_cast<uint64_t&>(values_[id]))
                                    .load(std::memory_order_relaxed));
  }

 private:
  std::vector<uint64_t> values_;
};

class MetricsRegistry {
 public:
  // The process-wide registry.
  static MetricsRegistry& Global();

  // REQUIRES: not frozen. `labels` is the Prometheus label body, e.g. `listener="imap"`
  // (empty for none). Registering the same name+labels twice returns the same id.
  MetricId Register(std::string_view name, std::string_view help, MetricType type,
                    std::string_view labels = "");

  // Allocates `cores` shards; registration ends here.
  void Freeze(int cores);
  bool frozen() const { return !shards_.empty(); }

  // REQUIRES: frozen.
  MetricsShard& shard(int core) { return *shards_.at(core); }
  int shard_count() const { return static_cast<int>(shards_.size()); }

  // Sum of one metric over all shards.
  int64_t Total(MetricId id) const;

  // Prometheus text exposition (format 0.0.4) of every metric, summed over cores.
  void RenderPrometheus(std::string* out) const;

  // For tests: forget everything.
  void ResetForTesting();

 private:
  struct Metric {
    std::string name;
    std::string help;
    MetricType type;
    std::string labels;
  };
  std::vector<Metric> metrics_;
  std::vector<std::unique_ptr<MetricsShard>> shards_;
};

}  // namespace ringmail
