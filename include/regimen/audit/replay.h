#pragma once
// Recording a decision and replaying it: the same evaluation, from the stored protocol text,
// parameters and input, compared with what was stored.

#include <string>
#include <vector>

#include "regimen/audit/audit_log.h"
#include "regimen/compile/overrides.h"

namespace regimen {

struct ReplayResult {
  bool identical = false;
  std::string explanation;               ///< the explanation of the replayed evaluation
  std::vector<std::string> differences;  ///< the first differing lines, "stored: … / now: …"
  std::string error;                     ///< the record could not be replayed at all
  /// Not identical, or not replayable, and made by another version of the engine: says so (the
  /// version changes whenever the same input may give other output).
  std::string version_note;
};

ReplayResult replay(const AuditEntry& entry);

/// Overrides as stored: {"name": "value as given"}.
std::string overrides_json(const Plan& plan, const std::vector<ParameterOverride>& overrides,
                           const std::vector<std::string>& texts);

}  // namespace regimen
