#include "mail/mailbox_index_merge.h"

#include <algorithm>
#include <vector>

namespace ringmail {

std::optional<MailboxIndex> ApplyIndexChanges(const MailboxIndex& base,
                                              const MailboxIndexChanges& changes) {
  const MailboxIndex& changed = changes.changed;
  MailboxIndex out;
  out.mailbox = changed.mailbox;
  out.keyword_sets = base.keyword_sets;
  // The changed entries' keyword lists as indexes into out.keyword_sets.
  std::vector<uint32_t> remap(changed.keyword_sets.size(), 0);
  for (size_t i = 0; i < changed.keyword_sets.size(); ++i) {
    auto it = std::find(out.keyword_sets.begin(), out.keyword_sets.end(), changed.keyword_sets[i]);
    if (it == out.keyword_sets.end()) {
      if (out.keyword_sets.size() >= kMergedKeywordSetsMax) return std::nullopt;
      out.keyword_sets.push_back(changed.keyword_sets[i]);
      it = out.keyword_sets.end() - 1;
    }
    remap[i] = static_cast<uint32_t>(it - out.keyword_sets.begin());
  }
  auto changed_entry = [&](const IndexEntry& e) {
    IndexEntry n = e;
    n.keyword_set = e.keyword_set < remap.size() ? remap[e.keyword_set] : 0;
    return n;
  };
  const std::vector<IndexEntry>& news = changed.messages;
  const std::vector<uint32_t>& gone = changes.expunged;
  out.messages.reserve(std::max<size_t>(base.messages.size(), out.mailbox.message_count));
  size_t n = 0, g = 0;  // positions in `news` and `gone`, both ascending UID
  for (const IndexEntry& e : base.messages) {
    while (n < news.size() && news[n].uid < e.uid) out.messages.push_back(changed_entry(news[n++]));
    while (g < gone.size() && gone[g] < e.uid) ++g;
    const bool replaced = n < news.size() && news[n].uid == e.uid;
    if (g < gone.size() && gone[g] == e.uid) {
      n += replaced ? 1 : 0;
      continue;
    }
    out.messages.push_back(replaced ? changed_entry(news[n++]) : e);
  }
  while (n < news.size()) out.messages.push_back(changed_entry(news[n++]));
  if (out.messages.size() != out.mailbox.message_count) return std::nullopt;
  return out;
}

}  // namespace ringmail
