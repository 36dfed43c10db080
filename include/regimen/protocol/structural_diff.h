#pragma once
// What differs between two versions of a protocol file, as written: parameters, rules,
// transitions, phases, facts, state, sources and instruments, each matched by its id or name
// (never by position), with every field that changed.

#include <string>
#include <vector>

#include "regimen/protocol/ast.h"

namespace regimen {

struct FieldChange {
  std::string field;          ///< "default", "range", "when", "priority", "order", …
  std::string before, after;  ///< as a person reads them; "" on the side that has none
};

struct ItemChange {
  enum class Kind : uint8_t { kAdded, kRemoved, kChanged };
  std::string section;  ///< "protocol", "source", "instrument", "parameter", "state", "fact", "phase", "transition", "rule"
  std::string name;     ///< its id or name
  Kind kind = Kind::kChanged;
  SourcePos before_pos, after_pos;  ///< unknown (0) on the side that does not have it
  /// Changed: the fields that differ. Added or removed: the fields it has (on that side).
  std::vector<FieldChange> fields;
};

std::string_view to_string(ItemChange::Kind k);

/// In file order: the protocol's identity, then sources, instruments, parameters, state, facts,
/// phases, transitions and rules; in each, removed and changed items in the first file's
/// order, then added ones in the second's. A transition read in a different order (the first
/// that matches is taken) has an "order" field. Moving an item in the file is not a change.
std::vector<ItemChange> structural_diff(const ast::Protocol& before, const ast::Protocol& after);

}  // namespace regimen
