// Cursor's readers for flags and dates.
#include <array>

#include "base/ascii.h"
#include "imap/cursor.h"

namespace ringmail::imap {
namespace {

constexpr std::array<std::string_view, 5> kSystemFlags = {"\\Answered", "\\Flagged", "\\Deleted",
                                                          "\\Seen", "\\Draft"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

bool Cursor::Flag(std::string* out) {
  if (failed()) return false;
  bool system = TryChar('\\');
  std::string_view atom = Atom();
  if (failed()) return Fail("expected a flag");
  if (!system) {
    out->assign(atom);
    return true;
  }
  out->assign("\\").append(atom);
  for (std::string_view known : kSystemFlags) {
    if (EqualsIgnoreCase(*out, known)) {
      out->assign(known);
      return true;
    }
  }
  if (EqualsIgnoreCase(*out, "\\Recent")) return Fail("\\Recent cannot be set");
  return true;  // a flag-extension: the session decides whether it knows it
}

bool Cursor::FlagList(std::vector<std::string>* out) {
  out->clear();
  return List(
      [&] {
        std::string flag;
        if (!Flag(&flag)) return false;
        out->push_back(std::move(flag));
        return true;
      },
      /*allow_empty=*/true);
}

bool Cursor::Date(int64_t* days) {
  if (failed()) return false;
  bool quoted = TryChar('"');
  int day = 0;
  int digits = 0;
  while (IsDigit(Peek()) && digits < 2) day = day * 10 + (text_[pos_++] - '0'), ++digits;
  if (digits == 0 || !Char('-')) return Fail("bad date");
  int month = 0;
  for (size_t i = 0; i < kMonths.size() && month == 0; ++i) {
    if (text_.size() - pos_ >= 3 && EqualsIgnoreCase(text_.substr(pos_, 3), kMonths[i])) {
      month = static_cast<int>(i) + 1;
    }
  }
  if (month == 0) return Fail("bad month");
  pos_ += 3;
  if (!Char('-')) return Fail("bad date");
  int year = 0;
  for (int i = 0; i < 4; ++i) {
    if (!IsDigit(Peek())) return Fail("bad year");
    year = year * 10 + (text_[pos_++] - '0');
  }
  if (day < 1 || day > DaysInMonth(year, month)) return Fail("bad day of month");
  if (quoted && !Char('"')) return Fail("bad date");
  *days = DaysFromCivil(year, month, day);
  return true;
}

bool Cursor::DateTime(imap::DateTime* out) {
  if (!Char('"')) return Fail("expected a date-time");
  if (Peek() == ' ') ++pos_;  // date-day-fixed: (SP DIGIT) / 2DIGIT
  int64_t days;
  if (!Date(&days) || !Sp()) return Fail("bad date-time");
  auto two_digits = [&](int max, int* v) {
    if (text_.size() - pos_ < 2 || !IsDigit(text_[pos_]) || !IsDigit(text_[pos_ + 1])) {
      return Fail("bad date-time");
    }
    *v = (text_[pos_] - '0') * 10 + (text_[pos_ + 1] - '0');
    pos_ += 2;
    return *v <= max || Fail("bad date-time");
  };
  int hour = 0, minute = 0, second = 0, zone_hours = 0, zone_minutes = 0;
  if (!two_digits(23, &hour) || !Char(':') || !two_digits(59, &minute) || !Char(':') ||
      !two_digits(60, &second) || !Sp()) {
    return Fail("bad time");
  }
  int sign = TryChar('+') ? 1 : (TryChar('-') ? -1 : 0);
  if (sign == 0 || !two_digits(99, &zone_hours) || !two_digits(59, &zone_minutes)) {
    return Fail("bad zone");
  }
  if (!Char('"')) return Fail("bad date-time");
  out->zone_minutes = static_cast<int16_t>(sign * (zone_hours * 60 + zone_minutes));
  out->unix_seconds =
      days * 86400 + hour * 3600 + minute * 60 + second - int64_t{out->zone_minutes} * 60;
  return true;
}

}  // namespace ringmail::imap
