// SEARCH key matching (RFC 9051 §6.4.4, RFC 3501 NEW/OLD/RECENT, RFC 7162 MODSEQ, RFC 5032
// OLDER/YOUNGER, RFC 8514 SAVEDATE, RFC 8474 EMAILID/THREADID, RFC 5182 "$").
#include <algorithm>

#include "base/ascii.h"
#include "imap/message_date.h"
#include "imap/message_view.h"
#include "imap/search_text.h"
#include "mime/header.h"

namespace ringmail::imap {
namespace {

using K = SearchKeyKind;

bool InRanges(const SequenceSet& set, uint32_t value, uint32_t star) {
  for (const SequenceRange& r : set.ranges) {
    uint32_t a = r.first == kSequenceStar ? star : r.first;
    uint32_t b = r.last == kSequenceStar ? star : r.last;
    if (value >= std::min(a, b) && value <= std::max(a, b)) return true;
  }
  return false;
}

bool InSet(const SequenceSet& set, uint32_t value, uint32_t star, const SearchMessage& m,
           const SearchScope& scope) {
  if (set.saved) {
    if (scope.saved_uids == nullptr) return false;
    return std::find(scope.saved_uids->begin(), scope.saved_uids->end(), m.record->uid) !=
           scope.saved_uids->end();
  }
  return InRanges(set, value, star);
}

bool HasKeyword(const MessageFlags& flags, std::string_view keyword) {
  if (keyword.starts_with('\\')) {
    std::string k = AsciiLowerString(keyword);
    if (k == "\\seen") return flags.seen;
    if (k == "\\answered") return flags.answered;
    if (k == "\\flagged") return flags.flagged;
    if (k == "\\deleted") return flags.deleted;
    if (k == "\\draft") return flags.draft;
  }
  for (const std::string& k : flags.keywords) {
    if (EqualsIgnoreCase(k, keyword)) return true;
  }
  return false;
}

// The day of the Date field in its own zone, else of the internal date (UTC).
int64_t SentDays(const SearchMessage& m) {
  if (m.view != nullptr) {
    std::string_view header = m.view->tree().root().header.In(m.view->bytes());
    if (std::optional<std::string_view> date = mime::FindHeader(header, "date")) {
      if (std::optional<MessageDate> d = ParseMessageDate(*date)) return d->local_days;
    }
  }
  return UtcDays(m.record->received_at);
}

std::string_view Header(const SearchMessage& m) {
  return m.view->tree().root().header.In(m.view->bytes());
}

bool HeaderContains(const SearchMessage& m, std::string_view name, std::string_view text) {
  if (m.view == nullptr) return false;
  std::optional<std::string> values = FoldedHeaderValues(Header(m), name);
  return values && ContainsFolded(*values, FoldCase(text));
}

bool MatchesText(const SearchKey& key, const SearchMessage& m) {
  if (m.view == nullptr) return false;
  switch (key.kind) {
    case K::kFrom: return HeaderContains(m, "from", key.text);
    case K::kTo: return HeaderContains(m, "to", key.text);
    case K::kCc: return HeaderContains(m, "cc", key.text);
    case K::kBcc: return HeaderContains(m, "bcc", key.text);
    case K::kSubject: return HeaderContains(m, "subject", key.text);
    case K::kHeader: return HeaderContains(m, key.text, key.value);
    case K::kBody: return ContainsFolded(m.view->FoldedBody(), FoldCase(key.text));
    case K::kText: {
      std::string needle = FoldCase(key.text);
      return ContainsFolded(m.view->FoldedHeader(), needle) ||
             ContainsFolded(m.view->FoldedBody(), needle);
    }
    default: return false;
  }
}

bool MatchesDate(const SearchKey& key, const SearchMessage& m) {
  const MessageRecord& r = *m.record;
  int64_t internal = UtcDays(r.received_at);
  int64_t saved = UtcDays(r.saved_at != 0 ? r.saved_at : r.received_at);
  switch (key.kind) {
    case K::kBefore: return internal < key.number;
    case K::kOn: return internal == key.number;
    case K::kSince: return internal >= key.number;
    case K::kSentBefore: return SentDays(m) < key.number;
    case K::kSentOn: return SentDays(m) == key.number;
    case K::kSentSince: return SentDays(m) >= key.number;
    case K::kSavedBefore: return saved < key.number;
    case K::kSavedOn: return saved == key.number;
    case K::kSavedSince: return saved >= key.number;
    default: return false;
  }
}

}  // namespace

bool NeedsBytes(const SearchKey& key) {
  switch (key.kind) {
    case K::kBcc:
    case K::kBody:
    case K::kCc:
    case K::kFrom:
    case K::kSubject:
    case K::kText:
    case K::kTo:
    case K::kHeader:
    case K::kSentBefore:
    case K::kSentOn:
    case K::kSentSince: return true;
    default: break;
  }
  return std::any_of(key.children.begin(), key.children.end(),
                     [](const SearchKey& k) { return NeedsBytes(k); });
}

bool Matches(const SearchKey& key, const SearchMessage& m, const SearchScope& scope) {
  const MessageRecord& r = *m.record;
  const MessageFlags& f = r.flags;
  switch (key.kind) {
    case K::kAnd:
      return std::all_of(key.children.begin(), key.children.end(),
                         [&](const SearchKey& k) { return Matches(k, m, scope); });
    case K::kOr:
      return std::any_of(key.children.begin(), key.children.end(),
                         [&](const SearchKey& k) { return Matches(k, m, scope); });
    case K::kNot: return key.children.empty() || !Matches(key.children[0], m, scope);
    case K::kAll:
    case K::kOld:  // no \Recent in this server: every message is old
    case K::kSaveDateSupported: return true;
    case K::kNew:
    case K::kRecent: return false;
    case K::kAnswered: return f.answered;
    case K::kDeleted: return f.deleted;
    case K::kDraft: return f.draft;
    case K::kFlagged: return f.flagged;
    case K::kSeen: return f.seen;
    case K::kUnanswered: return !f.answered;
    case K::kUndeleted: return !f.deleted;
    case K::kUndraft: return !f.draft;
    case K::kUnflagged: return !f.flagged;
    case K::kUnseen: return !f.seen;
    case K::kKeyword: return HasKeyword(f, key.text);
    case K::kUnkeyword: return !HasKeyword(f, key.text);
    case K::kEmailId: return key.text == EmailIdString(r.email_id);
    case K::kThreadId: return r.thread_id != 0 && key.text == ThreadIdString(r.thread_id);
    case K::kLarger: return key.number >= 0 && r.size > static_cast<uint64_t>(key.number);
    case K::kSmaller: return key.number > 0 && r.size < static_cast<uint64_t>(key.number);
    case K::kOlder: return scope.now - r.received_at > key.number;  // YOUNGER's complement
    case K::kYounger: return scope.now - r.received_at <= key.number;
    case K::kModseq: return key.number >= 0 && r.modseq >= static_cast<uint64_t>(key.number);
    case K::kSequenceSet: return InSet(key.set, m.sequence, scope.message_count, m, scope);
    case K::kUid: return InSet(key.set, r.uid, scope.uid_max, m, scope);
    case K::kBefore:
    case K::kOn:
    case K::kSince:
    case K::kSentBefore:
    case K::kSentOn:
    case K::kSentSince:
    case K::kSavedBefore:
    case K::kSavedOn:
    case K::kSavedSince: return MatchesDate(key, m);
    default: return MatchesText(key, m);
  }
}

}  // namespace ringmail::imap
