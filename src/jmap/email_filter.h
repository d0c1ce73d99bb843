// Email/query's FilterOperator / FilterCondition (RFC 8621 §4.4.1): parsed from the client's
// JSON, then matched against emails. Text conditions use IMAP SEARCH's decoded, case-folded
// text (imap/search_text.h). Pure; any core.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "jmap/email_render.h"
#include "store/metadata_store.h"

namespace ringmail::jmap {

inline constexpr size_t kFilterDepthMax = 16;   // nested operators
inline constexpr size_t kFilterNodesMax = 256;  // conditions and operators in one filter

struct EmailCondition {
  std::optional<int64_t> in_mailbox;
  std::vector<int64_t> in_mailbox_other_than;
  bool has_other_than = false;
  std::optional<int64_t> before, after;  // receivedAt, Unix seconds
  std::optional<uint64_t> min_size, max_size;
  std::optional<std::string> all_in_thread_have, some_in_thread_have, none_in_thread_have;
  std::optional<std::string> has_keyword, not_keyword;
  std::optional<bool> has_attachment;
  // Folded (imap::FoldCase) search strings.
  std::optional<std::string> text, from, to, cc, bcc, subject, body;
  std::optional<std::string> header_name;
  std::optional<std::string> header_value;
};

struct EmailFilter {
  enum class Kind { kCondition, kAnd, kOr, kNot };
  Kind kind = Kind::kCondition;
  EmailCondition condition;
  std::vector<EmailFilter> children;
};

// The outcome of parsing: a filter, or a method error type ("unsupportedFilter",
// "invalidArguments") with a description.
struct FilterParse {
  std::optional<EmailFilter> filter;
  std::string error_type;
  std::string description;
};
FilterParse ParseEmailFilter(simdjson::dom::element json);

// Whether matching the filter reads the message's bytes.
bool FilterNeedsMessage(const EmailFilter& filter);

// An email as the filter and the sorts see it. `message` is set when they need it; the folded
// texts are computed on first use.
struct EmailView {
  const EmailRecord* record = nullptr;
  const LoadedMessage* message = nullptr;
  // The emails of its thread (itself included), for the *InThreadHaveKeyword conditions.
  const std::vector<const EmailRecord*>* thread = nullptr;
  mutable std::map<std::string, std::string, std::less<>> folded;  // cache
  const std::string& Folded(std::string_view what) const;  // "body", "header:<name>", "text"
};

bool Matches(const EmailFilter& filter, const EmailView& email);

}  // namespace ringmail::jmap
