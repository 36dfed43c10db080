// YAML → ast::Protocol. The shape of the language is defined here, section by section;
// docs/protocol-language.md is its reference.

#include "regimen/load/protocol_loader.h"

#include <charconv>
#include <cstring>

#include "regimen/common/file_text.h"
#include "regimen/common/utf8.h"
#include "regimen/load/expr_parser.h"
#include "yaml_parse.h"
#include "yaml_reader.h"

namespace regimen {
namespace {

using load::YamlReader;

constexpr std::string_view kTopKeys[] = {"regimen", "protocol", "sources", "instruments", "parameters",
                                         "state",   "facts",    "phases",  "transitions", "rules"};
constexpr std::string_view kProtocolKeys[] = {"id", "version", "title", "description"};
constexpr std::string_view kSourceKeys[] = {"title", "url", "note", "certainty"};
constexpr std::string_view kInstrumentKeys[] = {"label", "range", "items", "item_range", "cites"};
constexpr std::string_view kParameterKeys[] = {"type", "default", "range", "at_most", "unit", "description", "cites"};
constexpr std::string_view kStateKeys[] = {"type", "initial", "description"};
constexpr std::string_view kFactKeys[] = {"value", "description", "when_unknown"};
constexpr std::string_view kPhaseKeys[] = {"description", "start", "terminal", "no_rules"};
constexpr std::string_view kTransitionKeys[] = {"id", "from", "on", "when", "to", "set", "warn", "explain", "description", "cites"};
constexpr std::string_view kRuleKeys[] = {"id",      "phase",        "when",        "action",    "priority",
                                          "window",  "flags",        "overdue_flag", "instruments", "checklist",
                                          "summary", "explain", "description", "cites"};
constexpr std::string_view kWindowKeys[] = {"earliest", "latest"};
constexpr std::string_view kTypeNames[] = {"int", "number", "days", "bool", "string", "list", "date",
                                           "session", "assessment", "observation", "decision"};

class Loader {
 public:
  Loader(const SourceFile& source, Diagnostics& d) : r_(source, d) {}

  ast::Protocol load(const YAML::Node& root) {
    ast::Protocol p;
    p.file = r_.file();
    p.pos = YamlReader::pos(root);
    if (!r_.expect_map(root, "a protocol file")) return p;
    r_.require(root, "a protocol file", {"protocol", "phases"});
    r_.entries(root, "the protocol file", kTopKeys, [&](const std::string& key, const YAML::Node& v, const YAML::Node& key_node) {
      if (key == "regimen") language_version(v);
      else if (key == "protocol") header(v, p, YamlReader::pos(key_node));
      else if (key == "sources") each_entry(v, "sources", [&](const YAML::Node& k, const YAML::Node& e) { p.sources.push_back(source(k, e)); });
      else if (key == "instruments") each_entry(v, "instruments", [&](const YAML::Node& k, const YAML::Node& e) { p.instruments.push_back(instrument(k, e)); });
      else if (key == "parameters") each_entry(v, "parameters", [&](const YAML::Node& k, const YAML::Node& e) { p.parameters.push_back(parameter(k, e)); });
      else if (key == "state") each_entry(v, "state", [&](const YAML::Node& k, const YAML::Node& e) { p.state.push_back(state_var(k, e)); });
      else if (key == "facts") each_entry(v, "facts", [&](const YAML::Node& k, const YAML::Node& e) { p.facts.push_back(fact(k, e)); });
      else if (key == "phases") each_entry(v, "phases", [&](const YAML::Node& k, const YAML::Node& e) { p.phases.push_back(phase(k, e)); });
      else if (key == "transitions") each_item(v, "transitions", [&](const YAML::Node& e) { p.transitions.push_back(transition(e)); });
      else if (key == "rules") each_item(v, "rules", [&](const YAML::Node& e) { p.rules.push_back(rule(e)); });
    });
    return p;
  }

 private:
  void language_version(const YAML::Node& v) {
    if (auto n = r_.integer(v, "'regimen' (the language version)"); n && *n != 1)
      r_.error(YamlReader::pos(v), "load.language_version",
               fmt::format("this is version 1 of the protocol language; the file asks for version {}", *n));
  }

