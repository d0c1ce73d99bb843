// SearchSnippet/get's text work (RFC 8621 §5): which search terms a filter holds and the
// highlighted, HTML-escaped snippet of a text. Matching is IMAP SEARCH's and Email/query's
// (imap/search_text.h: case-folded substring), so a snippet marks what the query matched.
// Pure; any core.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jmap/email_filter.h"

namespace ringmail::jmap {

inline constexpr size_t kSnippetPreviewBytesMax = 255;   // RFC 8621 §5: preview ≤ 255 octets
inline constexpr size_t kSnippetSourceCharsMax = 16384;  // body text looked through
inline constexpr size_t kSnippetContextBytes = 40;       // text kept before the first match

// The folded terms a snippet marks: `text` and `subject` conditions for the subject, `text`
// and `body` ones for the preview; terms under NOT are not matches and are left out.
struct SnippetTerms {
  std::vector<std::string> subject, body;
};
SnippetTerms TermsOf(const EmailFilter& filter);

// `text` with `&`, `<`, `>` escaped and every match of a term in <mark></mark>; nullopt when
// no term matches. With `window`, the snippet starts a little before the first match (at a
// word when it can) and stops before `bytes_max` bytes; without, it is all of `text`.
std::optional<std::string> Highlight(std::string_view text, const std::vector<std::string>& terms,
                                     bool window, size_t bytes_max = SIZE_MAX);

}  // namespace ringmail::jmap
