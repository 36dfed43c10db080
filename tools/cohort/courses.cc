// How a generated patient's course is built. Days are counted from the start of the course and
// shifted at the end so that the chosen as_of lands on the cohort's day. The numbers follow the
// default protocol's parameters (docs/ketamine-protocol-decisions.md, shared/spec/ketamine-protocol.md):
// series sessions 2-4 days apart, a baseline PHQ-9 at most 14 days before the first session,
// series interrupted after 14 days, extensions within 4 + 3 days, maintenance gaps 14-56 days
// starting at 21.
//
// Determinism: the order of evaluation of a function's arguments, and of the operands of `+`, is
// unspecified in C++ (GCC and Clang differ), so no expression here draws two random numbers
// where their order is not fixed: each draw gets its own statement or a `const` of its own.

#include "courses.h"

#include <algorithm>

namespace cohort {
namespace {

constexpr const char* kClinicians[] = {"dr-lee",    "dr-okafor", "dr-nguyen", "np-garcia",
                                       "dr-patel",  "np-kowalski", "dr-haddad", "dr-moreau"};

constexpr const char* kStartNotes[] = {
    "consent signed; initial series of six planned",
    "referred by primary care after two SSRI trials; series of six planned",
    "treatment-resistant depression; IV ketamine discussed and agreed",
};
constexpr const char* kReturnNote = "returning after relapse; new series agreed";
constexpr const char* kRestartNote = "restart after reassessment; dose raised to 0.75 mg/kg";
constexpr const char* kEarlyMaintenanceNotes[] = {
    "early response; six is a framework, not a rule",
    "responded after four sessions; patient prefers to start maintenance",
    "travel limits further series sessions; moving to maintenance",
};
constexpr const char* kEndAfterMaintenanceNotes[] = {
    "sustained remission; stopping maintenance by shared decision",
    "tapered off; follow-up PHQ-9 by phone monthly",
};
constexpr const char* kEndAfterReassessmentNotes[] = {
    "no meaningful response; referred for ECT evaluation",
    "switching to esketamine nasal spray at another clinic",
    "patient declined further ketamine after reassessment",
};
constexpr const char* kEndMidSeriesNotes[] = {
    "moved out of state; care transferred",
    "could not tolerate dissociation",
    "blood pressure rose to 172/104 after the last session; series stopped",
    "insurance denied further sessions",
};

template <size_t N>
const char* pick(Rng& r, const char* const (&list)[N]) {
  return list[static_cast<size_t>(r.between(0, static_cast<int>(N) - 1))];
}

// `count` items (8 or 7) of 0-3 that add up to `total`: a point at a time, from item `start` on
// in a stride of 5 (prime to 7 and 8, so every item is visited).
void distribute(int8_t* items, int count, int total, int start) {
  for (int i = 0; i < count; ++i) items[i] = 0;
  total = std::clamp(total, 0, 3 * count);
  for (int k = start % count; total > 0; k = (k + 5) % count)
    if (items[k] < 3) {
      ++items[k];
      --total;
    }
}

}  // namespace

// ---- the patient ----

void CourseGenerator::generate(uint64_t index, Patient& p) {
  r_ = Rng(seed_, index);
  p_ = &p;
  p.clear();
  visits_.clear();
  thyroid_ = r_.percent(7);
  p.weight_deci_kg = r_.between(480, 1250);

  // Before the first course (day 0): a medical clearance visit and, for most, the referral's screening PHQ-9.
  visits_.push_back({-r_.between(2, 12), session_time()});
  if (r_.percent(70)) {
    const int day = -r_.between(20, 60), minute = session_time(), score = baseline_score();
    visit(day, minute, std::clamp(score + r_.between(-3, 3), 5, 27));
  }
  // The phase mix: enough of each for tests and worklists, maintenance the largest, as in a clinic.
  int as_of_day = 0;
  switch (r_.weighted({10, 22, 12, 34, 12, 10})) {
    case 0: as_of_day = intake(); break;
    case 1: as_of_day = initial_series(); break;
    case 2: as_of_day = series_evaluation(); break;
    case 3: as_of_day = maintenance(); break;
    case 4: as_of_day = reassessment(); break;
    default: as_of_day = ended(); break;
  }
  add_conditions(thyroid_);
  add_item9_alert();
  const size_t target = static_cast<size_t>(r_.between(20, 60));
  if (p.events() < target) add_observations(target - p.events());
  p.shift(as_of_ - as_of_day);
  shuffle_or_sort();
}

// ---- phases ----

int CourseGenerator::intake() {
  // A baseline still valid, one about to expire (a fresh one is asked for), none yet, a returning patient.
  const size_t variant = r_.weighted({45, 15, 15, 25});
  const int b = baseline_score();
  int t = 0;
  if (variant == 3) {
    t = ended_course(0);
    t += r_.between(90, 500);
    decision(t, DecisionKind::kStartSeries, kReturnNote);
  }
  const int minute = session_time();
  visit(t, minute, b, baseline_item9());
  if (variant != 3 && r_.percent(30)) decision(t, DecisionKind::kStartSeries, pick(r_, kStartNotes));
  const int as_of = t + (variant == 1 ? r_.between(13, 14) : variant == 2 ? r_.between(15, 60) : r_.between(0, 10));
  if (as_of > t && r_.percent(20)) missed_session(r_.between(t + 1, as_of));
  return as_of;
}

int CourseGenerator::initial_series() {
  // On schedule, overdue, interrupted, no usable baseline, a new series after a reassessment, a returning patient.
  const size_t variant = r_.weighted({55, 10, 10, 7, 10, 8});
  int t = 0, dose = 50;
  if (variant == 4) {
    t = reassessed_course(0);
    t += r_.between(10, 60);
    dose = 75;
    // A decision without a time is read at the end of its day, so it comes a day or more before the session.
    if (r_.percent(50)) decision(t - r_.between(1, 4), DecisionKind::kStartSeries, kRestartNote);
  } else if (variant == 5) {
    t = ended_course(0);
    t += r_.between(60, 400);
    decision(t - r_.between(1, 4), DecisionKind::kStartSeries, kReturnNote);
  }
  const int b = baseline_score();
  const Outcome heading = static_cast<Outcome>(r_.weighted({10, 40, 25, 25}));
  const int sessions = r_.between(1, 5);
  const int last = series_course(t, b, sessions, score_for(heading, b), variant != 3, dose);
  return last + (variant == 1 ? r_.between(5, 13) : variant == 2 ? r_.between(15, 45) : r_.between(0, 4));
}

int CourseGenerator::series_evaluation() {
  // Waiting for the post-series PHQ-9, a partial response, an extension given, no baseline, an unplanned session.
  const size_t variant = r_.weighted({45, 25, 15, 7, 8});
  int t = 0;
  if (r_.percent(10)) {
    t = ended_course(0);
    t += r_.between(60, 400);
    decision(t - r_.between(1, 4), DecisionKind::kStartSeries, kReturnNote);
  }
  const int b = baseline_score();
  const Outcome heading = variant == 0 ? static_cast<Outcome>(r_.weighted({10, 40, 25, 25})) : Outcome::kPartial;
  const int last = series_course(t, b, 6, score_for(heading, b), variant != 3, 50);
  switch (variant) {
    case 0: return last + r_.between(0, 10);
    case 1: {
      const int post = last + r_.between(1, 4);
      visit(post, kNoTime, score_for(Outcome::kPartial, b));
      return post + r_.between(0, 6);
    }
    case 2: {
      const int post = last + r_.between(1, 3);
      visit(post, kNoTime, score_for(Outcome::kPartial, b));
      int end = r_.between(post + 1, last + 7);  // within max_gap_days + extension_grace_days
      session(end, session_time(), 50);
      if (r_.percent(40)) {
        end += r_.between(1, 3);
        visit(end, kNoTime, score_for(Outcome::kPartial, b));
      }
      return end + r_.between(0, 5);
    }
    case 3: {
      const int post = last + r_.between(1, 4);
      visit(post, kNoTime, std::clamp(b + r_.between(-8, 2), 0, 27));
      return post + r_.between(0, 10);
    }
    default: {
      const int post = last + r_.between(1, 3);
      visit(post, kNoTime, score_for(Outcome::kPartial, b));
      const int unplanned = last + r_.between(8, 14);  // too late for an extension
      session(unplanned, session_time(), 50);
      return unplanned + r_.between(0, 5);
    }
  }
}

int CourseGenerator::maintenance() {
  // How the last gap went: stable, stable at the longest interval (taper), worse, response lost, overdue.
  const size_t pattern = r_.weighted({50, 10, 12, 13, 15});
  const int b = baseline_score();
  const int responding_max = std::max(4, b / 2);
  int last = 0, entry = 0, reference = 0;
  if (r_.percent(15)) {  // an early response and a start_maintenance decision
    const int sessions = r_.between(4, 5);
    last = series_course(0, b, sessions, score_for(Outcome::kResponse, b), true, 50);
    entry = last + r_.between(1, 2);
    reference = score_for(r_.percent(70) ? Outcome::kResponse : Outcome::kRemission, b);
    visit(entry, kNoTime, reference);
    entry += r_.between(0, 1);
    decision(entry, DecisionKind::kStartMaintenance, pick(r_, kEarlyMaintenanceNotes));
  } else {
    last = series_course(0, b, 6, score_for(Outcome::kResponse, b), true, 50);
    entry = last + r_.between(1, 7);
    reference = score_for(r_.percent(65) ? Outcome::kResponse : Outcome::kRemission, b);
    visit(entry, kNoTime, reference);
  }
  const int sessions = pattern == 1 ? r_.between(2, 4) : r_.between(0, 6);
  const MaintenanceEnd end = maintenance_sessions(last, b, reference, sessions, pattern == 1);
  const int since = std::max(end.last_session, entry);
  int as_of = pattern == 4 ? end.last_session + end.next_gap + r_.between(4, 30)
                           : end.last_session + r_.between(1, end.next_gap + 3);
  as_of = std::max(as_of, entry);
  if (pattern == 2 || pattern == 3) {  // a PHQ-9 since the last session tells it went worse
    const int day = since + r_.between(2, 10);
    const int score = pattern == 2 ? std::min(27, reference + r_.between(5, 8))
                                   : r_.between(responding_max + 1, std::max(responding_max + 1, std::min(27, b)));
    visit(day, kNoTime, score);
    as_of = std::max(as_of, day);
  } else if (as_of > since + 1 && r_.percent(30)) {  // a check-in by phone, still well
    const int day = r_.between(since + 1, as_of);
    visit(day, kNoTime, std::clamp(reference + r_.between(-2, 2), 0, responding_max));
  }
  return as_of;
}

int CourseGenerator::reassessment() {
  const int b = std::max(baseline_score(), 12);
  int judged = 0;
  if (r_.percent(15)) {  // partial, an extension session, then no better
    const int last = series_course(0, b, 6, score_for(Outcome::kPartial, b), true, 50);
    const int post = last + r_.between(1, 3);
    visit(post, kNoTime, score_for(Outcome::kPartial, b));
    const int extension = r_.between(post + 1, last + 7);
    session(extension, session_time(), 50);
    judged = extension + r_.between(1, 4);
  } else {
    judged = series_course(0, b, 6, score_for(Outcome::kNonResponse, b), true, 50);
    judged += r_.between(1, 7);
  }
  visit(judged, kNoTime, score_for(Outcome::kNonResponse, b));
  const int as_of = judged + r_.between(0, 45);
  if (as_of > judged && r_.percent(25)) {  // a follow-up PHQ-9, no better
    const int day = r_.between(judged + 1, as_of);
    visit(day, kNoTime, score_for(Outcome::kNonResponse, b));
  }
  if (r_.percent(15)) thyroid_ = true;  // reassessment looks for it
  return as_of;
}

int CourseGenerator::ended() {
  const size_t variant = r_.weighted({50, 30, 20});  // after maintenance, after reassessment, during the series
  int end = 0;
  if (variant == 0) {
    end = ended_course(0);
  } else if (variant == 1) {
    end = reassessed_course(0);
    end += r_.between(3, 30);
    decision(end, DecisionKind::kEndTreatment, pick(r_, kEndAfterReassessmentNotes));
  } else {
    const int b = baseline_score();
    const int sessions = r_.between(2, 5);
    end = series_course(0, b, sessions, score_for(Outcome::kNonResponse, b), true, 50);
    end += r_.between(1, 10);
    decision(end, DecisionKind::kEndTreatment, pick(r_, kEndMidSeriesNotes));
  }
  const int as_of = end + r_.between(0, 150);
  if (as_of > end && r_.percent(30)) {  // a follow-up PHQ-9
    const int day = r_.between(end + 1, as_of);
    visit(day, kNoTime, r_.between(2, 20));
  }
  if (as_of > end && r_.permille(30)) {  // a session after the end: ignored, with a warning
    const int day = r_.between(end + 1, as_of);
    session(day, session_time(), 50);
  }
  return as_of;
}

// ---- earlier courses ----

int CourseGenerator::ended_course(int start) {
  const int b = std::max(baseline_score(), 10);
  const int last = series_course(start, b, 6, score_for(Outcome::kResponse, b), true, 50);
  const int post = last + r_.between(1, 7);
  const int reference = score_for(Outcome::kResponse, b);
  visit(post, kNoTime, reference);
  const MaintenanceEnd end = maintenance_sessions(last, b, reference, r_.between(1, 3), false);
  const int day = std::max(end.last_session, post) + r_.between(7, 60);
  decision(day, DecisionKind::kEndTreatment, pick(r_, kEndAfterMaintenanceNotes));
  return day;
}

int CourseGenerator::reassessed_course(int start) {
  const int b = std::max(baseline_score(), 12);
  const int last = series_course(start, b, 6, score_for(Outcome::kNonResponse, b), true, 50);
  const int post = last + r_.between(1, 7);
  visit(post, kNoTime, score_for(Outcome::kNonResponse, b));
  return post;
}

// ---- building blocks ----

// A baseline visit, then `sessions` completed series sessions 2-4 days apart with PHQ-9s before
// sessions 3 and 5 on the way from `baseline` to `target`. Returns the last session's day.
int CourseGenerator::series_course(int start, int baseline, int sessions, int target, bool baseline_valid, int dose) {
  const int first = start + (baseline_valid ? r_.between(0, 7) : r_.between(15, 40));
  const int first_minute = session_time();
  const int baseline_minute = first == start ? before(first_minute) : session_time();
  visit(start, baseline_minute, baseline, baseline_item9());
  int day = first;
  for (int i = 0; i < sessions; ++i) {
    int minute = first_minute;
    if (i > 0) {
      const int gap = r_.between(2, 4);
      if (gap >= 3 && r_.percent(15)) missed_session(day + r_.between(1, gap - 1));
      day += gap;
      minute = session_time();
    }
    if ((i == 2 || i == 4) && r_.percent(75)) {
      const int measured = before(minute);
      visit(day, measured, baseline + (target - baseline) * i / sessions + r_.between(-2, 2));
    }
    session(day, minute, i >= 2 && r_.percent(15) ? dose + 10 : dose);  // some are titrated up
  }
  return day;
}

// Maintenance sessions after the series, spaced as the protocol would suggest (21 days first, a
// gap growing by 7 while the PHQ-9 is stable), with the slack of real schedules.
CourseGenerator::MaintenanceEnd CourseGenerator::maintenance_sessions(int last_series_session, int baseline, int reference,
                                                                      int sessions, bool taper) {
  const int responding_max = std::max(4, baseline / 2);
  int last = last_series_session, gap = 21;
  for (int j = 0; j < sessions; ++j) {
    int actual = gap + r_.between(-3, 3);
    if (r_.percent(8)) actual += r_.between(4, 12);  // late
    if (taper && j == sessions - 1) actual = 56 + r_.between(0, 8);
    if (r_.percent(5)) missed_session(last + actual - r_.between(1, 3));
    const int day = last + actual, minute = session_time();
    const bool measured = taper || r_.percent(85);
    const int score = std::clamp(reference + r_.between(-2, 2), 0, responding_max);
    if (measured) visit(day, before(minute), score);
    session(day, minute, r_.percent(20) ? 60 : 50);
    const int step = measured ? 7 : 0;  // a stable judging PHQ-9 lengthens the gap
    gap = std::clamp(std::clamp(actual, 14, 56) + step, 14, 56);
    last = day;
  }
  return {last, gap};
}

void CourseGenerator::phq9(int day, int minute, int score, int item9) {
  Assessment a;
  a.day = day;
  a.minute = minute;
  a.score = std::clamp(score, 0, 27);
  const size_t answered = r_.weighted({80, 10, 10});
  a.answered = answered == 0 ? Answered::kAll : answered == 1 ? Answered::kItem9Only : Answered::kNone;
  a.items[8] = static_cast<int8_t>(std::clamp(item9, std::max(0, a.score - 24), std::min(3, a.score)));
  distribute(a.items, 8, a.score - a.items[8], r_.between(0, 7));
  p_->assessments.push_back(a);
}

void CourseGenerator::gad7(int day, int minute, int phq9_score) {
  Assessment a;
  a.day = day;
  a.minute = minute;
  a.gad7 = true;
  a.score = std::clamp(phq9_score * 3 / 4 + r_.between(-3, 3), 0, 21);
  a.answered = r_.percent(60) ? Answered::kAll : Answered::kNone;
  distribute(a.items, 7, a.score, r_.between(0, 6));
  p_->assessments.push_back(a);
}

void CourseGenerator::visit(int day, int minute, int phq9_score, int item9) {
  phq9(day, minute, phq9_score, item9);
  if (r_.percent(80)) gad7(day, minute, phq9_score);
  visits_.push_back({day, minute});
}

void CourseGenerator::session(int day, int minute, int dose_centi) {
  Session s;
  s.day = day;
  s.minute = minute;
  s.status_written = r_.percent(85);
  s.intramuscular = r_.permille(15);
  s.dose_centi_mg_per_kg = dose_centi;
  p_->sessions.push_back(s);
}

void CourseGenerator::missed_session(int day) {
  Session s;
  s.day = day;
  s.minute = session_time();
  s.status = r_.percent(70) ? SessionStatus::kMissed : SessionStatus::kCancelled;
  p_->sessions.push_back(s);
}

void CourseGenerator::decision(int day, DecisionKind kind, const char* note) {
  // Without a time, a decision is read after the day's assessments and before its sessions.
  p_->decisions.push_back({day, kNoTime, kind, clinician(), note});
}

// A PHQ-9 score of the given class against `baseline` (the protocol's arithmetic: response at a
// 50 % drop, partial at 25 %, remission under 5).
int CourseGenerator::score_for(Outcome outcome, int baseline) {
  const int response_max = baseline / 2, partial_max = 3 * baseline / 4;
  switch (outcome) {
    case Outcome::kRemission: return r_.between(1, 4);
    case Outcome::kResponse:
      return response_max >= 5 ? r_.between(5, response_max) : r_.between(1, 4);
    case Outcome::kPartial:
      if (partial_max >= std::max(5, response_max + 1)) return r_.between(std::max(5, response_max + 1), partial_max);
      [[fallthrough]];
    case Outcome::kNonResponse:
      return r_.between(std::max(5, partial_max + 1), std::max(std::max(5, partial_max + 1), std::min(27, baseline + 3)));
  }
  return baseline;
}

int CourseGenerator::baseline_score() {
  if (r_.percent(8)) return r_.between(7, 11);
  const int score = r_.between(12, 25);
  return std::clamp(score + r_.between(-2, 2), 12, 27);
}

int CourseGenerator::baseline_item9() { return r_.percent(8) ? 1 : 0; }

int CourseGenerator::session_time() { return r_.percent(45) ? kNoTime : 8 * 60 + 15 * r_.between(0, 32); }

// The time of an assessment taken before a session on its day: untimed, or 15-60 minutes earlier.
int CourseGenerator::before(int session_minute) {
  if (session_minute == kNoTime || r_.percent(40)) return kNoTime;
  return session_minute - 15 * r_.between(1, 4);
}

const char* CourseGenerator::clinician() { return pick(r_, kClinicians); }

// ---- noise ----

void CourseGenerator::add_conditions(bool thyroid) {
  struct Common {
    const char* code;
    int percent;
  };
  static constexpr Common kCommon[] = {
      {"major_depressive_disorder", 70}, {"generalized_anxiety_disorder", 25}, {"insomnia", 12}, {"hypertension", 15},
      {"ptsd", 10},  {"migraine", 8}, {"chronic_pain", 8}, {"type_2_diabetes", 5}, {"alcohol_use_disorder", 5},
  };
  auto add = [&](const char* code, bool active) {
    Condition c;
    c.code = code;
    c.onset_known = r_.percent(80);
    c.onset = -r_.between(200, 9000);
    c.status = active ? (r_.percent(60) ? Condition::kActive : Condition::kUnwritten) : Condition::kResolved;
    p_->conditions.push_back(c);
  };
  for (const Common& c : kCommon)
    if (r_.percent(c.percent)) add(c.code, c.code[0] != 'a' || r_.percent(30));  // alcohol use mostly resolved
  if (thyroid) add("thyroid_disorder", r_.percent(80));
  // The screening conditions (a clinician's review before and during the series).
  if (r_.percent(3)) add("bipolar_disorder", true);
  if (r_.percent(3)) add("substance_use_disorder", r_.percent(50));
  if (r_.permille(8)) add("psychotic_disorder", true);
}

// About 4 % of patients answer item 9 of their latest PHQ-9 with 1 or more.
void CourseGenerator::add_item9_alert() {
  const size_t kind = r_.weighted({96, 3, 1});
  if (kind == 0) return;
  Assessment* latest = nullptr;
  for (Assessment& a : p_->assessments)
    if (!a.gad7 && (!latest || a.day > latest->day || (a.day == latest->day && a.minute > latest->minute))) latest = &a;
  if (!latest || latest->score == 0) return;
  const int item9 = std::min(latest->score, kind == 1 ? 1 : r_.between(2, 3));
  if (latest->answered == Answered::kNone) latest->answered = Answered::kAll;
  latest->items[8] = static_cast<int8_t>(std::max(item9, latest->score - 24));
  distribute(latest->items, 8, latest->score - latest->items[8], r_.between(0, 7));
}

// Vital signs before and after sessions, a work-up panel and vitals at visits, until the patient
// has `count` more events.
void CourseGenerator::add_observations(size_t count) {
  const int systolic = r_.between(105, 140), diastolic = r_.between(64, 88), pulse = r_.between(58, 88);
  auto add = [&](int day, int minute, Measure m, int value) {
    if (count == 0) return;
    p_->observations.push_back({day, minute, m, value});
    --count;
  };
  // The work-up at the clearance visit.
  const Visit first = visits_.front();
  add(first.day, first.minute, Measure::kWeight, p_->weight_deci_kg);
  add(first.day, first.minute, Measure::kHeight, r_.between(152, 195));
  add(first.day, first.minute, Measure::kTsh, thyroid_ ? r_.between(450, 920) : r_.between(45, 420));
  add(first.day, first.minute, Measure::kAlt, r_.between(10, 48));
  add(first.day, first.minute, Measure::kCreatinine, r_.between(58, 118));
  // Around each completed session, the same measure for every session before the next measure.
  for (int slot = 0; slot < 8 && count > 0; ++slot)
    for (size_t i = 0; i < p_->sessions.size() && count > 0; ++i) {
      const Session s = p_->sessions[i];
      if (s.status != SessionStatus::kCompleted) continue;
      const int pre = s.minute == kNoTime ? kNoTime : s.minute - 10;
      const int post = s.minute == kNoTime ? kNoTime : s.minute + 40 + 5 * r_.between(0, 4);
      switch (slot) {
        case 0: add(s.day, pre, Measure::kBpSystolic, systolic + r_.between(-6, 6)); break;
        case 1: add(s.day, pre, Measure::kBpDiastolic, diastolic + r_.between(-5, 5)); break;
        case 2: add(s.day, post, Measure::kBpSystolic, systolic + r_.between(5, 25)); break;
        case 3: add(s.day, post, Measure::kBpDiastolic, diastolic + r_.between(3, 12)); break;
        case 4: add(s.day, pre, Measure::kHeartRate, pulse + r_.between(-6, 6)); break;
        case 5: add(s.day, post, Measure::kHeartRate, pulse + r_.between(0, 15)); break;
        case 6: add(s.day, post, Measure::kCadss, r_.percent(80) ? r_.between(0, 12) : r_.between(13, 34)); break;
        default: add(s.day, pre, Measure::kSpo2, r_.between(95, 100)); break;
      }
    }
  // At the other visits.
  for (int slot = 0; slot < 7 && count > 0; ++slot)
    for (size_t i = 0; i < visits_.size() && count > 0; ++i) {
      const Visit v = visits_[i];
      switch (slot) {
        case 0: add(v.day, v.minute, Measure::kBpSystolic, systolic + r_.between(-8, 8)); break;
        case 1: add(v.day, v.minute, Measure::kBpDiastolic, diastolic + r_.between(-6, 6)); break;
        case 2: add(v.day, v.minute, Measure::kHeartRate, pulse + r_.between(-8, 8)); break;
        case 3: add(v.day, v.minute, Measure::kWeight, p_->weight_deci_kg + r_.between(-25, 25)); break;
        case 4: add(v.day, v.minute, Measure::kSpo2, r_.between(95, 100)); break;
        case 5: add(v.day, v.minute, Measure::kRespiratoryRate, r_.between(12, 18)); break;
        default: add(v.day, v.minute, Measure::kTsh, thyroid_ ? r_.between(450, 920) : r_.between(45, 420)); break;
      }
    }
}

// Most exports list events in date order; a third of these patients have an array shuffled.
void CourseGenerator::shuffle_or_sort() {
  Patient& p = *p_;
  p.sort_by_date();
  switch (r_.weighted({67, 8, 8, 8, 4, 5})) {
    case 1: r_.shuffle(p.sessions); break;
    case 2: r_.shuffle(p.assessments); break;
    case 3: r_.shuffle(p.observations); break;
    case 4: r_.shuffle(p.conditions); break;
    case 5:
      r_.shuffle(p.sessions);
      r_.shuffle(p.assessments);
      r_.shuffle(p.observations);
      r_.shuffle(p.decisions);
      break;
    default: break;
  }
}

}  // namespace cohort
