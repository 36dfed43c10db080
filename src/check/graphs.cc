#include "graphs.h"

// Boost.Graph's edge iterators hold a boost::optional that GCC 12's flow analysis reports as
// "maybe uninitialized" at -O2 (a known false positive); it would stop the -Werror build.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/graph/topological_sort.hpp>
#include <fmt/format.h>
#include <sstream>

#include "regimen/check/checker.h"

namespace regimen::check {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;

void collect_names(const Expr& e, std::vector<const Expr*>& out) {
  if (e.kind == Expr::Kind::kName) out.push_back(&e);
  for (const Expr& a : e.args) collect_names(a, out);
}

// Records back edges during a depth-first search: each closes a cycle.
struct CycleRecorder : boost::default_dfs_visitor {
  CycleRecorder(std::vector<Vertex>& parent, std::vector<std::vector<uint32_t>>& cycles)
      : parent_(parent), cycles_(cycles) {}
  void tree_edge(boost::graph_traits<Graph>::edge_descriptor e, const Graph& g) {
    parent_[boost::target(e, g)] = boost::source(e, g);
  }
  void back_edge(boost::graph_traits<Graph>::edge_descriptor e, const Graph& g) {
    const Vertex from = boost::source(e, g), to = boost::target(e, g);
    std::vector<uint32_t> cycle{static_cast<uint32_t>(from)};
    for (Vertex v = from; v != to; v = parent_[v]) cycle.push_back(static_cast<uint32_t>(parent_[v]));
    std::reverse(cycle.begin(), cycle.end());  // to → … → from, and from → to closes it
    cycles_.push_back(std::move(cycle));
  }
  std::vector<Vertex>& parent_;
  std::vector<std::vector<uint32_t>>& cycles_;
};

}  // namespace

std::optional<uint32_t> phase_index(const ast::Protocol& p, const std::string& name) {
  for (uint32_t i = 0; i < p.phases.size(); ++i)
    if (p.phases[i].name.value == name) return i;
  return std::nullopt;
}

std::vector<std::vector<uint32_t>> fact_references(const ast::Protocol& p) {
  std::vector<std::vector<uint32_t>> refs(p.facts.size());
  for (uint32_t i = 0; i < p.facts.size(); ++i) {
    if (!p.facts[i].value) continue;
    std::vector<const Expr*> names;
    collect_names(*p.facts[i].value, names);
    for (const Expr* n : names) {
      // The longest fact name that is the whole name or a prefix of it before a '.'.
      std::optional<uint32_t> best;
      size_t best_len = 0;
      for (uint32_t j = 0; j < p.facts.size(); ++j) {
        const std::string& f = p.facts[j].name.value;
        if ((n->name == f || (n->name.starts_with(f) && n->name[f.size()] == '.')) && f.size() > best_len) {
          best = j;
          best_len = f.size();
        }
      }
      if (best) refs[i].push_back(*best);
    }
    std::sort(refs[i].begin(), refs[i].end());
    refs[i].erase(std::unique(refs[i].begin(), refs[i].end()), refs[i].end());
  }
  return refs;
}

FactOrder order_facts(const std::vector<std::vector<uint32_t>>& references) {
  // Edges point from a fact to the facts it reads, so a reverse topological order of this graph
  // lists dependencies first.
  Graph g(references.size());
  for (uint32_t i = 0; i < references.size(); ++i)
    for (uint32_t j : references[i]) boost::add_edge(i, j, g);

  FactOrder out;
  std::vector<Vertex> parent(references.size());
  for (Vertex v = 0; v < parent.size(); ++v) parent[v] = v;
  CycleRecorder recorder(parent, out.cycles);
  boost::depth_first_search(g, boost::visitor(recorder));

  std::vector<bool> on_cycle(references.size(), false);
  for (const auto& c : out.cycles)
    for (uint32_t v : c) on_cycle[v] = true;
  if (out.cycles.empty()) {
    std::vector<Vertex> sorted;
    boost::topological_sort(g, std::back_inserter(sorted));  // dependencies come out first
    for (Vertex v : sorted) out.order.push_back(static_cast<uint32_t>(v));
  } else {
    // Still give an order for the facts off the cycles, so they can be checked.
    std::vector<bool> done(references.size(), false);
    bool progress = true;
    while (progress) {
      progress = false;
      for (uint32_t i = 0; i < references.size(); ++i) {
        if (done[i] || on_cycle[i]) continue;
        if (std::all_of(references[i].begin(), references[i].end(), [&](uint32_t j) { return done[j]; })) {
          done[i] = true;
          out.order.push_back(i);
          progress = true;
        }
      }
    }
  }
  return out;
}

