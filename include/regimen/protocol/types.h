#pragma once
// The static types of the protocol language. Every expression has exactly one; the checker
// knows it before anything is evaluated.

#include <cstdint>
#include <string_view>

namespace regimen {

enum class Type : uint8_t {
  kError,        ///< an expression that failed to check (suppresses follow-on errors)
  kBool,
  kInt,
  kNumber,       ///< a real number; int converts to number where one is needed
  kString,
  kDate,
  kDuration,     ///< whole days: 3d, 2w
  kStringList,   ///< e.g. a list of condition codes
  kSession,      ///< a completed session of the timeline
  kAssessment,   ///< a scored assessment (PHQ-9, GAD-7, …)
  kObservation,  ///< an observation (blood pressure, weight, …)
  kDecision,     ///< a clinician's recorded decision
  kInstrument,   ///< a declared instrument, named bare: latest(phq9)
};

std::string_view to_string(Type t);
/// The type for a declaration's `type:` key ("int", "days", "list", …), or kError.
Type type_from_name(std::string_view name);

inline bool is_numeric(Type t) { return t == Type::kInt || t == Type::kNumber; }
inline bool is_event(Type t) {
  return t == Type::kSession || t == Type::kAssessment || t == Type::kObservation || t == Type::kDecision;
}

}  // namespace regimen
