#pragma once
// Validates a parsed timeline document against CONTRACT §2 and builds the Timeline model.
// Written once for both syntaxes: Node is JsonNode or YamlNode (document_node.h).
// Every problem is collected (up to a cap) so one run shows them all; any error rejects the
// whole timeline.

#include <algorithm>
#include <cmath>
#include <array>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "document_node.h"
#include "regimen/common/diagnostic.h"
#include "regimen/common/suggest.h"
#include "regimen/timeline/instruments.h"
#include "regimen/timeline/timeline.h"
#include "timeline_order.h"

namespace regimen::load {

inline constexpr size_t kMaxTimelineErrors = 50;
// Warnings too: each is placed in the file by a pass over it, so tens of thousands (a generated
// file with an unknown field in every event) would take minutes to report, and nobody reads them.
inline constexpr size_t kMaxTimelineWarnings = 50;

template <class Node>
class TimelineWalker {
 public:
  /// `file` names the input in diagnostics; it must outlive the walker.
  TimelineWalker(std::string_view file, const InstrumentCatalog& instruments, Diagnostics& diagnostics)
      : file_(file), instruments_(instruments), diagnostics_(diagnostics) {}

  /// The timeline, or nothing when any error was found.
  std::optional<Timeline> walk(const Node& root) {
    Timeline t;
    if (root.kind() != NodeKind::kObject) {
      error(root, "timeline.wrong_type",
            fmt::format("expected the timeline to be an object, found {}", describe(root.kind())));
      return std::nullopt;
    }
    bool has_patient = false;
    members(root, [&](std::string_view key, const Node& v) {
      if (key == "patient") {
        has_patient = true;
        read_patient(v, t);
      } else if (key == "as_of") {
        t.as_of = optional_date(v, "as_of");
      } else if (key == "sessions") {
        t.sessions.reserve(v.size());
        array(v, key, [&](uint32_t i, const Node& e) { read_session(e, i, t); });
      } else if (key == "assessments") {
        t.assessments.reserve(v.size());
        array(v, key, [&](uint32_t i, const Node& e) { read_assessment(e, i, t); });
      } else if (key == "observations") {
        t.observations.reserve(v.size());
        array(v, key, [&](uint32_t i, const Node& e) { read_observation(e, i, t); });
      } else if (key == "conditions") {
        array(v, key, [&](uint32_t i, const Node& e) { read_condition(e, i, t); });
      } else if (key == "decisions") {
        array(v, key, [&](uint32_t i, const Node& e) { read_decision(e, i, t); });
      } else {
        unknown_field(v, key, kTopLevelFields);
      }
    });
    if (!has_patient) missing(root, "patient", "the patient, e.g. {\"id\": \"p-0001\"}");
    if (errors_ > 0) return note_unshown(), std::nullopt;
    sort_events(t);
    note_unshown();
    return t;
  }

 private:
  static constexpr std::string_view kTopLevelFields[] = {"patient",      "as_of",      "sessions",
                                                         "assessments",  "observations", "conditions",
                                                         "decisions"};
  static constexpr std::string_view kPatientFields[] = {"id"};
  static constexpr std::string_view kSessionFields[] = {"date", "status", "route", "dose_mg_per_kg", "dose_mg"};
  static constexpr std::string_view kAssessmentFields[] = {"date", "instrument", "score", "items"};
  static constexpr std::string_view kObservationFields[] = {"date", "code", "value", "unit"};
  static constexpr std::string_view kConditionFields[] = {"code", "onset", "status"};
  static constexpr std::string_view kDecisionFields[] = {"date", "kind", "by", "note"};

