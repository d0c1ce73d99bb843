#include "jmap/email_summary.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace ringmail::jmap {
namespace {

struct BlobKeyHash {
  size_t operator()(const BlobKey& k) const {
    size_t h;  // the key is a SHA-256: any 8 of its bytes are a good hash
    std::memcpy(&h, k.sha256.data(), sizeof(h));
    return h;
  }
};

using Generation =
    std::unordered_map<BlobKey, std::shared_ptr<const EmailSummaryJson>, BlobKeyHash>;

// This core's summaries in two generations: new ones go to `young`; when it holds half the
// budget it becomes `old` (whose summaries are dropped), and a summary found in `old` moves
// back to `young`. What was not used during a whole generation goes: LRU, without a list.
class Cache {
 public:
  std::shared_ptr<const EmailSummaryJson> Find(const BlobKey& blob) {
    if (auto it = young_.find(blob); it != young_.end()) return it->second;
    auto it = old_.find(blob);
    if (it == old_.end()) return nullptr;
    std::shared_ptr<const EmailSummaryJson> summary = std::move(it->second);
    old_.erase(it);
    Keep(blob, summary);
    return summary;
  }

  void Keep(const BlobKey& blob, std::shared_ptr<const EmailSummaryJson> summary) {
    const size_t bytes = summary->bytes() + sizeof(BlobKey) + 64;  // + the map's node
    if (bytes > kCachedSummaryBytesMax / 2) return;
    if (young_bytes_ + bytes > kCachedSummaryBytesMax / 2) {
      old_ = std::move(young_);
      young_ = Generation();
      young_bytes_ = 0;
    }
    auto [it, fresh] = young_.try_emplace(blob, std::move(summary));
    if (fresh) young_bytes_ += bytes;
  }

 private:
  Generation young_, old_;
  size_t young_bytes_ = 0;
};

Cache& ThisCore() {
  thread_local Cache cache;
  return cache;
}

}  // namespace

size_t EmailSummaryJson::bytes() const {
  size_t n = sizeof(*this);
  for (const std::string& v : values) n += v.capacity();
  return n;
}

std::optional<size_t> SummaryPropertyIndex(std::string_view property) {
  const auto* it =
      std::find(std::begin(kSummaryProperties), std::end(kSummaryProperties), property);
  if (it == std::end(kSummaryProperties)) return std::nullopt;
  return static_cast<size_t>(it - std::begin(kSummaryProperties));
}

std::shared_ptr<const EmailSummaryJson> FindEmailSummary(const BlobKey& blob) {
  return ThisCore().Find(blob);
}

void KeepEmailSummary(const BlobKey& blob, std::shared_ptr<const EmailSummaryJson> summary) {
  ThisCore().Keep(blob, std::move(summary));
}

}  // namespace ringmail::jmap
