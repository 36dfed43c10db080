// The structural diff of two protocol files: every item described as a list of named fields in
// the words a person reads, and two items compared field by field.

#include "regimen/protocol/structural_diff.h"

#include <algorithm>
#include <fmt/format.h>
#include <type_traits>
#include <utility>

#include "regimen/protocol/expr_text.h"

namespace regimen {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string names(const std::vector<ast::Name>& list) {
  std::string out;
  for (const ast::Name& n : list) {
    if (!out.empty()) out += ", ";
    out += n.value;
  }
  return out;
}

std::string literal(const ast::Literal& l) {
  switch (l.type) {
    case Type::kInt: return std::to_string(l.int_value);
    case Type::kNumber: return fmt::format("{:g}", l.number_value);
    case Type::kDuration: return fmt::format("{} day{}", l.int_value, l.int_value == 1 ? "" : "s");
    case Type::kBool: return l.bool_value ? "true" : "false";
    case Type::kString: return l.string_value;
    case Type::kStringList: {
      std::string out = "[";
      for (size_t i = 0; i < l.list_value.size(); ++i) out += (i ? ", " : "") + l.list_value[i];
      return out + "]";
    }
    default: return l.text;
  }
}

std::string range(const std::optional<ast::Literal>& lo, const std::optional<ast::Literal>& hi) {
  if (!lo && !hi) return "";
  return fmt::format("[{}, {}]", lo ? literal(*lo) : "", hi ? literal(*hi) : "");
}

// Adds a field when it has a value (an absent field and an empty one read the same).
void put(Fields& f, std::string name, std::string value) {
  if (!value.empty()) f.emplace_back(std::move(name), std::move(value));
}
std::string flag(bool b) { return b ? "true" : ""; }
template <class T>
std::string text_of(const std::optional<T>& t) {
  if (!t) return "";
  if constexpr (std::is_same_v<T, EmbeddedText>) return t->text;
  else return t->source.text;
}
// An expression as the engine reads it, so that spaces, line breaks and redundant parentheses
// are not a change; its text as written when it did not parse.
std::string expression(const std::optional<Expr>& e, const std::string& written) {
  return e ? expr_text(*e) : written;
}
// A list whose order means nothing (the phases a transition leaves, a rule's phases and flags).
std::string name_set(std::vector<ast::Name> list) {
  std::sort(list.begin(), list.end(), [](const ast::Name& a, const ast::Name& b) { return a.value < b.value; });
  return names(list);
}

Fields fields_of(const ast::Source& s) {
  Fields f;
  put(f, "title", s.title);
  put(f, "url", s.url);
  put(f, "note", s.note);
  put(f, "certainty", s.certainty);
  return f;
}

Fields fields_of(const ast::Instrument& i) {
  Fields f;
  put(f, "label", i.label);
  put(f, "range", fmt::format("[{}, {}]", i.min_score, i.max_score));
  put(f, "items", std::to_string(i.items));
  put(f, "item_range", fmt::format("[{}, {}]", i.item_min, i.item_max));
  put(f, "cites", names(i.cites));
  return f;
}

Fields fields_of(const ast::Parameter& p) {
  Fields f;
  put(f, "type", p.type_name.value);
  put(f, "default", p.default_value ? literal(*p.default_value) : "");
  put(f, "range", range(p.min, p.max));
  put(f, "at_most", p.at_most ? p.at_most->value : "");
  put(f, "unit", p.unit);
  put(f, "description", p.description);
  put(f, "cites", names(p.cites));
  return f;
}

Fields fields_of(const ast::StateVar& s) {
  Fields f;
  put(f, "type", s.type_name.value);
  put(f, "initial", s.initial_text ? expression(s.initial, s.initial_text->text) : "");
  put(f, "description", s.description);
  return f;
}

Fields fields_of(const ast::Fact& x) {
  Fields f;
  put(f, "value", expression(x.value, x.text.text));
  put(f, "description", x.description);
  put(f, "when_unknown", x.when_unknown);
  return f;
}

Fields fields_of(const ast::Phase& p) {
  Fields f;
  put(f, "start", flag(p.start));
  put(f, "terminal", flag(p.terminal));
  put(f, "description", p.description);
  return f;
}

Fields fields_of(const ast::Transition& t) {
  Fields f;
  put(f, "from", name_set(t.from));
  put(f, "on", t.on.value);
  put(f, "to", t.to ? t.to->value : "");
  put(f, "when", t.when_text ? expression(t.when, t.when_text->text) : "");
  std::string set;
  for (const ast::Assignment& a : t.set) set += fmt::format("{}{}: {}", set.empty() ? "" : "; ", a.target.value, expression(a.value, a.text.text));
  put(f, "set", set);
  put(f, "warn", text_of(t.warn));
  put(f, "explain", text_of(t.explain));
  put(f, "description", t.description);
  put(f, "cites", names(t.cites));
  return f;
}

Fields fields_of(const ast::Rule& r) {
  Fields f;
  put(f, "phase", name_set(r.phases));
  put(f, "when", r.when_text ? expression(r.when, r.when_text->text) : "");
  put(f, "action", r.action ? r.action->value : "");
  put(f, "priority", r.priority.value == "routine" ? "" : r.priority.value);  // routine is the default
  if (r.window) put(f, "window", fmt::format("{} to {}", expression(r.window->earliest, r.window->earliest_text.text),
                                             expression(r.window->latest, r.window->latest_text.text)));
  put(f, "flags", name_set(r.flags));
  put(f, "overdue_flag", r.overdue_flag ? r.overdue_flag->value : "");
  put(f, "instruments", names(r.instruments));
  put(f, "checklist", names(r.checklist));
  put(f, "summary", text_of(r.summary));
  put(f, "explain", text_of(r.explain));
  put(f, "description", r.description);
  put(f, "cites", names(r.cites));
  return f;
}

std::string value_of(const Fields& f, const std::string& name) {
  for (const auto& [k, v] : f)
    if (k == name) return v;
  return "";
}

// The fields that differ, in the order the first side lists them, then fields only the second has.
std::vector<FieldChange> compare(const Fields& a, const Fields& b) {
  std::vector<FieldChange> out;
  for (const auto& [k, v] : a)
    if (value_of(b, k) != v) out.push_back({k, v, value_of(b, k)});
  for (const auto& [k, v] : b)
    if (value_of(a, k).empty()) out.push_back({k, "", v});
  return out;
}

std::vector<FieldChange> one_side(const Fields& f, bool before) {
  std::vector<FieldChange> out;
  for (const auto& [k, v] : f) out.push_back(before ? FieldChange{k, v, ""} : FieldChange{k, "", v});
  return out;
}

SourcePos pos_of(const auto& item) { return item.pos; }
const std::string& name_of(const ast::Source& s) { return s.id.value; }
const std::string& name_of(const ast::Transition& t) { return t.id.value; }
const std::string& name_of(const ast::Rule& r) { return r.id.value; }
const std::string& name_of(const auto& item) { return item.name.value; }

template <class T>
const T* find(const std::vector<T>& items, const std::string& name) {
  for (const T& x : items)
    if (name_of(x) == name) return &x;
  return nullptr;
}

template <class T>
void diff_section(std::string_view section, const std::vector<T>& before, const std::vector<T>& after,
                  std::vector<ItemChange>& out) {
  for (const T& x : before) {
    ItemChange c;
    c.section = std::string(section);
    c.name = name_of(x);
    c.before_pos = pos_of(x);
    if (const T* y = find(after, c.name)) {
      c.after_pos = pos_of(*y);
      c.fields = compare(fields_of(x), fields_of(*y));
      if (c.fields.empty()) continue;
    } else {
      c.kind = ItemChange::Kind::kRemoved;
      c.fields = one_side(fields_of(x), true);
    }
    out.push_back(std::move(c));
  }
  for (const T& y : after) {
    if (find(before, name_of(y))) continue;
    ItemChange c;
    c.section = std::string(section);
    c.name = name_of(y);
    c.kind = ItemChange::Kind::kAdded;
    c.after_pos = pos_of(y);
    c.fields = one_side(fields_of(y), false);
    out.push_back(std::move(c));
  }
}

// The first transition that matches is taken, so reading two transitions in the other order is
// a change: for each transition both versions have, the others it is now read after (or before)
// that it was read before (or after).
void diff_transition_order(const ast::Protocol& a, const ast::Protocol& b, std::vector<ItemChange>& out) {
  auto common_order = [](const ast::Protocol& p, const ast::Protocol& other) {
    std::vector<std::string> ids;
    for (const ast::Transition& t : p.transitions)
      if (find(other.transitions, t.id.value)) ids.push_back(t.id.value);
    return ids;
  };
  const std::vector<std::string> in_a = common_order(a, b), in_b = common_order(b, a);
  auto rank = [](const std::vector<std::string>& ids, const std::string& id) { return std::find(ids.begin(), ids.end(), id) - ids.begin(); };
  for (const std::string& id : in_a) {
    std::string before, after;
    for (const std::string& other : in_a) {
      if (other == id) continue;
      const bool was_after = rank(in_a, id) > rank(in_a, other), now_after = rank(in_b, id) > rank(in_b, other);
      if (was_after == now_after) continue;
      before += fmt::format("{}read {} {}", before.empty() ? "" : ", ", was_after ? "after" : "before", other);
      after += fmt::format("{}read {} {}", after.empty() ? "" : ", ", now_after ? "after" : "before", other);
    }
    if (before.empty()) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const ItemChange& c) { return c.section == "transition" && c.name == id; });
    if (it == out.end()) {
      ItemChange c;
      c.section = "transition";
      c.name = id;
      c.before_pos = find(a.transitions, id)->pos;
      c.after_pos = find(b.transitions, id)->pos;
      out.push_back(std::move(c));
      it = out.end() - 1;
    }
    it->fields.push_back({"order", before, after});
  }
  // Back in the first file's order, added ones last.
  std::stable_sort(out.begin(), out.end(), [](const ItemChange& x, const ItemChange& y) {
    const bool xa = x.kind == ItemChange::Kind::kAdded, ya = y.kind == ItemChange::Kind::kAdded;
    if (xa != ya) return ya;
    return !xa && x.before_pos < y.before_pos;
  });
}

}  // namespace