  // ---- the pointer to the current place: a stack of segments pushed and popped as we descend,
  // turned into text only when a diagnostic needs it, so a clean timeline builds no strings ----
  struct Segment {
    std::string_view key;
    uint32_t index = 0;
    bool is_index = false;
  };
  // A fixed stack: a timeline is at most four levels deep (/assessments/3/items/9), and this runs
  // for every field of every event, so it must cost next to nothing.
  struct Path {
    static constexpr size_t kDepth = 8;
    std::array<Segment, kDepth> segments;
    size_t depth = 0;
  };
  struct Scope {
    Scope(Path& path, std::string_view key) : path_(path) {
      if (path_.depth < Path::kDepth) path_.segments[path_.depth] = {key, 0, false};
      ++path_.depth;
    }
    Scope(Path& path, uint32_t index) : path_(path) {
      if (path_.depth < Path::kDepth) path_.segments[path_.depth] = {{}, index, true};
      ++path_.depth;
    }
    ~Scope() { --path_.depth; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    Path& path_;
  };
  /// The JSON pointer (RFC 6901) of the current place.
  std::string pointer() const {
    if (path_.depth == 0) return "/";
    std::string out;
    for (size_t i = 0; i < std::min(path_.depth, Path::kDepth); ++i) {
      const Segment& s = path_.segments[i];
      out += '/';
      if (s.is_index) {
        out += std::to_string(s.index);
        continue;
      }
      for (char c : s.key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
      }
    }
    return out;
  }

  // ---- reporting ----
  void report(const Node& at, Severity severity, std::string code, std::string message) {
    if (severity == Severity::kError && ++errors_ > kMaxTimelineErrors) return;
    if (severity == Severity::kWarning && ++warnings_ > kMaxTimelineWarnings) return;
    diagnostics_.add(Diagnostic{severity, std::move(code), std::string(file_), at.pos(), 1, pointer(),
                                std::move(message)});
  }
  void error(const Node& at, std::string code, std::string message) {
    report(at, Severity::kError, std::move(code), std::move(message));
  }
  void missing(const Node& object, std::string_view field, std::string_view expected) {
    error(object, "timeline.missing_field", fmt::format("missing required field '{}': expected {}", field, expected));
  }
  void wrong_type(const Node& v, std::string_view field, std::string_view expected) {
    error(v, "timeline.wrong_type", fmt::format("'{}' must be {}, found {}", field, expected, describe(v.kind())));
  }
  void unknown_field(const Node& v, std::string_view key, std::span<const std::string_view> known) {
    std::string msg = fmt::format("unknown field '{}' is ignored", key);
    if (auto s = closest_match(key, known)) msg += fmt::format(" (did you mean '{}'?)", *s);
    report(v, Severity::kWarning, "timeline.unknown_field", std::move(msg));
  }

  // ---- structure ----
  template <class F>
  void members(const Node& object, F&& f) {
    // Duplicate keys are found among the keys seen so far; objects here have a handful of keys,
    // so a small array on the stack does, with a vector only for unusually wide objects.
    std::array<std::string_view, 16> seen;
    size_t count = 0;
    std::vector<std::string_view> more;
    object.for_each_member([&](std::string_view key, const Node& v) {
      Scope scope(path_, key);
      if (Node::kYaml && key == "<<") {
        // yaml-cpp does not merge: the fields would be silently dropped, and a left-out status
        // reads as "completed", so a cancelled session could count as treatment.
        error(object, "timeline.yaml_merge", "YAML merge keys ('<<') are not supported: write the fields out in each entry");
        return;
      }
      const bool duplicate = std::find(seen.begin(), seen.begin() + std::min(count, seen.size()), key) !=
                                 seen.begin() + std::min(count, seen.size()) ||
                             std::find(more.begin(), more.end(), key) != more.end();
      if (duplicate) {
        error(v, "timeline.duplicate_field", fmt::format("field '{}' appears twice in the same object", key));
        return;
      }
      if (count < seen.size()) seen[count] = key;
      else more.push_back(key);
      ++count;
      f(key, v);
    });
  }

  /// Calls f for each element of an array field; null counts as an empty array.
  template <class F>
  void array(const Node& v, std::string_view field, F&& f) {
    if (v.kind() == NodeKind::kNull) return;
    if (v.kind() != NodeKind::kArray) return wrong_type(v, field, "an array");
    v.for_each_element([&](uint32_t i, const Node& e) {
      Scope scope(path_, i);
      if (e.kind() != NodeKind::kObject)
        return error(e, "timeline.wrong_type",
                     fmt::format("each entry of '{}' must be an object, found {}", field, describe(e.kind())));
      f(i, e);
    });
  }

