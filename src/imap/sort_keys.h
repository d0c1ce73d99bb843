// What RFC 5256 SORT and THREAD (and RFC 5957 SORT=DISPLAY) compare: base subjects, sent
// dates, the first address of a field, message ids. Pure; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "imap/message_view.h"

namespace ringmail::imap {

// Bytes of a (decoded) subject the base subject is extracted from: longer subjects sort as
// their first kBaseSubjectInputMax bytes (keeps extraction, which rescans the leader, cheap).
inline constexpr size_t kBaseSubjectInputMax = 1024;

struct BaseSubject {
  std::string text;       // RFC 5256 §2.1 base subject (UTF-8, case as written)
  bool reply_or_forward;  // steps (2), (3) or (6) removed a reply/forward marker
};

// RFC 5256 §2.1 base subject extraction of a raw Subject value (RFC 2047 words decoded,
// whitespace collapsed, "Re:", "Fw:", "Fwd:", "[blob]" leaders, "(fwd)" trailers and
// "[fwd: ...]" wrappers removed).
BaseSubject ExtractBaseSubject(std::string_view raw_subject);

// The sent date (Date field) as Unix seconds, else the internal date (RFC 5256 §2.2).
int64_t SentSeconds(const SearchMessage& message);

// The ids between "<" and ">" in a Message-ID, References or In-Reply-To value, in order.
std::vector<std::string> MessageIds(std::string_view raw);

// The RFC 5256 SORT FROM/TO/CC key (the local part of the field's first address) and RFC 5957
// DISPLAYFROM/DISPLAYTO key (its decoded display name, else "local@domain"), case-folded for
// comparison; empty without an address.
std::string AddressSortKey(std::string_view header_block, std::string_view field);
std::string DisplaySortKey(std::string_view header_block, std::string_view field);

}  // namespace ringmail::imap
