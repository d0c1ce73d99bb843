// RFC 5322 §3.3 Date fields (obsolete forms included) as SEARCH SENT* and SORT DATE read them.
// Pure; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ringmail::imap {

struct MessageDate {
  int64_t utc_seconds = 0;  // the instant (Unix seconds)
  int64_t local_days = 0;   // the calendar day as written, in its own zone (days since 1970)
};

// Parses a Date field value: "[Day,] DD Mon YYYY HH:MM[:SS] [zone]" with comments, folding,
// two- and three-digit years (RFC 5322 §4.3), named US zones and military zones (read as
// +0000), and a missing zone (+0000). nullopt when no day, month, year and time are found.
std::optional<MessageDate> ParseMessageDate(std::string_view value);

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12).
int64_t CivilDays(int64_t year, unsigned month, unsigned day);

// The UTC calendar day of Unix time `seconds` (floor division: negative times work).
inline int64_t UtcDays(int64_t seconds) {
  return seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
}

}  // namespace ringmail::imap
