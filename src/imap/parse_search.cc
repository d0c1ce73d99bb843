// SEARCH (RFC 9051 §6.4.4, RFC 4731 ESEARCH, RFC 5182 SEARCHRES, RFC 7162 MODSEQ, RFC 5032
// WITHIN, RFC 8514 SAVEDATE, RFC 8474 OBJECTID), SORT (RFC 5256, RFC 5267 ESORT, RFC 5957
// SORT=DISPLAY) and THREAD (RFC 5256).
#include <algorithm>
#include <array>

#include "imap/command_parsers.h"

namespace ringmail::imap {
namespace {

constexpr int kSearchDepthMax = 32;      // nesting of NOT, OR and parentheses
constexpr size_t kSearchKeysMax = 1000;  // keys in one program, all levels together
constexpr size_t kSortCriteriaMax = 16;
constexpr size_t kObjectIdSizeMax = 255;  // RFC 8474 §4

enum class Operand : uint8_t { kNone, kString, kHeader, kAtom, kObjectId, kDate, kSize, kSeconds };

struct KeyEntry {
  std::string_view name;
  SearchKeyKind kind;
  Operand operand;
};

using K = SearchKeyKind;
using O = Operand;
constexpr std::array<KeyEntry, 44> kKeys = {{
    {"ALL", K::kAll, O::kNone},
    {"ANSWERED", K::kAnswered, O::kNone},
    {"DELETED", K::kDeleted, O::kNone},
    {"DRAFT", K::kDraft, O::kNone},
    {"FLAGGED", K::kFlagged, O::kNone},
    {"SEEN", K::kSeen, O::kNone},
    {"UNANSWERED", K::kUnanswered, O::kNone},
    {"UNDELETED", K::kUndeleted, O::kNone},
    {"UNDRAFT", K::kUndraft, O::kNone},
    {"UNFLAGGED", K::kUnflagged, O::kNone},
    {"UNSEEN", K::kUnseen, O::kNone},
    {"NEW", K::kNew, O::kNone},
    {"OLD", K::kOld, O::kNone},
    {"RECENT", K::kRecent, O::kNone},
    {"SAVEDATESUPPORTED", K::kSaveDateSupported, O::kNone},
    {"BCC", K::kBcc, O::kString},
    {"BODY", K::kBody, O::kString},
    {"CC", K::kCc, O::kString},
    {"FROM", K::kFrom, O::kString},
    {"SUBJECT", K::kSubject, O::kString},
    {"TEXT", K::kText, O::kString},
    {"TO", K::kTo, O::kString},
    {"HEADER", K::kHeader, O::kHeader},
    {"KEYWORD", K::kKeyword, O::kAtom},
    {"UNKEYWORD", K::kUnkeyword, O::kAtom},
    {"EMAILID", K::kEmailId, O::kObjectId},
    {"THREADID", K::kThreadId, O::kObjectId},
    {"BEFORE", K::kBefore, O::kDate},
    {"ON", K::kOn, O::kDate},
    {"SINCE", K::kSince, O::kDate},
    {"SENTBEFORE", K::kSentBefore, O::kDate},
    {"SENTON", K::kSentOn, O::kDate},
    {"SENTSINCE", K::kSentSince, O::kDate},
    {"SAVEDBEFORE", K::kSavedBefore, O::kDate},
    {"SAVEDON", K::kSavedOn, O::kDate},
    {"SAVEDSINCE", K::kSavedSince, O::kDate},
    {"LARGER", K::kLarger, O::kSize},
    {"SMALLER", K::kSmaller, O::kSize},
    {"OLDER", K::kOlder, O::kSeconds},
    {"YOUNGER", K::kYounger, O::kSeconds},
    // Handled in ParseKey itself:
    {"NOT", K::kNot, O::kNone},
    {"OR", K::kOr, O::kNone},
    {"UID", K::kUid, O::kNone},
    {"MODSEQ", K::kModseq, O::kNone},
}};

bool IsObjectIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

class SearchParser {
 public:
  explicit SearchParser(Cursor& c) : c_(c) {}

