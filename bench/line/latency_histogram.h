// A log-linear latency histogram (the HdrHistogram layout with 64 sub-buckets per power of
// two: about 1.6 % resolution) over nanoseconds. Recording is an index computation and an
// increment; one histogram per load thread, merged at the end.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace ringmail::bench {

class LatencyHistogram {
 public:
  void Record(uint64_t ns) {
    ++counts_[Index(ns)];
    ++total_;
  }
  void Merge(const LatencyHistogram& other) {
    for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
  }
  uint64_t total() const { return total_; }

  // The value at quantile q (0..1), in nanoseconds; 0 when empty.
  uint64_t Quantile(double q) const {
    if (total_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(total_ - 1)) + 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return Midpoint(i);
    }
    return Midpoint(kBuckets - 1);
  }

 private:
  static constexpr int kSubBits = 6;  // 64 sub-buckets per power of two
  static constexpr size_t kBuckets = (64 << kSubBits) + (2 << kSubBits);

  static size_t Index(uint64_t v) {
    if (v < (uint64_t{2} << kSubBits)) return static_cast<size_t>(v);
    int shift = (63 - std::countl_zero(v)) - kSubBits;
    return (static_cast<size_t>(shift) << kSubBits) + static_cast<size_t>(v >> shift);
  }
  static uint64_t Midpoint(size_t index) {
    if (index < (size_t{2} << kSubBits)) return index;
    int shift = static_cast<int>(index >> kSubBits) - 1;
    uint64_t mantissa = index - (static_cast<size_t>(shift) << kSubBits);
    return (mantissa << shift) + ((uint64_t{1} << shift) >> 1);
  }

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
};

}  // namespace ringmail::bench
