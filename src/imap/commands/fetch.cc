// FETCH and UID FETCH (RFC 9051 §6.4.5), CHANGEDSINCE and VANISHED (RFC 7162). Items from
// the index (FLAGS, UID, MODSEQ) and the message record (INTERNALDATE, RFC822.SIZE, EMAILID,
// THREADID, SAVEDATE) are written here; the ones that need the message's bytes are rendered by
// message_view.h. Fetching a body section without .PEEK sets \Seen first, and the response
// then carries FLAGS.
#include <algorithm>
#include <ctime>
#include <unordered_map>

#include "imap/message_view.h"
#include "imap/session.h"
#include "mime/imap_forms.h"

namespace ringmail::imap {
namespace {

constexpr size_t kFetchBatchMax = 256;  // messages per LoadMessages call

bool FromRecord(FetchItem item) {
  return item == FetchItem::kInternalDate || item == FetchItem::kRfc822Size ||
         item == FetchItem::kEmailId || item == FetchItem::kThreadId ||
         item == FetchItem::kSaveDate;
}

bool FromIndex(FetchItem item) {
  return item == FetchItem::kFlags || item == FetchItem::kUid || item == FetchItem::kModseq;
}

// Items a cached summary (mime/imap_forms.h) can answer without the bytes.
bool FromSummary(FetchItem item) {
  return item == FetchItem::kEnvelope || item == FetchItem::kBodyStructure;
}

// The cached form of `item` (either rendering: for presence), or "" (not cached: render
// from the bytes).
std::string_view CachedForm(const CachedSummary* s, FetchItem item) {
  if (s == nullptr) return {};
  return item == FetchItem::kEnvelope ? s->envelope : s->bodystructure;
}

// What a FETCH batch reads besides the index.
struct FetchNeeds {
  bool record_items = false;  // INTERNALDATE, RFC822.SIZE, ...: every message's record
  bool bytes = false;         // some item is rendered from the message
  bool summary = true;        // ...and every such item may come from the cached summary
  std::vector<FetchItem> summary_items;
};

struct FetchData {
  std::unordered_map<uint32_t, MessageRecord> records;
  std::unordered_map<uint32_t, CachedSummary> summaries;
};

// Whether a message whose summary is `s` still needs its bytes (a form was not cached).
bool MissesForm(const FetchNeeds& needs, const CachedSummary* s) {
  return s == nullptr || std::any_of(needs.summary_items.begin(), needs.summary_items.end(),
                                     [&](FetchItem item) { return CachedForm(s, item).empty(); });
}

// The summaries when they may answer, then the records of the messages that need theirs:
// all with record items or bytes not from summaries, else only those missing a form.
Task<Result<void>> LoadFetchData(MetadataStore* store, int64_t mailbox_id,
                                 std::vector<uint32_t> uids, const FetchNeeds* needs,
                                 FetchData* out) {
  std::vector<uint32_t> want;
  if (needs->summary) {
    Result<std::vector<CachedSummary>> summaries = co_await store->LoadSummaries(mailbox_id, uids);
    if (!summaries) co_return std::unexpected(summaries.error());
    for (CachedSummary& s : *summaries) out->summaries.emplace(s.uid, std::move(s));
    for (uint32_t u : uids) {
      auto it = out->summaries.find(u);
      if (needs->record_items ||
          MissesForm(*needs, it == out->summaries.end() ? nullptr : &it->second)) {
        want.push_back(u);
      }
    }
  } else if (needs->record_items || needs->bytes) {
    want = std::move(uids);
  }
  if (want.empty()) co_return Result<void>();
  Result<std::vector<MessageRecord>> records =
      co_await store->LoadMessages(mailbox_id, std::move(want));
  if (!records) co_return std::unexpected(records.error());
  for (MessageRecord& rec : *records) out->records.emplace(rec.uid, std::move(rec));
  co_return Result<void>();
}

bool SetsSeen(const FetchAttr& a) {
  return ((a.item == FetchItem::kBodySection || a.item == FetchItem::kBinary) && !a.peek) ||
         a.item == FetchItem::kRfc822 || a.item == FetchItem::kRfc822Text;
}

std::string ImapDate(int64_t unix_seconds) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[40];
  snprintf(buf, sizeof(buf), "\"%02d-%s-%04d %02d:%02d:%02d +0000\"", tm.tm_mday,
           kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

Task<void> Session::Fetch(Command c) {
  FetchArgs& args = std::get<FetchArgs>(c.args);
  std::vector<size_t> positions = Resolve(args.set, c.uid);
  if (args.changed_since) {
    condstore_ = true;
    // CHANGEDSINCE implies the MODSEQ item (RFC 7162 §3.1.4.1).
    if (std::none_of(args.attrs.begin(), args.attrs.end(),
                     [](const FetchAttr& a) { return a.item == FetchItem::kModseq; })) {
      FetchAttr modseq;
      modseq.item = FetchItem::kModseq;
      args.attrs.push_back(modseq);
    }
    std::erase_if(positions,
                  [&](size_t p) { return shown().messages[p].modseq <= *args.changed_since; });
    if (args.vanished) {
      if (!qresync_) {
        Tagged(c.tag, "BAD", "Enable QRESYNC first");
        co_return;
      }
      const int64_t id = selected_->mailbox_id;
      Result<std::vector<uint32_t>> gone =
          co_await services_->metadata->ExpungedSince(id, *args.changed_since);
      if (!gone) {
        StoreFailure(c.tag, gone.error());
        co_return;
      }
      std::vector<uint32_t> in_set;
      for (uint32_t u : *gone) {
        for (const SequenceRange& r : args.set.ranges) {
          uint32_t a = r.first, b = r.last == kSequenceStar ? UINT32_MAX : r.last;
          if (a > b) std::swap(a, b);
          if (u >= a && u <= b) {
            in_set.push_back(u);
            break;
          }
        }
      }
      std::sort(in_set.begin(), in_set.end());
      if (!in_set.empty()) Untagged("VANISHED (EARLIER) " + CompactUidSet(in_set));
    }
  }
  for (const FetchAttr& a : args.attrs) {
    if (a.item == FetchItem::kModseq) condstore_ = true;
  }
  for (size_t start = 0; start < positions.size(); start += kFetchBatchMax) {
    std::vector<size_t> batch(positions.begin() + static_cast<ptrdiff_t>(start),
                              positions.begin() + static_cast<ptrdiff_t>(std::min(
                                                      positions.size(), start + kFetchBatchMax)));
    Result<void> r = co_await FetchBatch(args, batch, c.uid);
    if (!r) {
      if (r.error().code == ErrorCode::kCancelled) {
        Tagged(c.tag, "NO", "[UNKNOWN-CTE] Unknown Content-Transfer-Encoding");
      } else {
        StoreFailure(c.tag, r.error());
      }
      co_return;
    }
    if (stream_->pending_output() >= services_->limits.output_flush_bytes) {
      const bool ok = co_await FlushOut();
      if (!ok) co_return;
    }
  }
  Tagged(c.tag, "OK", c.uid ? "UID FETCH completed" : "FETCH completed");
}

Task<Result<std::vector<uint32_t>>> Session::MarkSeen(const std::vector<size_t>& positions) {
  FlagUpdate update;
  update.mailbox_id = selected_->mailbox_id;
  for (size_t p : positions) {
    if (!(shown().messages[p].flag_bits & kFlagBitSeen)) {
      update.uids.push_back(shown().messages[p].uid);
    }
  }
  std::vector<uint32_t> now_seen;
  if (update.uids.empty()) co_return now_seen;
  update.operation = FlagOperation::kAdd;
  update.flags.seen = true;
  Result<FlagUpdateResult> changed = co_await services_->metadata->UpdateFlags(update);
  if (!changed) co_return std::unexpected(changed.error());
  for (const MessageRecord& rec : changed->changed) {
    ApplyRecord(rec);
    now_seen.push_back(rec.uid);
  }
  if (!now_seen.empty()) Notify(selected_->mailbox_id);
  co_return now_seen;
}

bool Session::RenderFetch(const FetchArgs& args, size_t position, bool uid, bool add_flags,
                          const MessageRecord* rec, const CachedSummary* summary, MessageView* view,
                          std::string* line) {
  const IndexEntry entry = shown().messages[position];
  *line = "* " + std::to_string(position + 1) + " FETCH (";
  bool first = true;
  auto sep = [&] {
    if (!first) *line += ' ';
    first = false;
  };
  const bool has_uid = std::any_of(args.attrs.begin(), args.attrs.end(),
                                   [](const FetchAttr& a) { return a.item == FetchItem::kUid; });
  if (uid && !has_uid) {
    sep();
    *line += "UID " + std::to_string(entry.uid);
  }
  if (add_flags) {
    sep();
    *line += "FLAGS " + FlagList(entry, shown());
  }
  const RenderOptions options{utf8(), rev2_};
  for (const FetchAttr& a : args.attrs) {
    sep();
    switch (a.item) {
      case FetchItem::kFlags: *line += "FLAGS " + FlagList(entry, shown()); break;
      case FetchItem::kUid: *line += "UID " + std::to_string(entry.uid); break;
      case FetchItem::kModseq: *line += "MODSEQ (" + std::to_string(entry.modseq) + ")"; break;
      case FetchItem::kInternalDate: *line += "INTERNALDATE " + ImapDate(rec->received_at); break;
      case FetchItem::kRfc822Size: *line += "RFC822.SIZE " + std::to_string(rec->size); break;
      case FetchItem::kEmailId: *line += "EMAILID (" + EmailIdString(rec->email_id) + ")"; break;
      case FetchItem::kThreadId:
        *line += "THREADID (" + ThreadIdString(rec->thread_id) + ")";
        break;
      case FetchItem::kSaveDate: *line += "SAVEDATE " + ImapDate(rec->saved_at); break;
      case FetchItem::kEnvelope:
      case FetchItem::kBodyStructure:
        if (std::string_view form = mime::CachedImapForm(CachedForm(summary, a.item), utf8());
            !form.empty()) {
          *line += a.item == FetchItem::kEnvelope ? "ENVELOPE " : "BODYSTRUCTURE ";
          *line += form;
          break;
        }
        [[fallthrough]];
      default:
        if (AppendBodyItem(a, *view, options, line) == RenderOutcome::kUnknownCte) return false;
        break;
    }
  }
  *line += ")\r\n";
  return true;
}

Task<Result<void>> Session::FetchBatch(const FetchArgs& args, const std::vector<size_t>& positions,
                                       bool uid) {
  FetchNeeds needs;
  bool sets_seen = false, has_flags = false;
  for (const FetchAttr& a : args.attrs) {
    sets_seen |= SetsSeen(a);
    needs.record_items |= FromRecord(a.item);
    const bool bytes = !FromIndex(a.item) && !FromRecord(a.item);
    needs.bytes |= bytes;
    needs.summary &= !bytes || FromSummary(a.item);
    if (FromSummary(a.item)) needs.summary_items.push_back(a.item);
    has_flags |= a.item == FetchItem::kFlags;
  }
  needs.summary &= needs.bytes;
  std::vector<uint32_t> now_seen;
  if (sets_seen && !selected_->read_only) {
    Result<std::vector<uint32_t>> seen = co_await MarkSeen(positions);
    if (!seen) co_return std::unexpected(seen.error());
    now_seen = std::move(*seen);
  }
  std::vector<uint32_t> uids;
  for (size_t p : positions) uids.push_back(shown().messages[p].uid);
  FetchData data;
  Result<void> loaded = co_await LoadFetchData(services_->metadata, selected_->mailbox_id,
                                               std::move(uids), &needs, &data);
  if (!loaded) co_return std::unexpected(loaded.error());
  const bool needs_data = needs.record_items || needs.bytes;
  for (size_t p : positions) {
    const uint32_t message_uid = shown().messages[p].uid;
    const MessageRecord* rec = nullptr;
    if (auto it = data.records.find(message_uid); it != data.records.end()) rec = &it->second;
    const CachedSummary* summary = nullptr;
    if (auto it = data.summaries.find(message_uid); it != data.summaries.end()) {
      summary = &it->second;
    }
    const bool bytes_needed = needs.summary ? MissesForm(needs, summary) : needs.bytes;
    // Expunged meanwhile: nothing to show.
    if (needs_data &&
        ((bytes_needed || needs.record_items) ? rec == nullptr : summary == nullptr)) {
      continue;
    }
    std::optional<MessageView> view;
    if (bytes_needed) {
      Result<std::string> bytes = co_await services_->blobs->Get(rec->blob);
      if (!bytes) co_return std::unexpected(bytes.error());
      view.emplace(std::move(*bytes));
    }
    const bool add_flags =
        !has_flags && std::find(now_seen.begin(), now_seen.end(), message_uid) != now_seen.end();
    std::string line;
    if (!RenderFetch(args, p, uid, add_flags, rec, summary, view ? &*view : nullptr, &line)) {
      co_return MakeError(ErrorCode::kCancelled, "unknown CTE");
    }
    Write(line);
  }
  co_return Result<void>();
}

}  // namespace ringmail::imap