  // ---- values ----
  std::optional<std::string> string(const Node& v, std::string_view field) {
    if (v.kind() != NodeKind::kString) return wrong_type(v, field, "a string"), std::nullopt;
    return std::string(v.str());
  }
  /// A string that may be left out or null; empty when absent.
  std::string optional_string(const Node& v, std::string_view field) {
    if (v.kind() == NodeKind::kNull) return {};
    return string(v, field).value_or("");
  }
  std::optional<std::string> nonempty_string(const Node& v, std::string_view field) {
    auto s = string(v, field);
    if (s && s->empty()) {
      error(v, "timeline.empty_value", fmt::format("'{}' must not be empty", field));
      return std::nullopt;
    }
    return s;
  }
  std::optional<Timestamp> date(const Node& v, std::string_view field) {
    if (v.kind() != NodeKind::kString)
      return wrong_type(v, field, "a date as a string \"YYYY-MM-DD\""), std::nullopt;
    DateParse p = parse_date_or_datetime(v.str());
    if (!p.value) error(v, "timeline.bad_date", fmt::format("'{}' is not a valid date: {}", v.str(), p.problem));
    return p.value;
  }
  std::optional<Timestamp> optional_date(const Node& v, std::string_view field) {
    if (v.kind() == NodeKind::kNull) return std::nullopt;
    return date(v, field);
  }
  /// An integer; a number with no fraction (22.0) is read as that integer.
  std::optional<int64_t> integer(const Node& v, std::string_view field) {
    if (!number_form(v, field)) return std::nullopt;
    int64_t n = 0;
    if (v.integer(n)) return n;
    if (v.kind() == NodeKind::kNumber) {
      const double d = v.number();
      if (d > -1e15 && d < 1e15 && d == std::trunc(d)) return static_cast<int64_t>(d);
      if (!std::isfinite(d)) return out_of_range(v, field, kBeyondDouble);
      if (d == std::trunc(d)) return out_of_range(v, field, "");
      error(v, "timeline.not_integer", fmt::format("'{}' must be a whole number, found {}", field, v.number_text()));
      return std::nullopt;
    }
    if (v.kind() == NodeKind::kInteger) return out_of_range(v, field, kBeyond64Bits);
    return wrong_type(v, field, "an integer"), std::nullopt;
  }
  /// A number; what no double holds is out of range, as in a JSON timeline (a YAML one reads
  /// 1e400 as infinity otherwise).
  std::optional<double> number(const Node& v, std::string_view field) {
    if (!number_form(v, field)) return std::nullopt;
    if (v.kind() != NodeKind::kInteger && v.kind() != NodeKind::kNumber)
      return wrong_type(v, field, "a number"), std::nullopt;
    if (v.kind() == NodeKind::kInteger && !v.fits_64_bits()) return out_of_range(v, field, kBeyond64Bits);
    const double d = v.number();
    if (!std::isfinite(d)) return out_of_range(v, field, kBeyondDouble);
    return d;
  }
  /// False, with an error, for a YAML number in a form JSON does not have (0x16, .inf, 022).
  bool number_form(const Node& v, std::string_view field) {
    const std::string_view problem = v.number_form_problem();
    if (problem.empty()) return true;
    error(v, "timeline.number_form", fmt::format("'{}' is {}, {}", field, v.number_text(), problem));
    return false;
  }
  static constexpr std::string_view kBeyond64Bits = "far out of range (an integer must fit in 64 bits)";
  static constexpr std::string_view kBeyondDouble = "beyond the largest number, about 1.8e308";
  /// The error for a number no field can take: "'score' is 1e300, far out of range".
  std::nullopt_t out_of_range(const Node& v, std::string_view field, std::string_view why) {
    error(v, "timeline.out_of_range", fmt::format("'{}' is {}, {}", field, v.number_text(), why.empty() ? "far out of range" : why));
    return std::nullopt;
  }
  template <class Enum, size_t N>
  std::optional<Enum> choice(const Node& v, std::string_view field, const std::string_view (&names)[N],
                             const Enum (&values)[N]) {
    auto s = string(v, field);
    if (!s) return std::nullopt;
    for (size_t i = 0; i < N; ++i)
      if (*s == names[i]) return values[i];
    std::string msg = fmt::format("'{}' is '{}', expected one of {}", field, *s, join_alternatives(names));
    if (auto m = closest_match(*s, names)) msg += fmt::format(" (did you mean '{}'?)", *m);
    error(v, "timeline.bad_value", std::move(msg));
    return std::nullopt;
  }

