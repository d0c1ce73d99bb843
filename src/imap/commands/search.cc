// SEARCH and UID SEARCH (RFC 9051 §6.4.4), ESEARCH return options (RFC 4731), SEARCHRES "$"
// (RFC 5182), MODSEQ (RFC 7162); SORT and THREAD (RFC 5256). Matching, sorting and
// threading are message_view.h's; this file picks the messages, loads what they need and
// writes the responses. IMAP4rev2 answers SEARCH with ESEARCH.
#include <algorithm>
#include <ctime>
#include <optional>

#include "imap/message_view.h"
#include "imap/session.h"

namespace ringmail::imap {
namespace {

constexpr size_t kSearchBatchMax = 1000;

bool UsesModseq(const SearchKey& key) {
  if (key.kind == SearchKeyKind::kModseq) return true;
  return std::any_of(key.children.begin(), key.children.end(), UsesModseq);
}

bool CharsetOk(const std::optional<std::string>& charset) {
  return !charset || *charset == "UTF-8" || *charset == "US-ASCII";
}

}  // namespace

// The matching messages' positions in the view, ascending; `recs` gets their records (in
// the same order) when not null.
Task<Result<std::vector<size_t>>> Session::Matching(const SearchKey& key,
                                                    std::vector<MessageRecord>* recs) {
  const int64_t id = selected_->mailbox_id;
  const std::vector<IndexEntry>& msgs = shown().messages;
  const bool needs_bytes = NeedsBytes(key);
  SearchScope scope;
  scope.message_count = static_cast<uint32_t>(msgs.size());
  scope.uid_max = msgs.empty() ? 0 : msgs.back().uid;
  scope.saved_uids = &saved_uids_;
  scope.now = static_cast<int64_t>(time(nullptr));
  std::vector<size_t> out;
  for (size_t start = 0; start < msgs.size(); start += kSearchBatchMax) {
    const size_t end = std::min(msgs.size(), start + kSearchBatchMax);
    std::vector<uint32_t> uids;
    for (size_t i = start; i < end; ++i) {
      if (!(msgs[i].flag_bits & kGhostBit)) uids.push_back(msgs[i].uid);
    }
    Result<std::vector<MessageRecord>> loaded =
        co_await services_->metadata->LoadMessages(id, uids);
    if (!loaded) co_return std::unexpected(loaded.error());
    size_t pos = start;
    for (MessageRecord& rec : *loaded) {
      while (pos < end && msgs[pos].uid != rec.uid) ++pos;
      if (pos == end) break;
      std::optional<MessageView> view;
      if (needs_bytes) {
        Result<std::string> bytes = co_await services_->blobs->Get(rec.blob);
        if (!bytes) co_return std::unexpected(bytes.error());
        view.emplace(std::move(*bytes));
      }
      SearchMessage m{static_cast<uint32_t>(pos + 1), &rec, view ? &*view : nullptr};
      if (Matches(key, m, scope)) {
        out.push_back(pos);
        if (recs != nullptr) recs->push_back(std::move(rec));
      }
    }
  }
  co_return out;
}

Task<void> Session::Search(Command c) {
  SearchArgs& args = std::get<SearchArgs>(c.args);
  if (!CharsetOk(args.charset)) {
    Tagged(c.tag, "NO", "[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset");
    co_return;
  }
  Result<std::vector<size_t>> found = co_await Matching(args.key, nullptr);
  if (!found) {
    StoreFailure(c.tag, found.error());
    co_return;
  }
  const std::vector<IndexEntry>& msgs = shown().messages;
  std::vector<uint32_t> numbers;
  uint64_t modseq_max = 0;
  for (size_t p : *found) {
    numbers.push_back(c.uid ? msgs[p].uid : static_cast<uint32_t>(p + 1));
    modseq_max = std::max(modseq_max, msgs[p].modseq);
  }
  const bool modseq = UsesModseq(args.key);
  if (modseq) condstore_ = true;
  std::optional<SearchReturn> returns = args.returns;
  if (!returns && rev2_) returns = SearchReturn{kReturnAll};
  if (!returns) {
    std::string line = "SEARCH";
    for (uint32_t n : numbers) line += " " + std::to_string(n);
    if (modseq && !numbers.empty()) line += " (MODSEQ " + std::to_string(modseq_max) + ")";
    Untagged(line);
    Tagged(c.tag, "OK", c.uid ? "UID SEARCH completed" : "SEARCH completed");
    co_return;
  }
  const uint8_t o = returns->options;
  if (o & kReturnSave) {
    std::vector<size_t> kept = *found;
    if ((o & (kReturnMin | kReturnMax)) && !(o & (kReturnAll | kReturnCount)) && !kept.empty()) {
      std::vector<size_t> ends;
      if (o & kReturnMin) ends.push_back(kept.front());
      if ((o & kReturnMax) && (ends.empty() || ends[0] != kept.back())) ends.push_back(kept.back());
      kept = ends;
    }
    saved_uids_.clear();
    for (size_t p : kept) saved_uids_.push_back(msgs[p].uid);
  }
  if ((o & ~kReturnSave) != 0) {
    std::string line = "ESEARCH (TAG \"" + c.tag + "\")";
    if (c.uid) line += " UID";
    if ((o & kReturnMin) && !numbers.empty()) line += " MIN " + std::to_string(numbers.front());
    if ((o & kReturnMax) && !numbers.empty()) line += " MAX " + std::to_string(numbers.back());
    if ((o & kReturnAll) && !numbers.empty()) line += " ALL " + CompactUidSet(numbers);
    if (o & kReturnCount) line += " COUNT " + std::to_string(numbers.size());
    if (modseq && !numbers.empty()) line += " MODSEQ " + std::to_string(modseq_max);
    Untagged(line);
  }
  Tagged(c.tag, "OK", c.uid ? "UID SEARCH completed" : "SEARCH completed");
}

Task<void> Session::SortOrThread(Command c) {
  const bool sort = c.name == CommandName::kSort;
  const SearchKey& key = sort ? std::get<SortArgs>(c.args).key : std::get<ThreadArgs>(c.args).key;
  std::vector<MessageRecord> recs;
  Result<std::vector<size_t>> found = co_await Matching(key, &recs);
  if (!found) {
    StoreFailure(c.tag, found.error());
    co_return;
  }
  std::vector<MessageView> views;
  views.reserve(recs.size());
  for (const MessageRecord& rec : recs) {
    Result<std::string> bytes = co_await services_->blobs->Get(rec.blob);
    if (!bytes) {
      StoreFailure(c.tag, bytes.error());
      co_return;
    }
    views.emplace_back(std::move(*bytes));
  }
  std::vector<SearchMessage> messages;
  for (size_t i = 0; i < found->size(); ++i) {
    messages.push_back({static_cast<uint32_t>((*found)[i] + 1), &recs[i], &views[i]});
  }
  if (sort) {
    std::string line = "SORT";
    for (size_t i : SortMessages(std::get<SortArgs>(c.args).criteria, messages)) {
      line += " " + std::to_string(c.uid ? recs[i].uid : messages[i].sequence);
    }
    Untagged(line);
  } else {
    std::string line = "THREAD ";
    AppendThreads(std::get<ThreadArgs>(c.args).algorithm, messages, c.uid, &line);
    Untagged(line);
  }
  Tagged(c.tag, "OK", sort ? "SORT completed" : "THREAD completed");
}

}  // namespace ringmail::imap
