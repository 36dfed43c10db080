// Days as integers (days since 1970-01-01) and their ISO 8601 text, for the cohort generator.
// The civil-calendar conversions are Howard Hinnant's public-domain algorithms.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cohort {

constexpr int kNoTime = -1;  // an event without a time of day

constexpr int days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int year, month, day;
};

constexpr Civil civil_from_days(int z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

// "YYYY-MM-DD" (a real calendar day, years 1900-9999) to a day number.
inline std::optional<int> parse_day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int fields[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f)
    for (size_t i = starts[f]; i < starts[f] + lengths[f]; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      fields[f] = fields[f] * 10 + (s[i] - '0');
    }
  const auto [y, m, d] = fields;
  if (y < 1900 || m < 1 || m > 12 || d < 1) return std::nullopt;
  const int day = days_from_civil(y, m, d);
  if (civil_from_days(day).day != d) return std::nullopt;  // 2026-02-30 and the like
  return day;
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
  const Civil c = civil_from_days(day);
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
