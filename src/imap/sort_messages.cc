// RFC 5256 SORT with RFC 5957 DISPLAYFROM / DISPLAYTO.
#include <algorithm>

#include "imap/message_view.h"
#include "imap/search_text.h"
#include "imap/sort_keys.h"
#include "mime/header.h"

namespace ringmail::imap {
namespace {

// One message's value for each criterion, computed once (strings only when asked for).
struct SortValues {
  int64_t arrival = 0;
  int64_t date = 0;
  uint64_t size = 0;
  std::vector<std::string> strings;  // indexed like the criteria; empty for numeric ones
};

bool IsStringKey(SortKey k) {
  return k != SortKey::kArrival && k != SortKey::kDate && k != SortKey::kSize;
}

std::string StringValue(SortKey key, const SearchMessage& m) {
  if (m.view == nullptr) return "";
  std::string_view header = m.view->tree().root().header.In(m.view->bytes());
  switch (key) {
    case SortKey::kCc: return AddressSortKey(header, "cc");
    case SortKey::kFrom: return AddressSortKey(header, "from");
    case SortKey::kTo: return AddressSortKey(header, "to");
    case SortKey::kDisplayFrom: return DisplaySortKey(header, "from");
    case SortKey::kDisplayTo: return DisplaySortKey(header, "to");
    case SortKey::kSubject:
      return FoldCase(ExtractBaseSubject(mime::FindHeader(header, "subject").value_or("")).text);
    default: return "";
  }
}

SortValues ValuesOf(const std::vector<SortCriterion>& criteria, const SearchMessage& m) {
  SortValues v;
  v.arrival = m.record->received_at;
  v.size = m.record->size;
  v.strings.resize(criteria.size());
  for (size_t i = 0; i < criteria.size(); ++i) {
    SortKey k = criteria[i].key;
    if (k == SortKey::kDate) v.date = SentSeconds(m);
    if (IsStringKey(k)) v.strings[i] = StringValue(k, m);
  }
  return v;
}

// <0, 0, >0 for criterion `i` (REVERSE not applied).
int Compare(const SortCriterion& c, size_t i, const SortValues& a, const SortValues& b) {
  auto cmp = [](auto x, auto y) { return x < y ? -1 : y < x ? 1 : 0; };
  switch (c.key) {
    case SortKey::kArrival: return cmp(a.arrival, b.arrival);
    case SortKey::kDate: return cmp(a.date, b.date);
    case SortKey::kSize: return cmp(a.size, b.size);
    default:
      return a.strings[i].compare(b.strings[i]) < 0 ? -1 : a.strings[i] == b.strings[i] ? 0 : 1;
  }
}

}  // namespace

std::vector<size_t> SortMessages(const std::vector<SortCriterion>& criteria,
                                 const std::vector<SearchMessage>& messages) {
  std::vector<SortValues> values;
  values.reserve(messages.size());
  for (const SearchMessage& m : messages) values.push_back(ValuesOf(criteria, m));
  std::vector<size_t> order(messages.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    for (size_t i = 0; i < criteria.size(); ++i) {
      int r = Compare(criteria[i], i, values[x], values[y]);
      if (r != 0) return criteria[i].reverse ? r > 0 : r < 0;
    }
    if (messages[x].sequence != messages[y].sequence) {
      return messages[x].sequence < messages[y].sequence;
    }
    return x < y;
  });
  return order;
}

}  // namespace ringmail::imap
