#pragma once
// The rating scales a timeline's assessments are checked against. A protocol declares its
// instruments; until a protocol is loaded, default_instruments() gives the two the default
// protocol uses (PHQ-9 and GAD-7).

#include <string>
#include <string_view>
#include <vector>

namespace regimen {

struct InstrumentSpec {
  std::string name;   ///< as written in timelines, e.g. "phq9"
  std::string label;  ///< for people, e.g. "PHQ-9"
  int min_score = 0;
  int max_score = 0;
  int item_count = 0;  ///< items are numbered 1..item_count
  int item_min = 0;
  int item_max = 3;
};

class InstrumentCatalog {
 public:
  InstrumentCatalog() = default;
  explicit InstrumentCatalog(std::vector<InstrumentSpec> specs) : specs_(std::move(specs)) {}

  [[nodiscard]] const InstrumentSpec* find(std::string_view name) const;
  /// The position of the instrument in specs(), or -1.
  [[nodiscard]] int index_of(std::string_view name) const;
  [[nodiscard]] const std::vector<InstrumentSpec>& specs() const { return specs_; }

 private:
  std::vector<InstrumentSpec> specs_;
};

/// PHQ-9 (9 items, total 0-27) and GAD-7 (7 items, total 0-21), each item 0-3.
const InstrumentCatalog& default_instruments();

}  // namespace regimen