std::string_view to_string(ItemChange::Kind k) {
  switch (k) {
    case ItemChange::Kind::kAdded: return "added";
    case ItemChange::Kind::kRemoved: return "removed";
    case ItemChange::Kind::kChanged: return "changed";
  }
  return "changed";
}

std::vector<ItemChange> structural_diff(const ast::Protocol& a, const ast::Protocol& b) {
  std::vector<ItemChange> out;
  ItemChange identity;
  identity.section = "protocol";
  identity.name = b.id.value;
  identity.before_pos = a.pos;
  identity.after_pos = b.pos;
  auto field = [&](std::string name, const std::string& x, const std::string& y) {
    if (x != y) identity.fields.push_back({std::move(name), x, y});
  };
  field("id", a.id.value, b.id.value);
  field("version", a.version.value, b.version.value);
  field("title", a.title, b.title);
  field("description", a.description, b.description);
  if (!identity.fields.empty()) out.push_back(std::move(identity));

  diff_section("source", a.sources, b.sources, out);
  diff_section("instrument", a.instruments, b.instruments, out);
  diff_section("parameter", a.parameters, b.parameters, out);
  diff_section("state", a.state, b.state, out);
  diff_section("fact", a.facts, b.facts, out);
  diff_section("phase", a.phases, b.phases, out);
  const size_t transitions_end = out.size();
  diff_section("transition", a.transitions, b.transitions, out);
  std::vector<ItemChange> transitions(out.begin() + static_cast<std::ptrdiff_t>(transitions_end), out.end());
  out.resize(transitions_end);
  diff_transition_order(a, b, transitions);
  out.insert(out.end(), transitions.begin(), transitions.end());
  diff_section("rule", a.rules, b.rules, out);
  return out;
}

}  // namespace regimen
