#include <catch2/catch.hpp>

#include "regimen/common/date.h"

using namespace regimen;

TEST_CASE("dates round-trip through the civil calendar", "[date]") {
  const Date d = *Date::from_ymd(2026, 1, 5);
  CHECK(d.to_string() == "2026-01-05");
  CHECK((d + 30).to_string() == "2026-02-04");
  CHECK((*Date::from_ymd(2028, 3, 1) - 1).to_string() == "2028-02-29");  // leap year
  CHECK(*Date::from_ymd(1970, 1, 1) == Date{0});
  CHECK(*Date::from_ymd(2026, 3, 1) - *Date::from_ymd(2026, 2, 1) == 28);
}

TEST_CASE("a date is exactly YYYY-MM-DD with a real calendar day", "[date]") {
  CHECK(parse_date("2026-02-28").value);
  CHECK(parse_date("2024-02-29").value);
  CHECK(parse_date("2026-02-30").problem == "February 2026 has 28 days");
  CHECK(parse_date("2025-02-29").problem == "February 2025 has 28 days");
  CHECK(parse_date("2026-13-01").problem == "month 13 does not exist");
  CHECK(parse_date("2026-04-31").problem == "April 2026 has 30 days");
  CHECK_FALSE(parse_date("2026-1-5").value);
  CHECK_FALSE(parse_date("05/01/2026").value);
  CHECK_FALSE(parse_date("2026-01-05T10:00").value);  // a date-time where only a date is allowed
  CHECK_FALSE(parse_date("").value);
}

TEST_CASE("date-times keep their calendar date as written and their time for ordering", "[date]") {
  auto p = parse_date_or_datetime("2026-01-05T23:30-05:00");
  REQUIRE(p.value);
  CHECK(p.value->date.to_string() == "2026-01-05");  // no time-zone conversion
  CHECK(p.value->seconds == 23 * 3600 + 30 * 60);
  CHECK(p.value->zone_minutes == -300);
  CHECK(p.value->to_string() == "2026-01-05T23:30:00-05:00");

  CHECK(parse_date_or_datetime("2026-01-05T09:15").value->seconds == 9 * 3600 + 15 * 60);
  CHECK(parse_date_or_datetime("2026-01-05T09:15:07Z").value->to_string() == "2026-01-05T09:15:07Z");
  CHECK(parse_date_or_datetime("2026-01-05T09:15").value->to_string() == "2026-01-05T09:15:00");
  CHECK(parse_date_or_datetime("2026-01-05T00:00").value->to_string() == "2026-01-05T00:00:00");
  CHECK(parse_date_or_datetime("2026-01-05T23:59:59+14:00").value->to_string() == "2026-01-05T23:59:59+14:00");
  CHECK(parse_date_or_datetime("2026-01-05T09:15+01:00").value->zone_minutes == 60);
  CHECK_FALSE(parse_date_or_datetime("2026-01-05").value->has_time());

  CHECK(parse_date_or_datetime("2026-01-05T24:00").problem == "hour 24 is out of range 00-23");
  CHECK(parse_date_or_datetime("2026-01-05T10:60").problem == "minute 60 is out of range 00-59");
  CHECK_FALSE(parse_date_or_datetime("2026-01-05 10:00").value);
  CHECK_FALSE(parse_date_or_datetime("2026-01-05T10").value);
  CHECK_FALSE(parse_date_or_datetime("2026-01-05T10:00:00.5Z").value);
  CHECK_FALSE(parse_date_or_datetime("2026-01-05T10:00+0100").value);
  CHECK(parse_date_or_datetime("2026-02-30T10:00").problem == "February 2026 has 28 days");
}

TEST_CASE("events on one day are ordered by time only when both have one", "[date]") {
  const Timestamp morning = *parse_date_or_datetime("2026-01-05T09:00").value;
  const Timestamp noon = *parse_date_or_datetime("2026-01-05T12:00").value;
  const Timestamp untimed = *parse_date_or_datetime("2026-01-05").value;
  const Timestamp next_day = *parse_date_or_datetime("2026-01-06T01:00").value;
  CHECK(order_on_timeline(morning, noon) == std::weak_ordering::less);
  CHECK(order_on_timeline(untimed, noon) == std::weak_ordering::equivalent);
  CHECK(order_on_timeline(noon, next_day) == std::weak_ordering::less);
}