  void header(const YAML::Node& v, ast::Protocol& p, SourcePos key_pos) {
    if (!r_.expect_map(v, "'protocol'")) return;
    r_.require(v, "'protocol'", {"id", "version", "title"}, key_pos);
    r_.entries(v, "'protocol'", kProtocolKeys, [&](const std::string& key, const YAML::Node& e, const YAML::Node&) {
      if (key == "id") p.id = r_.name(e, "protocol.id");
      else if (key == "version") p.version = r_.name(e, "protocol.version");
      else if (key == "title") p.title = r_.text(e, "protocol.title");
      else if (key == "description") p.description = r_.text(e, "protocol.description");
    });
  }

  template <class F>
  void each_entry(const YAML::Node& v, std::string_view what, F&& f) {
    if (v.IsNull()) return;
    if (!r_.expect_map(v, fmt::format("'{}'", what))) return;
    r_.entries(v, fmt::format("'{}'", what), {}, [&](const std::string&, const YAML::Node& e, const YAML::Node& k) { f(k, e); });
  }

  template <class F>
  void each_item(const YAML::Node& v, std::string_view what, F&& f) {
    if (v.IsNull()) return;
    if (!r_.expect_sequence(v, fmt::format("'{}'", what))) return;
    for (const auto& item : v) {
      if (r_.expect_map(item, fmt::format("each entry of '{}'", what))) f(item);
    }
  }

  ast::Source source(const YAML::Node& key, const YAML::Node& v) {
    ast::Source s{r_.name(key, "a source id"), {}, {}, {}, {}, YamlReader::pos(key)};
    const std::string what = fmt::format("source '{}'", s.id.value);
    if (v.IsScalar()) {  // shorthand: `seed: How Many Ketamine Treatments Do You Need?`
      s.title = v.Scalar();
      return s;
    }
    if (!r_.expect_map(v, what)) return s;
    r_.require(v, what, {"title"});
    r_.entries(v, what, kSourceKeys, [&](const std::string& k, const YAML::Node& e, const YAML::Node&) {
      if (k == "title") s.title = r_.text(e, "a source's title");
      else if (k == "url") s.url = r_.text(e, "a source's url");
      else if (k == "note") s.note = r_.text(e, "a source's note");
      else if (k == "certainty") {
        s.certainty = r_.text(e, "a source's certainty");
        if (s.certainty != "verified" && s.certainty != "secondary" && s.certainty != "unchecked")
          r_.error(YamlReader::pos(e), "load.bad_value",
                   fmt::format("certainty '{}' is not one of verified, secondary or unchecked", s.certainty));
      }
    });
    return s;
  }

  std::pair<int, int> int_range(const YAML::Node& v, std::string_view what) {
    if (!v.IsSequence() || v.size() != 2) {
      r_.error(YamlReader::pos(v), "load.wrong_type", fmt::format("{} must be [lowest, highest]", what));
      return {0, 0};
    }
    return {static_cast<int>(r_.integer(v[0], what).value_or(0)), static_cast<int>(r_.integer(v[1], what).value_or(0))};
  }

  ast::Instrument instrument(const YAML::Node& key, const YAML::Node& v) {
    ast::Instrument i;
    i.name = r_.name(key, "an instrument name");
    i.pos = YamlReader::pos(key);
    const std::string what = fmt::format("instrument '{}'", i.name.value);
    if (!r_.expect_map(v, what)) return i;
    r_.require(v, what, {"range"});
    r_.entries(v, what, kInstrumentKeys, [&](const std::string& k, const YAML::Node& e, const YAML::Node&) {
      if (k == "label") i.label = r_.text(e, "an instrument's label");
      else if (k == "range") std::tie(i.min_score, i.max_score) = int_range(e, "an instrument's range");
      else if (k == "items") i.items = static_cast<int>(r_.integer(e, "an instrument's item count").value_or(0));
      else if (k == "item_range") std::tie(i.item_min, i.item_max) = int_range(e, "an instrument's item_range");
      else if (k == "cites") i.cites = r_.names(e, "cites");
    });
    if (i.label.empty()) i.label = i.name.value;
    return i;
  }

