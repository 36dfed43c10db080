// `regimen batch`: a cohort, one timeline per JSON line in, one result per line out, in input
// order. Lines are read in chunks and evaluated by a pool of threads, so memory does not grow
// with the cohort; a bad line is reported with its number and skipped, and the run exits 1.

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <unistd.h>

#include "cli.h"
#include "cohort.h"
#include "regimen/common/sha256.h"
#include "regimen/explain/report.h"

namespace regimen::cli {
namespace {

struct Options {
  std::string protocol, input = "-", output = "-", as_of, trace = "none";
  unsigned threads = 0;
  bool summary = false;
  AuditOptions audit;
};

struct LineResult {
  std::string json;  // the result line, or empty when the line was bad
  Diagnostics diagnostics;
  std::string phase;
  std::vector<std::string> actions, flags;
  std::optional<AuditEntry> audit;
};

struct Summary {
  size_t patients = 0, errors = 0;
  std::map<std::string, size_t> phases, actions, flags;
};

int run(const Options& o) {
  const Terminal terminal = detect_terminal();
  std::optional<Date> fixed_day;
  if (!o.as_of.empty()) {
    DateParse p = parse_date(o.as_of);
    if (!p.value) {
      std::cerr << "regimen: --as-of '" << o.as_of << "' is not a date: " << p.problem << "\nRun 'regimen batch --help' for usage.\n";
      return kBadUsage;
    }
    fixed_day = p.value->date;
  }
  LoadedProtocol protocol = load_protocol_option(o.protocol);
  if (!protocol.plan.ok()) {
    print_diagnostics(protocol.plan.diagnostics, &protocol.source, terminal);
    return kBadProtocol;
  }
  const Plan& plan = *protocol.plan.value;
  const bool audited = !audit_path(o.audit).empty();
  std::unique_ptr<AuditLog> audit_log;
  if (audited) {
    std::string error;
    audit_log = AuditLog::open(audit_path(o.audit), error);
    if (!audit_log) {
      std::cerr << "regimen: " << error << "\n";
      return kBadInput;
    }
  }
  ReportInfo info;
  info.protocol_sha256 = sha256_hex(protocol.source.text());
  const Date today = cohort_today();  // the default day, read once for the whole run

  std::ifstream file;
  if (o.input != "-") {
    file.open(o.input, std::ios::binary);
    if (!file) {
      std::cerr << "regimen: cannot read " << o.input << "\n";
      return kBadInput;
    }
  }
  std::istream& in = o.input == "-" ? std::cin : file;
  const std::string input_name = o.input == "-" ? "<stdin>" : o.input;

  // Results go to a temporary file renamed at the end (or to stdout as they come).
  const bool to_file = o.output != "-";
  const std::string temp = o.output + ".tmp-" + std::to_string(::getpid());
  std::ofstream out_file;
  if (to_file) {
    out_file.open(temp, std::ios::binary | std::ios::trunc);
    if (!out_file) {
      std::cerr << "regimen: cannot write " << o.output << "\n";
      return kBadInput;
    }
  }
  std::ostream& out = to_file ? static_cast<std::ostream&>(out_file) : std::cout;

  const unsigned threads = cohort_threads(o.threads);
  std::vector<std::unique_ptr<JsonTimelineReader>> readers;
  for (unsigned i = 0; i < threads; ++i) readers.push_back(std::make_unique<JsonTimelineReader>(plan.instruments));

  Summary summary;
  auto work = [&](unsigned worker, const CohortLine& line, LineResult& r) {
    Result<Timeline> t = readers[worker]->read(line.text, input_name);
    r.diagnostics = place_in_cohort(t.diagnostics, line.number);  // positions within the line become positions in the file
    if (!t.ok()) return;
    EvaluateOptions options;
    options.as_of = cohort_day(fixed_day, *t.value, today);
    options.trace = o.trace == "full" || audited;  // a recorded decision keeps its trace
    const Evaluation e = evaluate(plan, *t.value, options);
    ReportInfo line_info = info;
    line_info.input_warnings = r.diagnostics;
    r.json = to_json(plan, e, line_info, JsonWriter::Style::kCompact);
    if (audited)
      // A batch record keeps no explanation text: `audit show` renders it by replaying the record.
      r.audit = audit_entry("batch", protocol.source, plan, *t.value, line.text, input_name, options.as_of, "{}", r.json, "",
                            o.audit);
    r.phase = plan.phases[e.phase].name;
    for (const Recommendation& rec : e.recommendations) r.actions.emplace_back(to_string(rec.action));
    r.flags = e.flags;
  };
  auto merge = [&](std::vector<LineResult>& results, size_t) {
    if (audited) {  // one transaction a chunk: a killed run loses only the chunk in flight
      std::vector<AuditEntry> entries;
      for (LineResult& r : results)
        if (r.audit) entries.push_back(std::move(*r.audit));
      if (!entries.empty()) entries.front().protocol_text = protocol.source.text();  // stored once per hash
      std::string error;
      if (!audit_log->append(entries, error)) {
        std::cerr << "regimen: the decisions could not be recorded, so the run stops: " << error << "\n";
        return false;
      }
      size_t k = 0;
      for (LineResult& r : results)
        if (!r.json.empty()) r.json = with_decision_id(r.json, entries[k++].decision_id);
    }
    for (LineResult& r : results) {
      if (r.json.empty()) {
        if (r.diagnostics.has_errors()) {
          ++summary.errors;
          for (const Diagnostic& d : r.diagnostics)
            if (d.severity == Severity::kError) std::cerr << render_text(d, nullptr, terminal.stderr_color ? Color::kYes : Color::kNo);
        }
        continue;
      }
      out << r.json;
      ++summary.patients;
      ++summary.phases[r.phase];
      for (const std::string& a : r.actions) ++summary.actions[a];
      for (const std::string& f : r.flags) ++summary.flags[f];
    }
    return true;
  };
  if (!stream_cohort<LineResult>(in, threads, work, merge)) return kBadInput;
  out.flush();
  if (to_file) {
    out_file.close();
    if (!out_file || std::rename(temp.c_str(), o.output.c_str()) != 0) {
      std::remove(temp.c_str());
      std::cerr << "regimen: cannot write " << o.output << "\n";
      return kBadInput;
    }
  }
  if (o.summary) {
    std::cerr << fmt::format("{} patients evaluated, {} bad lines\n", summary.patients, summary.errors);
    auto section = [](std::string_view title, const std::map<std::string, size_t>& m) {
      std::cerr << title << ":\n";
      for (const auto& [k, v] : m) std::cerr << fmt::format("  {:<24}{:>8}\n", k, v);
    };
    section("phases", summary.phases);
    section("actions", summary.actions);
    section("flags", summary.flags);
  }
  return summary.errors > 0 ? kBadInput : kSuccess;
}

}  // namespace

Runner add_batch_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("batch", "Evaluate a cohort: one JSON timeline per line in, one JSON result per line out");
  cmd->add_option("-p,--protocol", o->protocol, "Protocol file (default: the built-in one)");
  cmd->add_option("-i,--input", o->input, "The cohort, JSON Lines ('-', the default: standard input)");
  cmd->add_option("-o,--output", o->output, "Results, JSON Lines, in input order ('-', the default: standard output)");
  cmd->add_option("--as-of", o->as_of, "The day for every patient (default: each line's as_of, else today)");
  cmd->add_option("--threads", o->threads, "Worker threads (default: one per core)")->check(CLI::Range(1u, 256u));
  cmd->add_option("--trace", o->trace, "none (default: no facts or trace, fastest) or full")->check(CLI::IsMember({"none", "full"}));
  add_audit_options(cmd, o->audit);
  cmd->add_flag("--summary", o->summary, "At the end, print patients per phase, per action and per flag, and errors, on stderr");
  cmd->footer("A bad line is reported with its line number and skipped; the other lines are still evaluated and written,\n"
              "and the run exits 1 at the end.");
  return [o] { return run(*o); };
}

}  // namespace regimen::cli