  // ---- the parts of a timeline ----
  void read_patient(const Node& v, Timeline& t) {
    if (v.kind() != NodeKind::kObject) return wrong_type(v, "patient", "an object with an 'id'");
    bool has_id = false;
    members(v, [&](std::string_view key, const Node& f) {
      if (key != "id") return unknown_field(f, key, kPatientFields);
      has_id = true;
      auto id = string(f, "patient.id");
      if (!id) return;
      const size_t n = count_code_points(*id);
      if (n < 1 || n > 128)
        return error(f, "timeline.out_of_range",
                     fmt::format("'patient.id' must be 1 to 128 characters long, found {}", n));
      t.patient_id = std::move(*id);
    });
    if (!has_id) missing(v, "id", "the patient's id, a string of 1 to 128 characters");
  }

  void read_session(const Node& v, uint32_t index, Timeline& t) {
    static constexpr std::string_view kNames[] = {"completed", "missed", "cancelled"};
    static constexpr SessionStatus kValues[] = {SessionStatus::kCompleted, SessionStatus::kMissed,
                                                SessionStatus::kCancelled};
    Session s;
    s.index = index;
    std::optional<Timestamp> at;
    members(v, [&](std::string_view key, const Node& f) {
      if (key == "date") {
        at = date(f, "date");
      } else if (key == "status") {
        if (f.kind() == NodeKind::kNull) return;
        if (auto st = choice(f, "status", kNames, kValues)) s.status = *st;
      } else if (key == "route") {
        s.route = optional_string(f, "route");
      } else if (key.starts_with("dose_")) {
        if (f.kind() == NodeKind::kNull) return;
        auto d = number(f, key);
        if (d && *d < 0) return error(f, "timeline.out_of_range", fmt::format("'{}' must not be negative", key));
        if (d) s.doses.push_back(Dose{std::string(key), *d});
      } else {
        unknown_field(f, key, kSessionFields);
      }
    });
    if (!at) {
      if (!has_member(v, "date")) missing(v, "date", "the session's date, \"YYYY-MM-DD\"");
      return;
    }
    s.at = *at;
    t.sessions.push_back(std::move(s));
  }