  // A parameter value as written, read as the declared type.
  std::optional<ast::Literal> literal(const YAML::Node& v, Type type, std::string_view what) {
    ast::Literal l;
    l.type = type;
    l.pos = YamlReader::pos(v);
    if (type == Type::kStringList) {
      if (!v.IsSequence()) {
        r_.error(l.pos, "load.wrong_type", fmt::format("{} must be a list, found {}", what, YamlReader::kind_of(v)));
        return std::nullopt;
      }
      for (const auto& item : v) l.list_value.push_back(r_.text(item, what));
      return l;
    }
    auto s = r_.scalar(v, what);
    if (!s) return std::nullopt;
    l.text = *s;
    auto bad = [&](std::string_view expected) {
      r_.error(l.pos, "load.wrong_type", fmt::format("{} must be {}, found '{}'", what, expected, *s));
      return std::nullopt;
    };
    switch (type) {
      case Type::kInt: {
        auto n = r_.integer(v, what);
        if (!n) return std::nullopt;
        l.int_value = *n;
        return l;
      }
      case Type::kNumber: {
        char* end = nullptr;
        l.number_value = std::strtod(s->c_str(), &end);
        if (s->empty() || *end != '\0') return bad("a number");
        return l;
      }
      case Type::kDuration: {  // 3, 3d or 2w
        std::string digits = *s;
        int64_t unit = 1;
        if (!digits.empty() && (digits.back() == 'd' || digits.back() == 'w')) {
          unit = digits.back() == 'w' ? 7 : 1;
          digits.pop_back();
        }
        int64_t n = 0;
        if (auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
            digits.empty() || ec != std::errc{} || end != digits.data() + digits.size())
          return bad("a number of days, like 14 or 14d or 2w");
        l.int_value = n * unit;
        return l;
      }
      case Type::kBool: {
        auto b = r_.boolean(v, what);
        if (!b) return std::nullopt;
        l.bool_value = *b;
        return l;
      }
      case Type::kString: l.string_value = *s; return l;
      default:
        r_.error(l.pos, "load.bad_type", fmt::format("a parameter cannot be of type {}", to_string(type)));
        return std::nullopt;
    }
  }

  ast::Parameter parameter(const YAML::Node& key, const YAML::Node& v) {
    ast::Parameter p;
    p.name = r_.name(key, "a parameter name");
    p.pos = YamlReader::pos(key);
    const std::string what = fmt::format("parameter '{}'", p.name.value);
    if (!r_.expect_map(v, what)) return p;
    r_.require(v, what, {"type"});
    if (v["type"]) {
      p.type_name = r_.name(v["type"], "a parameter's type");
      p.type = declared_type(p.type_name, {"int", "number", "days", "bool", "string", "list"});
    }
    r_.entries(v, what, kParameterKeys, [&](const std::string& k, const YAML::Node& e, const YAML::Node&) {
      if (p.type == Type::kError && (k == "default" || k == "range")) return;
      if (k == "default") {
        p.default_value = literal(e, p.type, fmt::format("the default of {}", what));
      } else if (k == "range") {
        if (p.type != Type::kInt && p.type != Type::kNumber && p.type != Type::kDuration) {
          r_.error(YamlReader::pos(e), "load.bad_range",
                   fmt::format("{} is a {}: only int, number and days parameters have a range", what, to_string(p.type)));
          return;
        }
        if (!e.IsSequence() || e.size() != 2) {
          r_.error(YamlReader::pos(e), "load.wrong_type", fmt::format("the range of {} must be [lowest, highest]", what));
          return;
        }
        p.min = literal(e[0], p.type, fmt::format("the range of {}", what));
        p.max = literal(e[1], p.type, fmt::format("the range of {}", what));
      } else if (k == "at_most") {
        p.at_most = r_.name(e, "a parameter name");
      } else if (k == "unit") {
        p.unit = r_.text(e, "a parameter's unit");
      } else if (k == "description") {
        p.description = r_.text(e, "a parameter's description");
      } else if (k == "cites") {
        p.cites = r_.names(e, "cites");
      }
    });
    return p;
  }

  Type declared_type(const ast::Name& n, std::initializer_list<std::string_view> allowed) {
    const std::vector<std::string_view> names(allowed);
    if (std::find(names.begin(), names.end(), n.value) != names.end()) return type_from_name(n.value);
    std::string msg = fmt::format("unknown type '{}'", n.value);
    if (auto s = closest_match(n.value, names)) msg += fmt::format(" (did you mean '{}'?)", *s);
    else msg += fmt::format("; expected one of: {}", join_alternatives(names, ", "));
    r_.error(n.pos, "load.unknown_type", std::move(msg), static_cast<uint32_t>(std::max<size_t>(1, n.value.size())));
    return Type::kError;
  }

  std::optional<Expr> expression(const EmbeddedText& text) {
    return parse_expression(text, r_.file(), r_.diagnostics());
  }

