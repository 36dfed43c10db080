// regimen-gen-cohort: a deterministic synthetic cohort for tests and benchmarks of `regimen batch`.
//
//   regimen-gen-cohort [--count N] [--seed S] [--as-of YYYY-MM-DD] [--bad-every K] > cohort.jsonl
//
// N patient timelines (CONTRACT §2), one JSON line each, in a realistic mix of every phase of the
// default protocol on the as_of day, with noise. The same seed gives the same bytes on every
// platform, and line i depends only on (seed, i, as_of, K), so a shorter cohort is a prefix of a
// longer one. Synthetic data: no real patient is in it. See docs/scale-out.md.

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "cohort/calendar.h"
#include "cohort/courses.h"
#include "cohort/patient.h"
#include "cohort/random.h"

namespace {

constexpr const char* kUsage =
    "Usage: regimen-gen-cohort [--count N] [--seed S] [--as-of YYYY-MM-DD] [--bad-every K]\n"
    "\n"
    "Writes N synthetic patient timelines as JSON Lines to standard output: a realistic mix of every\n"
    "phase of the default protocol on the as_of day, 20-60 events each, about 3 KB a line.\n"
    "\n"
    "  --count N        patients (default 1000)\n"
    "  --seed S         any whole number (default 1); the same seed gives the same bytes everywhere\n"
    "  --as-of DATE     the day the cohort is evaluated on, written as each line's as_of (default 2026-11-28)\n"
    "  --bad-every K    make every K-th line malformed, in turn: truncated JSON, an impossible date,\n"
    "                   a PHQ-9 total of 28, a missing patient id (default 0: none)\n";

struct Options {
  uint64_t count = 1000, seed = 1, bad_every = 0;
  int as_of = cohort::days_from_civil(2026, 11, 28);
};

bool parse_number(std::string_view text, uint64_t& out) {
  if (text.empty() || text.size() > 19) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  out = value;
  return true;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "regimen-gen-cohort: %s\nRun 'regimen-gen-cohort --help' for usage.\n", message.c_str());
  return 2;
}

// Turns a good line's patient into a realistic bad one; which defect depends on the line's number.
void add_defect(cohort::Patient& p, cohort::Rng& r, uint64_t bad_ordinal) {
  static constexpr cohort::Defect kRotation[] = {cohort::Defect::kTruncated, cohort::Defect::kImpossibleDate,
                                                 cohort::Defect::kScoreOutOfRange, cohort::Defect::kMissingId};
  static constexpr const char* kImpossible[] = {"02-30", "02-31", "04-31", "06-31", "09-31", "11-31", "13-02", "00-15"};
  p.defect = kRotation[bad_ordinal % 4];
  if (p.defect == cohort::Defect::kImpossibleDate) p.impossible_month_day = kImpossible[r.between(0, 7)];
  if (p.defect == cohort::Defect::kScoreOutOfRange)
    for (cohort::Assessment& a : p.assessments)
      if (!a.gad7) {  // the first PHQ-9 written: a total of 28, one more than 9 items of 3 allow
        a.score = 28;
        a.answered = cohort::Answered::kNone;
        break;
      }
}

void append_patient_id(std::string& out, uint64_t number) {
  char digits[24];
  int n = 0;
  for (; number > 0 || n < 7; number /= 10) digits[n++] = static_cast<char>('0' + number % 10);
  out += "p-";
  while (n > 0) out += digits[--n];
}

bool flush(std::string& buffer) {
  const bool ok = std::fwrite(buffer.data(), 1, buffer.size(), stdout) == buffer.size();
  buffer.clear();
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i], value;
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (const size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (arg == "--count" || arg == "--seed" || arg == "--as-of" || arg == "--bad-every") {
      if (i + 1 >= argc) return usage_error(std::string(arg) + " needs a value");
      value = argv[++i];
    }
    if (arg == "--count" || arg == "--seed" || arg == "--bad-every") {
      uint64_t n = 0;
      if (!parse_number(value, n)) return usage_error(std::string(arg) + " needs a whole number, not '" + std::string(value) + "'");
      (arg == "--count" ? o.count : arg == "--seed" ? o.seed : o.bad_every) = n;
    } else if (arg == "--as-of") {
      const auto day = cohort::parse_day(value);
      if (!day) return usage_error("--as-of needs a date YYYY-MM-DD, not '" + std::string(value) + "'");
      o.as_of = *day;
    } else {
      return usage_error("unknown argument '" + std::string(arg) + "'");
    }
  }

  cohort::CourseGenerator generator(o.seed, o.as_of);
  cohort::Patient patient;
  std::string id, buffer;
  buffer.reserve(1 << 21);
  bool written = true;
  for (uint64_t i = 0; i < o.count && written; ++i) {
    generator.generate(i, patient);
    const uint64_t line = i + 1;
    const bool bad = o.bad_every > 0 && line % o.bad_every == 0;
    cohort::Rng defect_rng(o.seed, i | (uint64_t{1} << 63));  // apart from the patient's own stream
    if (bad) add_defect(patient, defect_rng, line / o.bad_every - 1);
    id.clear();
    append_patient_id(id, line);
    const size_t start = buffer.size();
    cohort::append_json_line(buffer, patient, id, o.as_of);
    if (patient.defect == cohort::Defect::kTruncated) {  // cut anywhere before the closing brace
      const int length = static_cast<int>(buffer.size() - start);
      buffer.resize(start + static_cast<size_t>(defect_rng.between(length / 5, length - 3)));
      buffer += '\n';
    }
    if (buffer.size() >= (1 << 20)) written = flush(buffer);
  }
  if (!written || !flush(buffer) || std::fflush(stdout) != 0) {
    std::fprintf(stderr, "regimen-gen-cohort: cannot write the cohort: %s\n", std::strerror(errno));
    return 1;
  }
  return 0;
}
