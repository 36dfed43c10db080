#include "regimen/common/date.h"

#include <cstring>

#include <array>
#include <fmt/format.h>

namespace regimen {
namespace {

constexpr std::array<const char*, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// Reads exactly `width` ASCII digits at `pos`; -1 when any is not a digit.
int read_digits(std::string_view s, size_t pos, size_t width) {
  if (pos + width > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

DateParse fail(std::string problem) { return DateParse{std::nullopt, std::move(problem)}; }

// Parses the leading YYYY-MM-DD; on success returns the date and leaves `problem` empty.
DateParse parse_calendar_part(std::string_view s) {
  const int y = read_digits(s, 0, 4), m = read_digits(s, 5, 2), d = read_digits(s, 8, 2);
  if (y < 0 || m < 0 || d < 0 || s.size() < 10 || s[4] != '-' || s[7] != '-')
    return fail("expected a date as YYYY-MM-DD");
  if (y < 1) return fail("year 0000 is not a valid year");
  if (m < 1 || m > 12) return fail(fmt::format("month {:02d} does not exist", m));
  if (d < 1 || d > days_in_month(y, m))
    return fail(fmt::format("{} {} has {} days", kMonthNames[m - 1], y, days_in_month(y, m)));
  return DateParse{Timestamp{*Date::from_ymd(y, m, d)}, {}};
}

}  // namespace

size_t Date::write(char* out) const {
  const Ymd c = ymd();
  if (c.year < 0 || c.year > 9999)
    return static_cast<size_t>(fmt::format_to_n(out, kMaxChars, "{:04d}-{:02d}-{:02d}", c.year, c.month, c.day).out - out);
  // The common case by hand: this runs for every date of every output line.
  const char s[10] = {static_cast<char>('0' + c.year / 1000), static_cast<char>('0' + c.year / 100 % 10),
                      static_cast<char>('0' + c.year / 10 % 10), static_cast<char>('0' + c.year % 10), '-',
                      static_cast<char>('0' + c.month / 10), static_cast<char>('0' + c.month % 10), '-',
                      static_cast<char>('0' + c.day / 10), static_cast<char>('0' + c.day % 10)};
  std::memcpy(out, s, sizeof s);
  return sizeof s;
}

std::string Date::to_string() const {
  char text[kMaxChars];
  return std::string(text, write(text));
}

size_t Timestamp::write(char* out) const {
  size_t n = date.write(out);
  if (!has_time()) return n;
  out[n++] = 'T';
  return n + write_time(out + n);
}

size_t Timestamp::write_time(char* out) const {
  if (!has_time()) return 0;
  // By hand, as Date::write: the canonical input of every audited record writes each event's.
  // `seconds` is within one day (the parser allows hours 00-23), so every part has two digits.
  const int h = seconds / 3600, m = seconds / 60 % 60, sec = seconds % 60;
  const char time[8] = {static_cast<char>('0' + h / 10), static_cast<char>('0' + h % 10), ':',
                        static_cast<char>('0' + m / 10), static_cast<char>('0' + m % 10), ':',
                        static_cast<char>('0' + sec / 10), static_cast<char>('0' + sec % 10)};
  std::memcpy(out, time, sizeof time);
  size_t n = sizeof time;
  if (has_zone) {
    if (zone_minutes == 0) {
      out[n++] = 'Z';
      return n;
    }
    const int z = zone_minutes < 0 ? -zone_minutes : zone_minutes;
    n += static_cast<size_t>(fmt::format_to_n(out + n, 6, "{}{:02d}:{:02d}", zone_minutes < 0 ? '-' : '+', z / 60, z % 60).out - (out + n));  // "+HH:MM"
  }
  return n;
}

std::string Timestamp::to_string() const {
  char text[kMaxChars];
  return std::string(text, write(text));
}

std::weak_ordering order_on_timeline(const Timestamp& a, const Timestamp& b) {
  if (auto c = a.date <=> b.date; c != 0) return c;
  if (a.has_time() && b.has_time()) return a.seconds <=> b.seconds;
  return std::weak_ordering::equivalent;
}

DateParse parse_date(std::string_view s) {
  DateParse r = parse_calendar_part(s);
  if (r.value && s.size() != 10) return fail("expected a date as YYYY-MM-DD");
  return r;
}

DateParse parse_date_or_datetime(std::string_view s) {
  constexpr const char* kExpected = "expected a date YYYY-MM-DD or a date-time YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]";
  DateParse r = parse_calendar_part(s);
  if (!r.value) return s.size() > 10 && r.problem.starts_with("expected") ? fail(kExpected) : r;
  if (s.size() == 10) return r;
  if (s[10] != 'T') return fail(kExpected);

  // THH:MM[:SS]
  const int hh = read_digits(s, 11, 2), mm = read_digits(s, 14, 2);
  if (hh < 0 || mm < 0 || s.size() < 16 || s[13] != ':') return fail(kExpected);
  size_t pos = 16;
  int ss = 0;
  if (pos < s.size() && s[pos] == ':') {
    ss = read_digits(s, pos + 1, 2);
    if (ss < 0) return fail(kExpected);
    pos += 3;
  }
  if (hh > 23) return fail(fmt::format("hour {:02d} is out of range 00-23", hh));
  if (mm > 59) return fail(fmt::format("minute {:02d} is out of range 00-59", mm));
  if (ss > 59) return fail(fmt::format("second {:02d} is out of range 00-59", ss));
  Timestamp t = *r.value;
  t.seconds = hh * 3600 + mm * 60 + ss;

  // [Z|±HH:MM]
  if (pos == s.size()) return DateParse{t, {}};
  if (s[pos] == 'Z' && pos + 1 == s.size()) {
    t.has_zone = true;
    return DateParse{t, {}};
  }
  if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
    const int zh = read_digits(s, pos + 1, 2), zm = read_digits(s, pos + 4, 2);
    if (zh < 0 || zm < 0) return fail(kExpected);
    if (zh > 23 || zm > 59) return fail("time-zone offset is out of range");
    t.has_zone = true;
    t.zone_minutes = static_cast<int16_t>((s[pos] == '-' ? -1 : 1) * (zh * 60 + zm));
    return DateParse{t, {}};
  }
  return fail(kExpected);
}

}  // namespace regimen
