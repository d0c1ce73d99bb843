// SELECT and EXAMINE (RFC 9051 §6.3.2-6.3.3, CONDSTORE and QRESYNC parameters RFC 7162),
// CLOSE, UNSELECT (RFC 3691), CHECK (IMAP4rev1).
#include <algorithm>

#include "imap/session.h"

namespace ringmail::imap {

void Session::Deselect() {
  if (services_->hub != nullptr && selected_) services_->hub->Unwatch(this);
  if (services_->index_cache != nullptr && selected_) {
    services_->index_cache->Release(selected_->mailbox_id);
  }
  selected_.reset();
  saved_uids_.clear();
  change_pending_ = false;
}

void Session::WriteSelectResponses(bool examine) {
  const MailboxIndex& view = shown();
  const MailboxRecord& m = view.mailbox;
  std::string flags = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";
  std::vector<std::string> keywords;
  for (const auto& set : view.keyword_sets) keywords.insert(keywords.end(), set.begin(), set.end());
  std::sort(keywords.begin(), keywords.end());
  keywords.erase(std::unique(keywords.begin(), keywords.end()), keywords.end());
  for (const std::string& k : keywords) flags += " " + k;
  Untagged("FLAGS (" + flags + ")");
  Untagged(examine ? std::string("OK [PERMANENTFLAGS ()] Read-only mailbox")
                   : "OK [PERMANENTFLAGS (" + flags + " \\*)] Flags permitted");
  Untagged(std::to_string(view.messages.size()) + " EXISTS");
  if (!rev2_) {
    Untagged("0 RECENT");
    for (size_t i = 0; i < view.messages.size(); ++i) {
      if (!(view.messages[i].flag_bits & kFlagBitSeen)) {
        Untagged("OK [UNSEEN " + std::to_string(i + 1) + "] First unseen");
        break;
      }
    }
  }
  Untagged("OK [UIDVALIDITY " + std::to_string(m.uid_validity) + "] UIDs valid");
  Untagged("OK [UIDNEXT " + std::to_string(m.uid_next) + "] Predicted next UID");
  if (condstore_) Untagged("OK [HIGHESTMODSEQ " + std::to_string(m.highest_modseq) + "] Highest");
  Untagged("OK [MAILBOXID (F" + std::to_string(m.id) + ")] Ok");
  if (rev2_) {
    std::string line = "LIST () \"/\" ";
    AppendMailboxName(&line, m.name);
    Untagged(line);
  }
}

// RFC 7162 §3.2.5.1: what vanished and changed since the client's modseq.
Task<void> Session::QresyncSince(QresyncParams q) {
  const int64_t id = selected_->mailbox_id;
  const MailboxIndex& view = shown();
  const uint64_t since = q.modseq;
  Result<std::vector<uint32_t>> vanished = co_await services_->metadata->ExpungedSince(id, since);
  if (vanished && !vanished->empty()) {
    std::vector<uint32_t> uids = std::move(*vanished);
    if (q.known_uids) {
      // Only UIDs the client said it knows: resolve the set on UID values alone.
      std::vector<uint32_t> kept;
      for (uint32_t u : uids) {
        for (const SequenceRange& r : q.known_uids->ranges) {
          uint32_t a = r.first, b = r.last == kSequenceStar ? UINT32_MAX : r.last;
          if (a > b) std::swap(a, b);
          if (u >= a && u <= b) {
            kept.push_back(u);
            break;
          }
        }
      }
      uids = std::move(kept);
    }
    std::sort(uids.begin(), uids.end());
    if (!uids.empty()) Untagged("VANISHED (EARLIER) " + CompactUidSet(uids));
  }
  for (size_t i = 0; i < view.messages.size(); ++i) {
    if (view.messages[i].modseq > since) WriteFlagsFetch(i, true);
  }
}

Task<void> Session::Select(Command c) {
  SelectArgs& args = std::get<SelectArgs>(c.args);
  const bool examine = c.name == CommandName::kExamine;
  if (args.qresync && !qresync_) {
    Tagged(c.tag, "BAD", "Enable QRESYNC first");
    co_return;
  }
  if (selected_) {
    Deselect();
    state_ = State::kAuthenticated;
    Untagged("OK [CLOSED] Previous mailbox closed");
  }
  std::optional<MailboxRecord> found =
      co_await MailboxOrReply(c.tag, args.mailbox, "[NONEXISTENT] No such mailbox");
  if (!found) co_return;
  const int64_t id = found->id;
  if (services_->index_cache != nullptr) services_->index_cache->Acquire(id);
  Result<std::shared_ptr<const MailboxIndex>> index = co_await LoadIndex(id, false);
  if (!index) {
    if (services_->index_cache != nullptr) services_->index_cache->Release(id);
    StoreFailure(c.tag, index.error());
    co_return;
  }
  if (args.condstore) condstore_ = true;
  selected_.emplace();
  selected_->mailbox_id = id;
  selected_->name = found->name;
  selected_->read_only = examine;
  selected_->view = std::move(*index);
  state_ = State::kSelected;
  if (services_->hub != nullptr) services_->hub->Watch(this, id);

  WriteSelectResponses(examine);
  if (args.qresync && args.qresync->uidvalidity == shown().mailbox.uid_validity) {
    co_await QresyncSince(*args.qresync);
  }
  Tagged(c.tag, "OK", examine ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed");
}

Task<void> Session::Close(Command c) {
  if (c.name == CommandName::kClose && !selected_->read_only) {
    // CLOSE expunges silently (RFC 9051 §6.4.1).
    std::vector<uint32_t> uids;
    for (const IndexEntry& e : shown().messages) {
      if ((e.flag_bits & kFlagBitDeleted) && !(e.flag_bits & kGhostBit)) uids.push_back(e.uid);
    }
    if (!uids.empty()) {
      const int64_t id = selected_->mailbox_id;
      Result<std::vector<uint32_t>> r = co_await services_->metadata->Expunge(id, uids);
      if (!r) {
        StoreFailure(c.tag, r.error());
        co_return;
      }
      Notify(id);
    }
  }
  Deselect();
  state_ = State::kAuthenticated;
  Tagged(c.tag, "OK", c.name == CommandName::kClose ? "CLOSE completed" : "UNSELECT completed");
}

Task<void> Session::Check(Command c) {
  Tagged(c.tag, "OK", "CHECK completed");
  co_return;
}

}  // namespace ringmail::imap
