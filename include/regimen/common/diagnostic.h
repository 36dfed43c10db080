#pragma once
// Diagnostics: what every stage returns about bad input, as values (never exceptions).
// Each carries a stable code (e.g. "timeline.out_of_range") that tests and tools match on,
// and the place in the input it is about.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regimen/common/source.h"

namespace regimen {

enum class Severity { kError, kWarning, kNote };
std::string_view to_string(Severity s);

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;     ///< stable, "<stage>.<what>"
  std::string file;     ///< the input's name as the user gave it
  SourcePos pos;        ///< 1-based; unknown when the input has no text positions
  uint32_t width = 1;   ///< characters to underline from pos
  std::string pointer;  ///< JSON pointer into a timeline, e.g. "/assessments/3/score"
  std::string message;  ///< one sentence: what was found and what was expected
};

class Diagnostics {
 public:
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  void append(const Diagnostics& other);
  void clear() { items_.clear(); }

  [[nodiscard]] bool has_errors() const;
  [[nodiscard]] size_t error_count() const;
  [[nodiscard]] size_t size() const { return items_.size(); }
  [[nodiscard]] bool empty() const { return items_.empty(); }
  [[nodiscard]] const std::vector<Diagnostic>& items() const { return items_; }
  [[nodiscard]] const Diagnostic& operator[](size_t i) const { return items_[i]; }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

  /// Stable order for people: by file, then position; equal positions keep their order.
  void sort_by_position();

 private:
  std::vector<Diagnostic> items_;
};

/// A stage's outcome: the value when the input was good enough to produce one, and every
/// diagnostic found on the way (warnings can come with a value; errors come without one).
template <class T>
struct [[nodiscard]] Result {
  std::optional<T> value;
  Diagnostics diagnostics;

  [[nodiscard]] bool ok() const { return value.has_value(); }
};

enum class Color { kNo, kYes };

/// Renders one diagnostic the way compilers do:
///   file:line:col: error: message
///   <the source line>
///   <caret under the column>
/// The source line and caret are shown when `source` is given and the position is known.
std::string render_text(const Diagnostic& d, const SourceFile* source, Color color = Color::kNo);
/// The same with the source line given (a cohort's line, which no SourceFile holds). A line too
/// long to read whole shows the characters around the column, cut with '…'.
std::string render_text(const Diagnostic& d, std::string_view line, Color color = Color::kNo);

class JsonWriter;

/// Writes one diagnostic as a CONTRACT §6 error object: {file,line,column,severity,code,message}
/// (plus "pointer" when it has one); file is null when it is about no file.
void write_json(JsonWriter& w, const Diagnostic& d);

/// Renders diagnostics as CONTRACT §6 JSON: {"errors":[{file,line,column,severity,code,message}]}
/// (plus "pointer" when the diagnostic has one).
std::string render_json(const Diagnostics& diagnostics);

}  // namespace regimen
