// One generated patient timeline (CONTRACT §2), held in plain structs that are reused from one
// patient to the next (no allocation per patient once the vectors have grown), and its JSON line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "calendar.h"

namespace cohort {

enum class SessionStatus : uint8_t { kCompleted, kMissed, kCancelled };

struct Session {
  int day = 0, minute = kNoTime;
  SessionStatus status = SessionStatus::kCompleted;
  bool status_written = true;  // `completed` is the default, and some systems leave it out
  bool intramuscular = false;
  int dose_centi_mg_per_kg = 50;  // 0.50 mg/kg
};

enum class Answered : uint8_t { kNone, kAll, kItem9Only };

struct Assessment {
  int day = 0, minute = kNoTime;
  bool gad7 = false;  // else PHQ-9
  int score = 0;
  int8_t items[9] = {};
  Answered answered = Answered::kNone;
};

enum class Measure : uint8_t {
  kBpSystolic, kBpDiastolic, kHeartRate, kSpo2, kRespiratoryRate, kCadss, kWeight, kHeight, kTsh, kAlt, kCreatinine
};

struct Observation {
  int day = 0, minute = kNoTime;
  Measure measure = Measure::kBpSystolic;
  int value = 0;  // scaled by the measure's decimals (weight 715 = 71.5 kg)
};

struct Condition {
  const char* code = "";
  int onset = 0;
  bool onset_known = true;
  enum Status : uint8_t { kUnwritten, kActive, kResolved } status = kActive;
};

enum class DecisionKind : uint8_t { kStartSeries, kStartMaintenance, kEndTreatment };

struct Decision {
  int day = 0, minute = kNoTime;
  DecisionKind kind = DecisionKind::kStartSeries;
  const char* by = "";
  const char* note = "";
};

// A realistic way for a cohort line to be bad (--bad-every).
enum class Defect : uint8_t { kNone, kTruncated, kImpossibleDate, kScoreOutOfRange, kMissingId };

struct Patient {
  std::vector<Session> sessions;
  std::vector<Assessment> assessments;
  std::vector<Observation> observations;
  std::vector<Condition> conditions;
  std::vector<Decision> decisions;
  int weight_deci_kg = 750;  // for dose_mg
  Defect defect = Defect::kNone;
  const char* impossible_month_day = "02-30";  // written in place of the first event's month and day

  void clear();
  size_t events() const;
  void shift(int days);       // moves every date by this many days
  void sort_by_date();        // each array in date order, ties kept (as the engine sorts)
};

// The patient as one JSON line (with its newline), appended to `out`.
void append_json_line(std::string& out, const Patient& p, std::string_view id, int as_of);

}  // namespace cohort
