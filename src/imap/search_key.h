// SEARCH programs (RFC 9051 §6.4.4 with RFC 3501's NEW/OLD/RECENT, RFC 7162 MODSEQ, RFC 5032
// OLDER/YOUNGER, RFC 8514 SAVEDATE keys, RFC 8474 EMAILID/THREADID), ESEARCH return options
// (RFC 4731, RFC 5182 SAVE), and the SORT/THREAD arguments (RFC 5256, RFC 5957 DISPLAY).
// Pure data; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "imap/sequence_set.h"

namespace ringmail::imap {

enum class SearchKeyKind : uint8_t {
  // Combinators: kAnd has one or more children (a parenthesised list, or the program's
  // top level), kOr exactly two, kNot exactly one.
  kAnd,
  kOr,
  kNot,
  // No operand.
  kAll,
  kAnswered,
  kDeleted,
  kDraft,
  kFlagged,
  kSeen,
  kUnanswered,
  kUndeleted,
  kUndraft,
  kUnflagged,
  kUnseen,
  kNew,
  kOld,
  kRecent,
  kSaveDateSupported,
  // text: a string to look for.
  kBcc,
  kBody,
  kCc,
  kFrom,
  kSubject,
  kText,
  kTo,
  kHeader,  // text: field name, value: the string
  kKeyword,
  kUnkeyword,  // text: the flag keyword
  kEmailId,
  kThreadId,  // text: the object id
  // number: days since 1970-01-01 (negative before it).
  kBefore,
  kOn,
  kSince,
  kSentBefore,
  kSentOn,
  kSentSince,
  kSavedBefore,
  kSavedOn,
  kSavedSince,
  kLarger,
  kSmaller,  // number: size in octets
  kOlder,
  kYounger,  // number: seconds
  kModseq,   // number: the modseq; text/value: entry name and type, or empty
  kSequenceSet,
  kUid,  // set
};

struct SearchKey {
  SearchKeyKind kind = SearchKeyKind::kAll;
  int64_t number = 0;
  std::string text;
  std::string value;
  SequenceSet set;
  std::vector<SearchKey> children;

  bool operator==(const SearchKey&) const = default;
};

// Bits of SearchReturn::options.
enum SearchReturnOption : uint8_t {
  kReturnMin = 1 << 0,
  kReturnMax = 1 << 1,
  kReturnAll = 1 << 2,
  kReturnCount = 1 << 3,
  kReturnSave = 1 << 4,
};

// RETURN (...) of SEARCH, SORT (ESORT): present means the client asked for an ESEARCH
// response. "RETURN ()" means RETURN (ALL) and is stored as such.
struct SearchReturn {
  uint8_t options = 0;  // SearchReturnOption bits

  bool operator==(const SearchReturn&) const = default;
};

struct SearchArgs {
  std::optional<SearchReturn> returns;
  std::optional<std::string> charset;  // upper-cased; the strings in `key` are in it
  SearchKey key;                       // kAnd of the keys sent

  bool operator==(const SearchArgs&) const = default;
};

enum class SortKey : uint8_t {
  kArrival,
  kCc,
  kDate,
  kFrom,
  kSize,
  kSubject,
  kTo,
  kDisplayFrom,
  kDisplayTo
};

struct SortCriterion {
  SortKey key = SortKey::kArrival;
  bool reverse = false;

  bool operator==(const SortCriterion&) const = default;
};

struct SortArgs {
  std::optional<SearchReturn> returns;
  std::vector<SortCriterion> criteria;  // at least one
  std::string charset;                  // upper-cased; required by SORT
  SearchKey key;

  bool operator==(const SortArgs&) const = default;
};

struct ThreadArgs {
  std::string algorithm;  // upper-cased: "REFERENCES", "ORDEREDSUBJECT"
  std::string charset;    // upper-cased
  SearchKey key;

  bool operator==(const ThreadArgs&) const = default;
};

}  // namespace ringmail::imap
