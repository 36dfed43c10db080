// Clinical courses under the default protocol (rules/ketamine-depression.yaml), built so that,
// evaluated on the cohort's as_of day, each patient is in a phase drawn from a realistic mix:
// intake, the initial series, series evaluation, maintenance, reassessment, ended.
#pragma once

#include <cstdint>
#include <vector>

#include "patient.h"
#include "random.h"

namespace cohort {

class CourseGenerator {
 public:
  CourseGenerator(uint64_t seed, int as_of) : seed_(seed), as_of_(as_of) {}

  // Patient `index`'s timeline; it depends only on (seed, index, as_of).
  void generate(uint64_t index, Patient& p);

 private:
  struct Visit {
    int day, minute;
  };
  struct MaintenanceEnd {
    int last_session, next_gap;
  };
  enum class Outcome { kRemission, kResponse, kPartial, kNonResponse };

  // The phases; each builds a course from day 0 and returns the day as_of falls on.
  int intake();
  int initial_series();
  int series_evaluation();
  int maintenance();
  int reassessment();
  int ended();

  // Earlier courses of returning patients; each returns the day it ended.
  int ended_course(int start);
  int reassessed_course(int start);

  // Building blocks.
  int series_course(int start, int baseline, int sessions, int target, bool baseline_valid, int dose);
  MaintenanceEnd maintenance_sessions(int last_series_session, int baseline, int reference, int sessions, bool taper);
  void phq9(int day, int minute, int score, int item9);
  void gad7(int day, int minute, int phq9_score);
  void visit(int day, int minute, int phq9_score, int item9 = 0);
  void session(int day, int minute, int dose_centi);
  void missed_session(int day);
  void decision(int day, DecisionKind kind, const char* note);
  int score_for(Outcome outcome, int baseline);
  int baseline_score();
  int baseline_item9();
  int session_time();
  int before(int session_minute);
  const char* clinician();

  // Noise added to every patient.
  void add_conditions(bool thyroid);
  void add_item9_alert();
  void add_observations(size_t count);
  void shuffle_or_sort();

  uint64_t seed_;
  int as_of_;
  Rng r_{0, 0};
  Patient* p_ = nullptr;
  std::vector<Visit> visits_;  // visits, for the vital signs and labs taken there (the first: clearance)
  bool thyroid_ = false;
};

}  // namespace cohort