  // search-key *(SP search-key) into a kAnd key.
  bool Program(SearchKey* out) {
    out->kind = K::kAnd;
    do {
      if (!Key(&out->children.emplace_back(), 0)) return false;
    } while (c_.TryChar(' '));
    return true;
  }

 private:
  bool Key(SearchKey* key, int depth) {
    if (depth >= kSearchDepthMax) return c_.Fail("search program nested too deeply");
    if (++count_ > kSearchKeysMax) return c_.Fail("search program too large");
    char first = c_.Peek();
    if (first == '(') {
      key->kind = K::kAnd;
      return c_.List([&] { return Key(&key->children.emplace_back(), depth + 1); });
    }
    if ((first >= '0' && first <= '9') || first == '*' || first == '$') {
      key->kind = K::kSequenceSet;
      return c_.SequenceSet(&key->set);
    }
    std::string word;
    if (!c_.Keyword(&word)) return c_.Fail("expected a search key");
    auto it =
        std::find_if(kKeys.begin(), kKeys.end(), [&](const KeyEntry& e) { return e.name == word; });
    if (it == kKeys.end()) return c_.Fail("unknown search key");
    key->kind = it->kind;
    switch (it->kind) {
      case K::kNot: return c_.Sp() && Key(&key->children.emplace_back(), depth + 1);
      case K::kOr:
        return c_.Sp() && Key(&key->children.emplace_back(), depth + 1) && c_.Sp() &&
               Key(&key->children.emplace_back(), depth + 1);
      case K::kUid: return c_.Sp() && c_.SequenceSet(&key->set);
      case K::kModseq: return Modseq(key);
      default: return it->operand == O::kNone || (c_.Sp() && ReadOperand(it->operand, key));
    }
  }

  bool ReadOperand(O operand, SearchKey* key) {
    switch (operand) {
      case O::kString: return c_.AString(&key->text);
      case O::kHeader: return c_.AString(&key->text) && c_.Sp() && c_.AString(&key->value);
      case O::kAtom: {
        std::string_view atom = c_.Atom();
        key->text.assign(atom);
        return !c_.failed();
      }
      case O::kObjectId: {
        while (IsObjectIdChar(c_.Peek()) && key->text.size() <= kObjectIdSizeMax) {
          key->text.push_back(c_.Peek());
          c_.TryChar(c_.Peek());
        }
        return (!key->text.empty() && key->text.size() <= kObjectIdSizeMax) ||
               c_.Fail("bad object id");
      }
      case O::kDate: return c_.Date(&key->number);
      case O::kSize: {
        uint64_t n;
        if (!c_.Number64(&n)) return false;
        key->number = static_cast<int64_t>(n);
        return true;
      }
      case O::kSeconds: {
        uint32_t n;
        if (!c_.NzNumber(&n)) return false;
        key->number = n;
        return true;
      }
      case O::kNone: return true;
    }
    return false;
  }

  // MODSEQ [SP entry-name SP entry-type-req] SP mod-sequence-valzer (RFC 7162 §3.1.5).
  bool Modseq(SearchKey* key) {
    if (!c_.Sp()) return false;
    if (c_.Peek() == '"') {
      if (!c_.Quoted(&key->text) || !c_.Sp() || !c_.Keyword(&key->value) || !c_.Sp()) {
        return false;
      }
      if (key->value != "PRIV" && key->value != "SHARED" && key->value != "ALL") {
        return c_.Fail("bad MODSEQ entry type");
      }
    }
    uint64_t n;
    if (!c_.Number64(&n)) return false;
    key->number = static_cast<int64_t>(n);
    return true;
  }

