#include "regimen/timeline/instruments.h"

namespace regimen {

const InstrumentSpec* InstrumentCatalog::find(std::string_view name) const {
  for (const InstrumentSpec& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

const InstrumentCatalog& default_instruments() {
  // Kroenke 2001 (PHQ-9) and Spitzer 2006 (GAD-7); see shared/clinical-reference.md §1-2.
  static const InstrumentCatalog catalog({
      InstrumentSpec{"phq9", "PHQ-9", 0, 27, 9, 0, 3},
      InstrumentSpec{"gad7", "GAD-7", 0, 21, 7, 0, 3},
  });
  return catalog;
}

}  // namespace regimen