  void read_assessment(const Node& v, uint32_t index, Timeline& t) {
    Assessment a;
    a.index = index;
    std::optional<Timestamp> at;
    std::optional<std::string> instrument;
    std::optional<int64_t> score;
    std::optional<Node> items_node;
    std::optional<Node> score_copy;
    std::optional<Node> instrument_node;
    members(v, [&](std::string_view key, const Node& f) {
      if (key == "date") at = date(f, "date");
      else if (key == "instrument") instrument = nonempty_string(f, "instrument"), instrument_node = f;
      else if (key == "score") score = integer(f, "score"), score_copy = f;
      else if (key == "items") items_node = f;
      else unknown_field(f, key, kAssessmentFields);
    });
    if (!at && !has_member(v, "date")) missing(v, "date", "the assessment's date, \"YYYY-MM-DD\"");
    if (!instrument && !has_member(v, "instrument")) missing(v, "instrument", "the instrument's name, e.g. \"phq9\"");
    if (!score && !has_member(v, "score")) missing(v, "score", "the total score, an integer");
    if (!instrument) return;

    const InstrumentSpec* spec = instruments_.find(*instrument);
    if (!spec) {
      std::vector<std::string_view> names;
      for (const auto& s : instruments_.specs()) names.push_back(s.name);
      std::string msg = fmt::format("instrument '{}' is not declared by the protocol; its score is kept but not used",
                                    *instrument);
      if (auto m = closest_match(*instrument, names)) msg += fmt::format(" (did you mean '{}'?)", *m);
      Scope scope(path_, "instrument");
      report(*instrument_node, Severity::kWarning, "timeline.undeclared_instrument", std::move(msg));
    }
    if (score && spec && (*score < spec->min_score || *score > spec->max_score)) {
      Scope scope(path_, "score");
      error(*score_copy, "timeline.out_of_range",
            fmt::format("{} score {} is outside its range {}-{}", spec->label, *score, spec->min_score,
                        spec->max_score));
      score.reset();
    }
    if (items_node) {
      Scope scope(path_, "items");
      read_items(*items_node, spec, a);
    }
    if (!at || !score) return;
    a.at = *at;
    a.instrument = std::move(*instrument);
    a.score = static_cast<int>(*score);
    if (spec && !a.items.empty()) {
      // All items must add up to the score; some of them cannot add up to more than it.
      int sum = 0;
      for (const ItemAnswer& i : a.items) sum += i.answer;
      const bool all = static_cast<int>(a.items.size()) == spec->item_count;
      if (all ? sum != a.score : sum > a.score) {
        Scope scope(path_, "score");
        report(*score_copy, Severity::kWarning, "timeline.items_mismatch",
               all ? fmt::format("{} items add up to {} but the score is {}; the score is used", spec->label, sum, a.score)
                   : fmt::format("the {} of {} {} items given add up to {}, more than the score {}; the score is used",
                                 a.items.size(), spec->item_count, spec->label, sum, a.score));
      }
    }
    t.assessments.push_back(std::move(a));
  }

  void read_items(const Node& v, const InstrumentSpec* spec, Assessment& a) {
    if (v.kind() == NodeKind::kNull) return;
    if (v.kind() != NodeKind::kObject)
      return wrong_type(v, "items", "an object mapping item numbers (\"1\", \"2\", …) to answers");
    members(v, [&](std::string_view key, const Node& f) {
      int item = 0;
      const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), item);
      const int max_item = spec ? spec->item_count : 99;
      // Items are named as the contract writes them, "1" to "9": "09" would be a second name for
      // item 9, and could answer it twice.
      if (ec != std::errc{} || end != key.data() + key.size() || key[0] == '0' || item < 1 || item > max_item) {
        return error(f, "timeline.bad_item",
                     spec ? fmt::format("'{}' is not a {} item: items are numbered \"1\" to \"{}\"", key,
                                        spec->label, spec->item_count)
                          : fmt::format("'{}' is not an item number: expected \"1\", \"2\", …", key));
      }
      // The field's name is only spelled out when the answer is not a plain integer.
      int64_t plain = 0;
      std::optional<int64_t> answer = f.number_form_problem().empty() && f.integer(plain) ? std::optional<int64_t>(plain)
                                                                                     : integer(f, fmt::format("item {}", key));
      if (!answer) return;
      const int lo = spec ? spec->item_min : 0, hi = spec ? spec->item_max : 99;
      if (*answer < lo || *answer > hi)
        return error(f, "timeline.out_of_range",
                     fmt::format("item {} answer {} is outside its range {}-{}", key, *answer, lo, hi));
      a.items.push_back(ItemAnswer{item, static_cast<int>(*answer)});
    });
    std::sort(a.items.begin(), a.items.end(), [](auto& x, auto& y) { return x.item < y.item; });
  }

