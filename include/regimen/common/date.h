#pragma once
// Calendar dates and the date-times of CONTRACT §1.
//
// A Date is a count of days since 1970-01-01 in the proleptic Gregorian calendar, so
// "N days after D" is plain integer arithmetic. A Timestamp is a Date plus an optional
// wall-clock time (and the zone it was written with): the date drives day arithmetic, the
// time only orders events that fall on the same day (as written, no zone conversion).

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace regimen {

struct Date {
  int32_t days = 0;  ///< days since 1970-01-01

  static constexpr std::optional<Date> from_ymd(int year, int month, int day);
  constexpr auto operator<=>(const Date&) const = default;

  /// The civil year, month (1-12) and day (1-31).
  struct Ymd {
    int year, month, day;
  };
  [[nodiscard]] constexpr Ymd ymd() const;
  [[nodiscard]] std::string to_string() const;  ///< "YYYY-MM-DD"
  /// The same into `out` (at least kMaxChars long), without making a string; returns the length.
  size_t write(char* out) const;
  static constexpr size_t kMaxChars = 16;  ///< "-32768-12-31" at most
};

constexpr Date operator+(Date d, int32_t n) { return Date{d.days + n}; }
constexpr Date operator-(Date d, int32_t n) { return Date{d.days - n}; }
constexpr int32_t operator-(Date a, Date b) { return a.days - b.days; }

struct Timestamp {
  Date date;
  int32_t seconds = -1;      ///< seconds since midnight as written; -1 when no time was given
  int16_t zone_minutes = 0;  ///< the written offset from UTC, when has_zone
  bool has_zone = false;

  [[nodiscard]] bool has_time() const { return seconds >= 0; }
  [[nodiscard]] std::string to_string() const;  ///< as it was written, normalised
  /// The same into `out` (at least kMaxChars long), without making a string; returns the length.
  size_t write(char* out) const;
  /// Only the time of day and its zone ("10:30:00", "10:30:00+02:00"; nothing without a time).
  size_t write_time(char* out) const;
  static constexpr size_t kMaxChars = 32;  ///< a date, "THH:MM:SS" and "+HH:MM"
};

/// Orders by date, then by time when both carry one; a timestamp without a time ties with
/// every time on its day (the caller decides how such ties are broken).
std::weak_ordering order_on_timeline(const Timestamp& a, const Timestamp& b);

/// Why a text is not a date or date-time; empty when it is one.
struct DateParse {
  std::optional<Timestamp> value;
  std::string problem;  ///< e.g. "day 30 does not exist in February 2026"
};

/// Parses `YYYY-MM-DD` exactly.
DateParse parse_date(std::string_view text);
/// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]` exactly.
DateParse parse_date_or_datetime(std::string_view text);

// ---- constexpr implementation (Howard Hinnant's days_from_civil / civil_from_days) ----

constexpr bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int days_in_month(int y, int m) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && is_leap_year(y)) ? 29 : kDays[m - 1];
}

constexpr std::optional<Date> Date::from_ymd(int y, int m, int d) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return Date{era * 146097 + doe - 719468};
}

constexpr Date::Ymd Date::ymd() const {
  const int z = days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp + (mp < 10 ? 3 : -9);
  return Ymd{yoe + era * 400 + (m <= 2), m, d};
}

/// The dates CONTRACT §1 can write (YYYY-MM-DD): 0001-01-01 to 9999-12-31.
inline constexpr Date kFirstDate = *Date::from_ymd(1, 1, 1);
inline constexpr Date kLastDate = *Date::from_ymd(9999, 12, 31);
constexpr bool writable_date(int64_t days) { return days >= kFirstDate.days && days <= kLastDate.days; }

}  // namespace regimen