  Cursor& c_;
  size_t count_ = 0;
};

// SP "RETURN" SP "(" [option *(SP option)] ")", if present.
bool ParseReturn(Cursor& c, std::optional<SearchReturn>* out) {
  static constexpr std::array<std::pair<std::string_view, uint8_t>, 5> kOptions = {{
      {"MIN", kReturnMin},
      {"MAX", kReturnMax},
      {"ALL", kReturnAll},
      {"COUNT", kReturnCount},
      {"SAVE", kReturnSave},
  }};
  if (!c.LookingAt(" RETURN ")) return !c.failed();
  c.Sp();
  c.TryKeyword("RETURN");
  SearchReturn& r = out->emplace();
  bool ok = c.Sp() && c.List(
                          [&] {
                            std::string word;
                            if (!c.Keyword(&word)) return false;
                            for (const auto& [name, bit] : kOptions) {
                              if (word == name) return (r.options |= bit), true;
                            }
                            return c.Fail("unknown RETURN option");
                          },
                          /*allow_empty=*/true);
  if (ok && r.options == 0) r.options = kReturnAll;  // RFC 4731 §3.1
  return ok;
}

bool ParseCharset(Cursor& c, std::string* out) {
  if (c.Peek() == '"') {
    if (!c.Quoted(out)) return false;
  } else {
    std::string_view atom = c.Atom();
    if (c.failed()) return c.Fail("expected a charset");
    out->assign(atom);
  }
  for (char& ch : *out) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch;
  return true;
}

bool ParseSearch(Cursor& c, Command* out) {
  SearchArgs args;
  if (!ParseReturn(c, &args.returns) || !c.Sp()) return false;
  if (c.TryKeyword("CHARSET")) {
    if (!c.Sp() || !ParseCharset(c, &args.charset.emplace()) || !c.Sp()) return false;
  }
  SearchParser parser(c);
  if (!parser.Program(&args.key)) return false;
  out->args = std::move(args);
  return true;
}

bool ParseSort(Cursor& c, Command* out) {
  static constexpr std::array<std::pair<std::string_view, SortKey>, 9> kSortKeys = {{
      {"ARRIVAL", SortKey::kArrival},
      {"CC", SortKey::kCc},
      {"DATE", SortKey::kDate},
      {"FROM", SortKey::kFrom},
      {"SIZE", SortKey::kSize},
      {"SUBJECT", SortKey::kSubject},
      {"TO", SortKey::kTo},
      {"DISPLAYFROM", SortKey::kDisplayFrom},
      {"DISPLAYTO", SortKey::kDisplayTo},
  }};
  SortArgs args;
  if (!ParseReturn(c, &args.returns) || !c.Sp()) return false;
  bool ok = c.List([&] {
    if (args.criteria.size() >= kSortCriteriaMax) return c.Fail("too many sort criteria");
    SortCriterion& criterion = args.criteria.emplace_back();
    if (c.TryKeyword("REVERSE")) {
      criterion.reverse = true;
      if (!c.Sp()) return false;
    }
    std::string word;
    if (!c.Keyword(&word)) return c.Fail("expected a sort key");
    for (const auto& [name, key] : kSortKeys) {
      if (word == name) return (criterion.key = key), true;
    }
    return c.Fail("unknown sort key");
  });
  if (!ok || !c.Sp() || !ParseCharset(c, &args.charset) || !c.Sp()) return false;
  SearchParser parser(c);
  if (!parser.Program(&args.key)) return false;
  out->args = std::move(args);
  return true;
}

bool ParseThread(Cursor& c, Command* out) {
  ThreadArgs args;
  if (!c.Sp() || !c.Keyword(&args.algorithm) || !c.Sp() || !ParseCharset(c, &args.charset) ||
      !c.Sp()) {
    return false;
  }
  SearchParser parser(c);
  if (!parser.Program(&args.key)) return false;
  out->args = std::move(args);
  return true;
}

}  // namespace

bool ParseSearchCommand(Cursor& c, Command* out) {
  switch (out->name) {
    case CommandName::kSort: return ParseSort(c, out);
    case CommandName::kThread: return ParseThread(c, out);
    default: return ParseSearch(c, out);
  }
}

}  // namespace ringmail::imap
