#include "regimen/timeline/instruments.h"

namespace regimen {

namespace {

// Instrument names are a few bytes long and looked up for every assessment of every timeline: a
// byte loop settles most of them at the first byte, where operator== calls memcmp for each name.
bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

}  // namespace

const InstrumentSpec* InstrumentCatalog::find(std::string_view name) const {
  const int i = index_of(name);
  return i < 0 ? nullptr : &specs_[static_cast<size_t>(i)];
}

int InstrumentCatalog::index_of(std::string_view name) const {
  for (size_t i = 0; i < specs_.size(); ++i)
    if (same_name(specs_[i].name, name)) return static_cast<int>(i);
  return -1;
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