  std::optional<Template> template_text(const YAML::Node& v, std::string_view what) {
    if (!r_.scalar(v, what)) return std::nullopt;
    return parse_template(r_.embedded(v), r_.file(), r_.diagnostics());
  }

  ast::StateVar state_var(const YAML::Node& key, const YAML::Node& v) {
    ast::StateVar s;
    s.name = r_.name(key, "a state variable's name");
    s.pos = YamlReader::pos(key);
    const std::string what = fmt::format("state variable '{}'", s.name.value);
    if (!r_.expect_map(v, what)) return s;
    r_.require(v, what, {"type"});
    r_.entries(v, what, kStateKeys, [&](const std::string& k, const YAML::Node& e, const YAML::Node&) {
      if (k == "type") {
        s.type_name = r_.name(e, "a state variable's type");
        s.type = declared_type(s.type_name, {"int", "number", "days", "bool", "string", "date", "session",
                                             "assessment", "observation", "decision"});
      } else if (k == "initial") {
        if (!r_.scalar(e, "a state variable's initial value")) return;
        s.initial_text = r_.embedded(e);
        s.initial = expression(*s.initial_text);
      } else if (k == "description") {
        s.description = r_.text(e, "a description");
      }
    });
    return s;
  }

  ast::Fact fact(const YAML::Node& key, const YAML::Node& v) {
    ast::Fact f;
    f.name = r_.name(key, "a fact's name");
    f.pos = YamlReader::pos(key);
    const std::string what = fmt::format("fact '{}'", f.name.value);
    auto read_value = [&](const YAML::Node& e) {
      if (!r_.scalar(e, fmt::format("the value of {}", what))) return;
      f.text = r_.embedded(e);
      f.value = expression(f.text);
    };
    if (v.IsScalar()) {  // shorthand: `phq9.latest: latest(phq9).score`
      read_value(v);
      return f;
    }
    if (!r_.expect_map(v, what)) return f;
    r_.require(v, what, {"value"});
    r_.entries(v, what, kFactKeys, [&](const std::string& k, const YAML::Node& e, const YAML::Node&) {
      if (k == "value") read_value(e);
      else if (k == "description") f.description = r_.text(e, "a description");
      else if (k == "when_unknown") f.when_unknown = r_.text(e, "when_unknown");
    });
    return f;
  }

  ast::Phase phase(const YAML::Node& key, const YAML::Node& v) {
    ast::Phase p;
    p.name = r_.name(key, "a phase name");
    p.pos = YamlReader::pos(key);
    if (v.IsNull()) return p;
    const std::string what = fmt::format("phase '{}'", p.name.value);
    if (!r_.expect_map(v, what)) return p;
    r_.entries(v, what, kPhaseKeys, [&](const std::string& k, const YAML::Node& e, const YAML::Node&) {
      if (k == "description") p.description = r_.text(e, "a description");
      else if (k == "start") p.start = r_.boolean(e, "start").value_or(false);
      else if (k == "terminal") p.terminal = r_.boolean(e, "terminal").value_or(false);
      else if (k == "no_rules") {
        p.no_rules = ast::Located<std::string>{r_.text(e, "no_rules"), r_.value_pos(e)};
        if (p.no_rules->value.empty())
          r_.error(YamlReader::pos(e), "load.bad_value",
                   "no_rules needs a reason: say why a patient in this phase gets no recommendation");
      }
    });
    return p;
  }

  ast::Transition transition(const YAML::Node& v) {
    ast::Transition t;
    t.pos = YamlReader::pos(v);
    r_.require(v, "a transition", {"id", "from", "on"});
    const std::string what = v["id"] && v["id"].IsScalar() ? fmt::format("transition '{}'", v["id"].Scalar()) : "a transition";
    r_.entries(v, what, kTransitionKeys, [&](const std::string& k, const YAML::Node& e, const YAML::Node&) {
      if (k == "id") t.id = r_.name(e, "a transition's id");
      else if (k == "from") t.from = r_.names(e, "from");
      else if (k == "on") t.on = r_.name(e, "on");
      else if (k == "to") t.to = r_.name(e, "to");
      else if (k == "when") {
        if (!r_.scalar(e, "a condition")) return;
        t.when_text = r_.embedded(e);
        t.when = expression(*t.when_text);
      } else if (k == "set") {
        if (!r_.expect_map(e, fmt::format("'set' in {}", what))) return;
        r_.entries(e, fmt::format("'set' in {}", what), {}, [&](const std::string&, const YAML::Node& value, const YAML::Node& target) {
          ast::Assignment a{r_.name(target, "a state variable"), {}, {}};
          if (r_.scalar(value, "an assigned value")) {
            a.text = r_.embedded(value);
            a.value = expression(a.text);
          }
          t.set.push_back(std::move(a));
        });
      } else if (k == "warn") t.warn = template_text(e, "a warning");
      else if (k == "explain") t.explain = template_text(e, "an explanation");
      else if (k == "description") t.description = r_.text(e, "a description");
      else if (k == "cites") t.cites = r_.names(e, "cites");
    });
    return t;
  }