  void read_observation(const Node& v, uint32_t index, Timeline& t) {
    Observation o;
    o.index = index;
    std::optional<Timestamp> at;
    std::optional<std::string> code;
    std::optional<double> value;
    members(v, [&](std::string_view key, const Node& f) {
      if (key == "date") at = date(f, "date");
      else if (key == "code") code = nonempty_string(f, "code");
      else if (key == "value") value = number(f, "value");
      else if (key == "unit") o.unit = optional_string(f, "unit");
      else unknown_field(f, key, kObservationFields);
    });
    if (!at && !has_member(v, "date")) missing(v, "date", "the observation's date, \"YYYY-MM-DD\"");
    if (!code && !has_member(v, "code")) missing(v, "code", "what was observed, e.g. \"bp_systolic\"");
    if (!value && !has_member(v, "value")) missing(v, "value", "the observed number");
    if (!at || !code || !value) return;
    o.at = *at;
    o.code = std::move(*code);
    o.value = *value;
    t.observations.push_back(std::move(o));
  }

  void read_condition(const Node& v, uint32_t index, Timeline& t) {
    static constexpr std::string_view kNames[] = {"active", "resolved"};
    static constexpr ConditionStatus kValues[] = {ConditionStatus::kActive, ConditionStatus::kResolved};
    Condition c;
    c.index = index;
    std::optional<std::string> code;
    members(v, [&](std::string_view key, const Node& f) {
      if (key == "code") code = nonempty_string(f, "code");
      else if (key == "onset") c.onset = optional_date(f, "onset");
      else if (key == "status") {
        if (f.kind() == NodeKind::kNull) return;
        if (auto st = choice(f, "status", kNames, kValues)) c.status = *st;
      } else unknown_field(f, key, kConditionFields);
    });
    if (!code && !has_member(v, "code")) missing(v, "code", "the condition's code, e.g. \"bipolar_disorder\"");
    if (!code) return;
    c.code = std::move(*code);
    t.conditions.push_back(std::move(c));
  }

  void read_decision(const Node& v, uint32_t index, Timeline& t) {
    static constexpr std::string_view kNames[] = {"start_series", "start_maintenance", "end_treatment"};
    static constexpr DecisionKind kValues[] = {DecisionKind::kStartSeries, DecisionKind::kStartMaintenance,
                                               DecisionKind::kEndTreatment};
    Decision d;
    d.index = index;
    std::optional<Timestamp> at;
    std::optional<DecisionKind> kind;
    members(v, [&](std::string_view key, const Node& f) {
      if (key == "date") at = date(f, "date");
      else if (key == "kind") kind = choice(f, "kind", kNames, kValues);
      else if (key == "by") d.by = optional_string(f, "by");
      else if (key == "note") d.note = optional_string(f, "note");
      else unknown_field(f, key, kDecisionFields);
    });
    if (!at && !has_member(v, "date")) missing(v, "date", "the decision's date, \"YYYY-MM-DD\"");
    if (!kind && !has_member(v, "kind")) missing(v, "kind", "start_series, start_maintenance or end_treatment");
    if (!at || !kind) return;
    d.at = *at;
    d.kind = *kind;
    t.decisions.push_back(std::move(d));
  }

  static bool has_member(const Node& object, std::string_view name) {
    bool found = false;
    object.for_each_member([&](std::string_view key, const Node&) { found = found || key == name; });
    return found;
  }

  void note_unshown() {
    if (errors_ > kMaxTimelineErrors)
      diagnostics_.add(Diagnostic{Severity::kError, "timeline.more_errors", std::string(file_), {}, 1, "",
                                  fmt::format("{} more errors are not shown (the first {} are)",
                                              errors_ - kMaxTimelineErrors, kMaxTimelineErrors)});
    if (warnings_ <= kMaxTimelineWarnings) return;
    diagnostics_.add(Diagnostic{Severity::kWarning, "timeline.more_warnings", std::string(file_), {}, 1, "",
                                fmt::format("{} more warnings are not shown (the first {} are)",
                                            warnings_ - kMaxTimelineWarnings, kMaxTimelineWarnings)});
  }

  std::string_view file_;
  const InstrumentCatalog& instruments_;
  Diagnostics& diagnostics_;
  Path path_;
  size_t errors_ = 0, warnings_ = 0;
};

}  // namespace regimen::load
