// `regimen diff OLD.yaml NEW.yaml [-i COHORT.jsonl]`: what changed between two versions of a
// protocol, and which patients of a cohort get a different result, and why. The cohort is
// streamed like `batch` (chunks, a thread pool); only counts and a few example ids are kept.

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

#include "cli.h"
#include "cohort.h"
#include "regimen/common/sha256.h"
#include "regimen/explain/diff_report.h"
#include "regimen/load/protocol_loader.h"

namespace regimen::cli {
namespace {

struct Options {
  std::string before, after, input, as_of, format = "text", output = "-";
  size_t examples = 3;
  unsigned threads = 0;
  bool fail_on_change = false;
};

struct LineResult {
  Diagnostics diagnostics;
  std::string errors_text;  ///< for a person: each error with its line and a caret
  bool evaluated = false;
  std::string patient_id;
  std::vector<ChangeKind> kinds;
  std::string text;  ///< the line, kept only when something changed (it may be a group's example)
};

bool same_instruments(const InstrumentCatalog& a, const InstrumentCatalog& b) {
  const auto& x = a.specs();
  const auto& y = b.specs();
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (x[i].name != y[i].name || x[i].min_score != y[i].min_score || x[i].max_score != y[i].max_score ||
        x[i].item_count != y[i].item_count || x[i].item_min != y[i].item_min || x[i].item_max != y[i].item_max)
      return false;
  return true;
}

// One cohort line read for both versions: with the first version's instruments, and also with
// the second's when they differ (a score out of one version's range is a bad line).
struct LineReaders {
  std::unique_ptr<JsonTimelineReader> before, after;
  Result<Timeline> read(std::string_view text, std::string_view name) {
    Result<Timeline> t = before->read(text, name);
    if (!t.ok() || !after) return t;
    Result<Timeline> u = after->read(text, name);
    if (u.ok()) return t;
    Diagnostics marked;
    for (Diagnostic d : u.diagnostics) {
      if (d.severity == Severity::kError) d.message += " (with the instruments the new version declares)";
      marked.add(std::move(d));
    }
    u.diagnostics = std::move(marked);
    return u;
  }
};

int run(const Options& o) {
  if (!standard_input_once("diff", {o.before, o.after, o.input})) return kBadUsage;
  if (!outputs_not_inputs("diff", {o.output}, {o.before, o.after, o.input})) return kBadUsage;
  const Terminal terminal = detect_terminal();
  const bool json = o.format == "json";
  std::optional<Date> fixed_day;
  if (!read_as_of_option(o.as_of, "diff", fixed_day)) return kBadUsage;

  // Both versions must compile, as `regimen check` requires; every error of both is reported.
  LoadedProtocol before = load_protocol_option(o.before);
  LoadedProtocol after = load_protocol_option(o.after);
  if (!before.plan.ok() || !after.plan.ok()) {
    if (json) {
      Diagnostics all = before.plan.diagnostics;
      all.append(after.plan.diagnostics);
      std::cout << render_json(all);
    } else {
      print_diagnostics(before.plan.diagnostics, &before.source, terminal);
      print_diagnostics(after.plan.diagnostics, &after.source, terminal);
    }
    return kBadProtocol;
  }
  const Plan& pa = *before.plan.value;
  const Plan& pb = *after.plan.value;

  DiffReport report;
  report.before = {&pa, sha256_hex(before.source.text())};
  report.after = {&pb, sha256_hex(after.source.text())};
  report.structure = structural_diff(*load_protocol(before.source).value, *load_protocol(after.source).value);
  report.as_of = fixed_day;

  ChangeTally tally(o.examples);
  std::map<std::string, std::string> example_lines;  // group label → its first patient's line (bounded by the groups)
  std::vector<std::unique_ptr<PatientComparison>> compared;
  if (!o.input.empty()) {
    report.has_cohort = true;
    std::ifstream file;
    if (o.input != "-") {
      std::error_code ec;
      const bool directory = std::filesystem::is_directory(o.input, ec);
      if (!directory) file.open(o.input, std::ios::binary);
      if (directory || !file) {
        const std::string why = directory ? "it is a directory" : std::strerror(errno);
        report_error({"cohort.io", o.input, fmt::format("cannot read {}: {}", o.input, why)});
        return kBadInput;
      }
    }
    std::istream& in = o.input == "-" ? std::cin : file;
    report.cohort = input_name(o.input);
    const Date today = cohort_today();
    const unsigned threads = cohort_threads(o.threads);
    const bool two_catalogs = !same_instruments(pa.instruments, pb.instruments);
    std::vector<LineReaders> readers(threads);
    for (LineReaders& r : readers) {
      r.before = std::make_unique<JsonTimelineReader>(pa.instruments);
      if (two_catalogs) r.after = std::make_unique<JsonTimelineReader>(pb.instruments);
    }

    auto work = [&](unsigned worker, const CohortLine& line, LineResult& r) {
      Result<Timeline> t = readers[worker].read(line.text, report.cohort);
      r.diagnostics = place_in_cohort(t.diagnostics, line.number);
      if (!t.ok()) {
        if (!json)
          for (const Diagnostic& d : r.diagnostics)
            if (d.severity == Severity::kError) r.errors_text += render_text(d, line.text, terminal.stderr_color ? Color::kYes : Color::kNo);
        return;
      }
      EvaluateOptions options;
      options.as_of = cohort_day(fixed_day, *t.value, today);
      options.trace = false;  // the example of each group is evaluated again, with its trace
      options.all_events = true;  // differences() matches the two histories by event position
      const Evaluation x = evaluate(pa, *t.value, options);
      const Evaluation y = evaluate(pb, *t.value, options);
      r.evaluated = true;
      r.patient_id = t.value->patient_id;
      r.kinds = change_kinds(differences(pa, x, pb, y));
      if (!r.kinds.empty()) r.text = std::string(line.text);
    };
    auto merge = [&](std::vector<LineResult>& results, size_t first_line_number) {
      for (size_t i = 0; i < results.size(); ++i) {
        LineResult& r = results[i];
        if (!r.evaluated) {
          if (r.diagnostics.has_errors()) {
            ++report.bad_lines;
            std::cerr << r.errors_text;
            if (json)
              for (const Diagnostic& d : r.diagnostics)
                if (d.severity == Severity::kError) report.line_errors.add(d);
          }
          continue;
        }
        tally.add(r.patient_id, first_line_number + i, r.kinds);
        for (const ChangeKind& k : r.kinds)
          if (!example_lines.contains(k.label)) example_lines.emplace(k.label, r.text);
      }
      return true;
    };
    stream_cohort<LineResult>(in, threads, work, merge);

    report.evaluated = tally.evaluated;
    report.changed = tally.changed;
    report.wording_only = tally.wording_only;
    report.in_several = tally.in_several;
    report.groups = tally.groups();
    // The first patient of each group, compared again in full (one comparison per patient).
    std::map<size_t, const PatientComparison*> by_line;
    JsonTimelineReader reader(pa.instruments);
    for (const ChangeGroup& g : report.groups) {
      const PatientComparison* c = nullptr;
      if (o.examples > 0) {
        if (auto it = by_line.find(g.first_line); it != by_line.end()) {
          c = it->second;
        } else {
          Result<Timeline> t = reader.read(example_lines[g.label], report.cohort);
          const Date day = cohort_day(fixed_day, *t.value, today);
          compared.push_back(compare_patient(pa, pb, std::move(*t.value), day));
          c = by_line[g.first_line] = compared.back().get();
        }
      }
      report.examples.push_back(c);
    }
  }

  // A cohort with bad lines is a run that failed: its report is shown (the bad lines are in
  // it), but not written to an output file (CONTRACT §6; only batch -o keeps the good lines).
  const bool to_file = !o.output.empty() && o.output != "-";
  if (report.bad_lines > 0 && to_file) {
    if (json) std::cout << render_json(report.line_errors) << std::flush;
    std::cerr << fmt::format("regimen: {} bad line{} in {}: the report is not written to {} (without -o it is shown)\n",
                             report.bad_lines, report.bad_lines == 1 ? "" : "s", report.cohort, o.output);
    return kBadInput;
  }
  if (const int rc = emit(o.output, json ? diff_json(report) : diff_text(report)); rc != kSuccess) return rc;
  if (report.bad_lines > 0) return kBadInput;
  if (o.fail_on_change && report.changed > 0) {
    std::cerr << fmt::format("regimen: {} patient{} would get a different result (--fail-on-change)\n", report.changed,
                             report.changed == 1 ? "" : "s");
    return kBadInput;
  }
  return kSuccess;
}

}  // namespace

Runner add_diff_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "diff", "Compare two versions of a protocol: what changed in the file, and which patients of a cohort get a different result, and why");
  cmd->add_option("old", o->before, "The protocol as it is (YAML)")->check(file_name())->required();
  cmd->add_option("new", o->after, "The protocol as changed (YAML)")->check(file_name())->required();
  cmd->add_option("-i,--input", o->input,
                  "A cohort, JSON Lines, one timeline per line ('-': standard input); without it, only the file's changes")->check(file_name());
  cmd->add_option("--as-of", o->as_of, "The day for every patient (default: each line's as_of, else today)")->check(as_of_text());
  cmd->add_option("--format", o->format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--examples", o->examples, "Patient ids listed per group (default 3; 0: no examples, no explanations)")
      ->transform(decimal())
      ->check(CLI::Range(size_t{0}, size_t{1000}));
  cmd->add_option("--threads", o->threads, "Worker threads (default: one per core)")
      ->transform(decimal())
      ->check(CLI::Range(1u, 256u));
  cmd->add_option("-o,--output", o->output, "Write the report to this file instead of standard output")->check(file_name());
  cmd->add_flag("--fail-on-change", o->fail_on_change, "Exit 1 when any patient's result differs (for a check that a change is a no-op)");
  cmd->footer(
      "Exit codes: 0 the report was made, whether or not any patient changed; 1 a cohort line was bad (it is\n"
      "reported and skipped), or --fail-on-change and some patient changed; 3 a version does not compile.\n"
      "Example:\n"
      "  cp rules/ketamine-depression.yaml /tmp/eight.yaml   # then set series.target_sessions to 8\n"
      "  regimen diff rules/ketamine-depression.yaml /tmp/eight.yaml -i cohort.jsonl");
  return [o] { return run(*o); };
}

}  // namespace regimen::cli
