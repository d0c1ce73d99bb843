#include "imap/message_date.h"

#include <array>
#include <string>
#include <vector>

#include "base/ascii.h"

namespace ringmail::imap {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr size_t kDateTokensMax = 16;  // more tokens than any date has: garbage

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The value split into words at whitespace, ',' and ':' (':' kept as its own token), with
// "(comments)" dropped.
std::vector<std::string_view> Tokens(std::string_view v) {
  std::vector<std::string_view> out;
  size_t i = 0;
  int depth = 0;
  while (i < v.size() && out.size() < kDateTokensMax) {
    char c = v[i];
    if (c == '(') {
      ++depth;
      ++i;
    } else if (c == ')') {
      depth = depth > 0 ? depth - 1 : 0;
      ++i;
    } else if (depth > 0 || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',') {
      ++i;
    } else if (c == ':') {
      out.push_back(v.substr(i, 1));
      ++i;
    } else {
      size_t start = i;
      while (i < v.size() && v[i] != ' ' && v[i] != '\t' && v[i] != '\r' && v[i] != '\n' &&
             v[i] != ',' && v[i] != ':' && v[i] != '(') {
        ++i;
      }
      out.push_back(v.substr(start, i - start));
    }
  }
  return out;
}

// A number of 1 to `digits_max` digits; -1 if `s` is not one.
int64_t Number(std::string_view s, size_t digits_max) {
  if (s.empty() || s.size() > digits_max) return -1;
  int64_t n = 0;
  for (char c : s) {
    if (!IsDigit(c)) return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

// 1..12, or 0 if `s` is not a month name.
unsigned Month(std::string_view s) {
  if (s.size() < 3) return 0;
  std::string lower = AsciiLowerString(s.substr(0, 3));
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (lower == kMonths[i]) return static_cast<unsigned>(i + 1);
  }
  return 0;
}

// The zone's offset east of UTC, in minutes; 0 for unknown zones (RFC 5322 §4.3).
int64_t ZoneMinutes(std::string_view z) {
  if (z.size() == 5 && (z[0] == '+' || z[0] == '-')) {
    int64_t hhmm = Number(z.substr(1), 4);
    if (hhmm < 0) return 0;
    int64_t minutes = (hhmm / 100) * 60 + hhmm % 100;
    return z[0] == '-' ? -minutes : minutes;
  }
  std::string n = AsciiLowerString(z);
  if (n == "edt") return -4 * 60;
  if (n == "est" || n == "cdt") return -5 * 60;
  if (n == "cst" || n == "mdt") return -6 * 60;
  if (n == "mst" || n == "pdt") return -7 * 60;
  if (n == "pst") return -8 * 60;
  return 0;
}

}  // namespace

int64_t CivilDays(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<MessageDate> ParseMessageDate(std::string_view value) {
  std::vector<std::string_view> t = Tokens(value);
  size_t i = 0;
  if (i < t.size() && !t[i].empty() && !IsDigit(t[i][0])) ++i;  // day of week
  if (i + 6 > t.size()) return std::nullopt;
  int64_t day = Number(t[i], 2);
  unsigned month = Month(t[i + 1]);
  int64_t year = Number(t[i + 2], 4);
  int64_t hour = Number(t[i + 3], 2);
  int64_t minute = t[i + 4] == ":" ? Number(t[i + 5], 2) : -1;
  if (day < 1 || day > 31 || month == 0 || year < 0 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59) {
    return std::nullopt;
  }
  if (t[i + 2].size() < 4) year += year < 50 ? 2000 : 1900;  // RFC 5322 §4.3
  i += 6;
  int64_t second = 0;
  if (i + 1 < t.size() && t[i] == ":") {
    second = Number(t[i + 1], 2);
    if (second < 0 || second > 60) return std::nullopt;
    i += 2;
  }
  int64_t zone = i < t.size() ? ZoneMinutes(t[i]) : 0;
  MessageDate d;
  d.local_days = CivilDays(year, month, static_cast<unsigned>(day));
  d.utc_seconds = d.local_days * 86400 + hour * 3600 + minute * 60 + second - zone * 60;
  return d;
}

}  // namespace ringmail::imap
