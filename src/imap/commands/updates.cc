// Live updates: reloading the selected mailbox's index and telling the client what changed
// (RFC 9051 §7.4.1, §7.5; RFC 7162 §3.2.10 VANISHED), and resolving sequence sets against the
// session's view.
#include <algorithm>

#include "imap/session.h"

namespace ringmail::imap {
namespace {

// "1:3,7" from ascending UIDs.
std::string UidSetString(const std::vector<uint32_t>& uids) {
  std::string out;
  for (size_t i = 0; i < uids.size();) {
    size_t j = i;
    while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(uids[i]);
    if (j > i) out += ':' + std::to_string(uids[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace

std::string CompactUidSet(const std::vector<uint32_t>& uids) { return UidSetString(uids); }

std::string Session::FlagList(const IndexEntry& e, const MailboxIndex& index) const {
  std::string out = "(";
  auto add = [&](std::string_view f) {
    if (out.size() > 1) out += ' ';
    out += f;
  };
  if (e.flag_bits & kFlagBitSeen) add("\\Seen");
  if (e.flag_bits & kFlagBitAnswered) add("\\Answered");
  if (e.flag_bits & kFlagBitFlagged) add("\\Flagged");
  if (e.flag_bits & kFlagBitDeleted) add("\\Deleted");
  if (e.flag_bits & kFlagBitDraft) add("\\Draft");
  if (e.keyword_set < index.keyword_sets.size()) {
    for (const std::string& k : index.keyword_sets[e.keyword_set]) add(k);
  }
  out += ')';
  return out;
}

MailboxIndex& Session::MutableView() {
  if (!selected_->view_is_own) {
    selected_->view = std::make_shared<MailboxIndex>(*selected_->view);
    selected_->view_is_own = true;
  }
  // Created non-const just above (or at an earlier call).
  return const_cast<MailboxIndex&>(*selected_->view);
}

Task<Result<std::shared_ptr<const MailboxIndex>>> Session::LoadIndex(int64_t mailbox_id,
                                                                     bool force) {
  if (services_->index_cache != nullptr) {
    if (force) services_->index_cache->Invalidate(mailbox_id);
    Result<std::shared_ptr<const MailboxIndex>> shared =
        co_await services_->index_cache->Get(mailbox_id);
    co_return shared;
  }
  Result<MailboxIndex> own = co_await services_->metadata->LoadMailboxIndex(mailbox_id);
  if (!own) co_return std::unexpected(own.error());
  co_return std::make_shared<const MailboxIndex>(std::move(*own));
}

void Session::ApplyRecord(const MessageRecord& r) {
  MailboxIndex& view = MutableView();
  auto it = std::lower_bound(view.messages.begin(), view.messages.end(), r.uid,
                             [](const IndexEntry& e, uint32_t u) { return e.uid < u; });
  if (it == view.messages.end() || it->uid != r.uid || (it->flag_bits & kGhostBit)) return;
  it->modseq = r.modseq;
  it->flag_bits = SystemFlagBits(r.flags);
  auto set = std::find(view.keyword_sets.begin(), view.keyword_sets.end(), r.flags.keywords);
  if (set == view.keyword_sets.end()) {
    view.keyword_sets.push_back(r.flags.keywords);
    set = view.keyword_sets.end() - 1;
  }
  it->keyword_set = static_cast<uint32_t>(set - view.keyword_sets.begin());
}

void Session::WriteFlagsFetch(size_t index, bool with_uid) {
  const MailboxIndex& view = shown();
  const IndexEntry& e = view.messages[index];
  std::string line = std::to_string(index + 1) + " FETCH (";
  if (with_uid) line += "UID " + std::to_string(e.uid) + " ";
  line += "FLAGS " + FlagList(e, view);
  if (condstore_) line += " MODSEQ (" + std::to_string(e.modseq) + ")";
  line += ')';
  Untagged(line);
}

Task<Result<void>> Session::Sync(bool allow_expunge, bool force) {
  if (!selected_) co_return Result<void>();
  if (!force && !change_pending_ && !(allow_expunge && selected_->ghosts > 0)) {
    co_return Result<void>();
  }
  change_pending_ = false;
  Result<std::shared_ptr<const MailboxIndex>> fresh =
      co_await LoadIndex(selected_->mailbox_id, force);
  if (!fresh) {
    if (fresh.error().code == ErrorCode::kNotFound) {
      Deselect();
      state_ = State::kAuthenticated;
      Untagged("OK [CLOSED] The selected mailbox was deleted");
      co_return Result<void>();
    }
    change_pending_ = true;
    co_return std::unexpected(fresh.error());
  }
  if (!selected_) co_return Result<void>();  // deselected while loading
  Announce(std::move(*fresh), allow_expunge);
  co_return Result<void>();
}

void Session::Announce(std::shared_ptr<const MailboxIndex> fresh_ptr, bool allow_expunge) {
  if (fresh_ptr == selected_->view) return;  // the shared snapshot it shows: nothing new
  const MailboxIndex& fresh = *fresh_ptr;
  const MailboxIndex& view = shown();
  std::vector<IndexEntry> next;
  next.reserve(fresh.messages.size());
  std::vector<uint32_t> gone_seqs;  // 1-based, in the old numbering
  std::vector<uint32_t> gone_uids;
  std::vector<size_t> changed;  // positions in `next`
  size_t ghosts = 0;
  size_t j = 0;
  for (size_t i = 0; i < view.messages.size(); ++i) {
    const IndexEntry& old = view.messages[i];
    while (j < fresh.messages.size() && fresh.messages[j].uid < old.uid) ++j;  // cannot happen
    if (j < fresh.messages.size() && fresh.messages[j].uid == old.uid &&
        !(old.flag_bits & kGhostBit)) {
      const IndexEntry& now = fresh.messages[j++];
      if (now.flag_bits != old.flag_bits ||
          fresh.keyword_sets[now.keyword_set] != view.keyword_sets[old.keyword_set]) {
        changed.push_back(next.size());
      }
      next.push_back(now);
      continue;
    }
    if (j < fresh.messages.size() && fresh.messages[j].uid == old.uid) ++j;
    if (allow_expunge) {
      gone_seqs.push_back(static_cast<uint32_t>(i + 1));
      gone_uids.push_back(old.uid);
    } else {
      next.push_back({old.modseq, old.uid, 0, kGhostBit});
      ++ghosts;
    }
  }
  const uint32_t uid_max = view.messages.empty() ? 0 : view.messages.back().uid;
  size_t added = 0;
  for (; j < fresh.messages.size(); ++j) {
    if (fresh.messages[j].uid > uid_max) {
      next.push_back(fresh.messages[j]);
      ++added;
    }
  }
  if (!gone_uids.empty()) {
    if (qresync_) {
      Untagged("VANISHED " + UidSetString(gone_uids));
    } else {
      for (auto s = gone_seqs.rbegin(); s != gone_seqs.rend(); ++s) {
        Untagged(std::to_string(*s) + " EXPUNGE");
      }
    }
  }
  const size_t exists = next.size();
  selected_->ghosts = ghosts;
  if (next == fresh.messages) {
    selected_->view = std::move(fresh_ptr);  // the shared snapshot again
    selected_->view_is_own = false;
  } else {
    auto own = std::make_shared<MailboxIndex>();
    own->mailbox = fresh.mailbox;
    own->keyword_sets = fresh.keyword_sets;
    own->messages = std::move(next);
    selected_->view = std::move(own);
    selected_->view_is_own = true;
  }
  if (added > 0) Untagged(std::to_string(exists) + " EXISTS");
  for (size_t pos : changed) WriteFlagsFetch(pos, condstore_);
}

std::vector<size_t> Session::Resolve(const SequenceSet& set, bool uid) const {
  const std::vector<IndexEntry>& msgs = shown().messages;
  std::vector<size_t> out;
  auto by_uid = [&](uint32_t lo, uint32_t hi) {
    auto first = std::lower_bound(msgs.begin(), msgs.end(), lo,
                                  [](const IndexEntry& e, uint32_t u) { return e.uid < u; });
    for (auto it = first; it != msgs.end() && it->uid <= hi; ++it) out.push_back(it - msgs.begin());
  };
  if (set.saved) {
    for (uint32_t u : saved_uids_) by_uid(u, u);
  } else {
    const uint32_t count = static_cast<uint32_t>(msgs.size());
    const uint32_t star = uid ? (msgs.empty() ? 0 : msgs.back().uid) : count;
    for (const SequenceRange& r : set.ranges) {
      uint32_t a = r.first == kSequenceStar ? star : r.first;
      uint32_t b = r.last == kSequenceStar ? star : r.last;
      if (a > b) std::swap(a, b);
      if (uid) {
        by_uid(a, b);
      } else {
        for (uint32_t n = std::max<uint32_t>(a, 1); n <= std::min(b, count); ++n)
          out.push_back(n - 1);
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  std::erase_if(out, [&](size_t p) { return (msgs[p].flag_bits & kGhostBit) != 0; });
  return out;
}

}  // namespace ringmail::imap
