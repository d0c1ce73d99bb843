#include "store/metadata_store.h"

#include <time.h>

#include <atomic>

namespace ringmail {

MetadataStore::MetadataStore()
    : instance_([] {
        static std::atomic<uint64_t> next{0};
        return ++next;
      }()) {}

uint64_t MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

}  // namespace ringmail