  ast::Rule rule(const YAML::Node& v) {
    ast::Rule rl;
    rl.pos = YamlReader::pos(v);
    rl.priority = ast::Name{"routine", rl.pos};
    r_.require(v, "a rule", {"id"});
    const std::string what = v["id"] && v["id"].IsScalar() ? fmt::format("rule '{}'", v["id"].Scalar()) : "a rule";
    r_.entries(v, what, kRuleKeys, [&](const std::string& k, const YAML::Node& e, const YAML::Node&) {
      if (k == "id") rl.id = r_.name(e, "a rule's id");
      else if (k == "phase") rl.phases = r_.names(e, "phase");
      else if (k == "when") {
        if (!r_.scalar(e, "a condition")) return;
        rl.when_text = r_.embedded(e);
        rl.when = expression(*rl.when_text);
      } else if (k == "action") rl.action = r_.name(e, "action");
      else if (k == "priority") rl.priority = r_.name(e, "priority");
      else if (k == "window") rl.window = window(e, what);
      else if (k == "flags") rl.flags = r_.names(e, "flags");
      else if (k == "overdue_flag") rl.overdue_flag = r_.name(e, "overdue_flag");
      else if (k == "instruments") rl.instruments = r_.names(e, "instruments");
      else if (k == "checklist") rl.checklist = r_.names(e, "checklist");
      else if (k == "summary") rl.summary_written = true, rl.summary = template_text(e, "a summary");
      else if (k == "explain") rl.explain = template_text(e, "an explanation");
      else if (k == "description") rl.description = r_.text(e, "a description");
      else if (k == "cites") rl.cites = r_.names(e, "cites");
    });
    return rl;
  }

  std::optional<ast::Window> window(const YAML::Node& v, const std::string& what) {
    const std::string where = fmt::format("the window of {}", what);
    if (!r_.expect_map(v, where)) return std::nullopt;
    ast::Window w;
    w.pos = YamlReader::pos(v);
    r_.require(v, where, {"earliest", "latest"});
    r_.entries(v, where, kWindowKeys, [&](const std::string& k, const YAML::Node& e, const YAML::Node&) {
      if (!r_.scalar(e, "a window date")) return;
      EmbeddedText text = r_.embedded(e);
      auto parsed = expression(text);
      if (k == "earliest") w.earliest_text = std::move(text), w.earliest = std::move(parsed);
      else w.latest_text = std::move(text), w.latest = std::move(parsed);
    });
    return w;
  }

  YamlReader r_;
};

}  // namespace

Result<ast::Protocol> load_protocol(const SourceFile& source) {
  Result<ast::Protocol> r;
  if (source.text().find_first_not_of(" \t\r\n") == std::string::npos) {
    r.diagnostics.add(Diagnostic{Severity::kError, "load.empty", source.name(), {}, 1, "", "the protocol file is empty"});
    return r;
  }
  const std::optional<YAML::Node> root = load::parse_yaml(source, "load.yaml_syntax", r.diagnostics);
  if (!root) return r;
  Loader loader(source, r.diagnostics);
  r.value = loader.load(*root);
  return r;
}


LoadedProtocolFile load_protocol_file(const std::string& path) {
  FileText file = read_file_text(path);
  if (!file.ok()) {
    LoadedProtocolFile out{SourceFile(path, ""), {}};
    out.result.diagnostics.add(Diagnostic{Severity::kError, "load.io", path, {}, 1, "",
                                          fmt::format("cannot read the protocol: {}", file.problem)});
    return out;
  }
  LoadedProtocolFile out{SourceFile(path, std::move(file.text)), {}};
  out.result = load_protocol(out.source);
  return out;
}

}  // namespace regimen
