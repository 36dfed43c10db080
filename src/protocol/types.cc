#include "regimen/protocol/types.h"

namespace regimen {

std::string_view to_string(Type t) {
  switch (t) {
    case Type::kError: return "<error>";
    case Type::kBool: return "bool";
    case Type::kInt: return "int";
    case Type::kNumber: return "number";
    case Type::kString: return "string";
    case Type::kDate: return "date";
    case Type::kDuration: return "days";
    case Type::kStringList: return "list";
    case Type::kSession: return "session";
    case Type::kAssessment: return "assessment";
    case Type::kObservation: return "observation";
    case Type::kDecision: return "decision";
    case Type::kInstrument: return "instrument";
  }
  return "<error>";
}

Type type_from_name(std::string_view name) {
  if (name == "bool") return Type::kBool;
  if (name == "int") return Type::kInt;
  if (name == "number") return Type::kNumber;
  if (name == "string") return Type::kString;
  if (name == "date") return Type::kDate;
  if (name == "days") return Type::kDuration;
  if (name == "list") return Type::kStringList;
  if (name == "session") return Type::kSession;
  if (name == "assessment") return Type::kAssessment;
  if (name == "observation") return Type::kObservation;
  if (name == "decision") return Type::kDecision;
  return Type::kError;
}

}  // namespace regimen
