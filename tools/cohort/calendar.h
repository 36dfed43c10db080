// Days as integers (days since 1970-01-01) and their ISO 8601 text, for the cohort generator.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "regimen/common/date.h"

namespace cohort {

constexpr int kNoTime = -1;  // an event without a time of day

// The calendar is regimen's own (include/regimen/common/date.h): a day number is a Date's days.
inline int days_from_civil(int y, int m, int d) { return regimen::Date::from_ymd(y, m, d)->days; }

inline regimen::Date::Ymd civil_from_days(int day) { return regimen::Date{day}.ymd(); }

// "YYYY-MM-DD" (a real calendar day, years 1900-9999) to a day number.
inline std::optional<int> parse_day(std::string_view s) {
  const regimen::DateParse p = regimen::parse_date(s);
  if (!p.value || p.value->date.ymd().year < 1900) return std::nullopt;
  return p.value->date.days;
}

inline void append_digits(std::string& out, int value, int width) {
  char digits[8];
  for (int i = width - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(digits, static_cast<size_t>(width));
}

// YYYY-MM-DD, and THH:MM when the event has a time (minutes after midnight). Written into a
// local buffer and appended once: dates are a third of a cohort's bytes.
inline void append_date(std::string& out, int day, int minute = kNoTime) {
  const regimen::Date::Ymd c = civil_from_days(day);
  char text[16] = {static_cast<char>('0' + c.year / 1000 % 10), static_cast<char>('0' + c.year / 100 % 10),
                   static_cast<char>('0' + c.year / 10 % 10),   static_cast<char>('0' + c.year % 10),
                   '-', static_cast<char>('0' + c.month / 10), static_cast<char>('0' + c.month % 10),
                   '-', static_cast<char>('0' + c.day / 10),   static_cast<char>('0' + c.day % 10)};
  size_t length = 10;
  if (minute != kNoTime) {
    const int hour = minute / 60, min = minute % 60;
    text[10] = 'T';
    text[11] = static_cast<char>('0' + hour / 10);
    text[12] = static_cast<char>('0' + hour % 10);
    text[13] = ':';
    text[14] = static_cast<char>('0' + min / 10);
    text[15] = static_cast<char>('0' + min % 10);
    length = 16;
  }
  out.append(text, length);
}

}  // namespace cohort