namespace {

Graph phase_graph(const ast::Protocol& p) {
  Graph g(p.phases.size());
  for (const ast::Transition& t : p.transitions) {
    if (!t.to) continue;
    const auto to = phase_index(p, t.to->value);
    if (!to) continue;
    for (const ast::Name& from : t.from) {
      if (from.value == "any") {
        for (uint32_t i = 0; i < p.phases.size(); ++i) boost::add_edge(i, *to, g);
      } else if (auto f = phase_index(p, from.value)) {
        boost::add_edge(*f, *to, g);
      }
    }
  }
  return g;
}

}  // namespace

std::vector<bool> reachable_phases(const ast::Protocol& p, uint32_t start) {
  const Graph g = phase_graph(p);
  std::vector<boost::default_color_type> color(boost::num_vertices(g), boost::white_color);
  boost::breadth_first_search(g, start,
                              boost::color_map(boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, g))));
  std::vector<bool> out(p.phases.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = color[i] != boost::white_color;
  return out;
}

std::vector<bool> phases_with_exit(const ast::Protocol& p) {
  const Graph g = phase_graph(p);
  std::vector<bool> out(p.phases.size(), false);
  for (auto [it, end] = boost::edges(g); it != end; ++it)
    if (boost::source(*it, g) != boost::target(*it, g)) out[boost::source(*it, g)] = true;
  return out;
}

}  // namespace regimen::check

namespace regimen {

std::string phase_graph_dot(const ast::Protocol& p) {
  struct Node {
    std::string name;
    bool start = false, terminal = false, pseudo = false;
  };
  struct Edge {
    std::string label;
    bool stays = false;  // an update without a change of phase
  };
  using Drawing = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, Node, Edge>;
  Drawing g;
  for (const ast::Phase& ph : p.phases) boost::add_vertex(Node{ph.name.value, ph.start, ph.terminal, false}, g);
  std::optional<size_t> any;  // `from: any` transitions are drawn once, from an "any phase" node
  for (const ast::Transition& t : p.transitions) {
    const std::optional<uint32_t> to = t.to ? check::phase_index(p, t.to->value) : std::nullopt;
    for (const ast::Name& from : t.from) {
      size_t src = 0;
      if (from.value == "any") {
        if (!any) any = boost::add_vertex(Node{"any phase", false, false, true}, g);
        src = *any;
      } else if (auto f = check::phase_index(p, from.value)) {
        src = *f;
      } else {
        continue;
      }
      if (t.to && !to) continue;  // a transition to a missing phase: reported by check
      boost::add_edge(src, to ? *to : src, Edge{t.id.value + "\\n(on " + t.on.value + ")", !t.to}, g);
    }
  }
  auto quote = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\\\"") : std::string(1, c);
    return q + "\"";
  };
  std::ostringstream out;
  boost::write_graphviz(
      out, g,
      [&](std::ostream& o, size_t v) {
        const Node& n = g[v];
        o << "[label=" << quote(n.name);
        if (n.pseudo) o << ", shape=plaintext, fontcolor=gray40";
        if (n.start) o << ", penwidth=2.5";
        if (n.terminal) o << ", peripheries=2";
        o << "]";
      },
      [&](std::ostream& o, const boost::graph_traits<Drawing>::edge_descriptor& e) {
        o << "[label=" << quote(g[e].label) << (g[e].stays ? ", style=dashed" : "") << "]";
      },
      [&](std::ostream& o) {
        o << "label=" << quote(p.id.value + " " + p.version.value) << ";\nrankdir=LR;\n"
          << "node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
          << "edge [fontname=\"Helvetica\", fontsize=10];\n";
      });
  return out.str();
}

}  // namespace regimen
