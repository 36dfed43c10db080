// Helpers shared by the commands that stream a cohort (batch, diff).

#include "cohort.h"

#include <algorithm>
#include <ctime>

namespace regimen::cli {

Diagnostics place_in_cohort(const Diagnostics& diagnostics, size_t line_number) {
  Diagnostics placed;
  for (Diagnostic d : diagnostics) {
    d.pos.line = static_cast<uint32_t>(line_number) + (d.pos.known() ? d.pos.line - 1 : 0);
    if (d.pos.column == 0) d.pos.column = 1;
    placed.add(std::move(d));
  }
  return placed;
}

unsigned cohort_threads(unsigned requested) { return requested ? requested : std::max(1u, std::thread::hardware_concurrency()); }

Date cohort_today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return *Date::from_ymd(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
}

Date cohort_day(const std::optional<Date>& fixed, const Timeline& timeline, Date today) {
  if (fixed) return *fixed;
  return timeline.as_of ? timeline.as_of->date : today;
}

}  // namespace regimen::cli
