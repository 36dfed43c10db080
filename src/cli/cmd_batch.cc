// `regimen batch`: a cohort, one timeline per JSON line in, one result per line out, in input
// order. The input is read in blocks of whole lines; each block is cut into pieces of 8 lines
// that the worker threads claim one at a time, each piece writing its results into its own
// reused buffer, so the output is the pieces' buffers in order. While the workers evaluate block
// k, the main thread writes block k-1's results and reads block k+1, then evaluates pieces of
// block k with them: memory is a few blocks whatever the cohort's size. An audited run hands each
// finished block to a recorder thread instead (batch_recorder.h), which commits its records and
// then writes its results. A bad line is reported with its number and skipped; the run exits 1 at
// the end.

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <spdlog/spdlog.h>
#include <iostream>
#include <map>
#include <memory>
#include <span>
#include <mutex>
#include <sys/stat.h>
#include <thread>
#include <utility>
#include <unistd.h>

#include "batch_recorder.h"
#include "cli.h"
#include "cohort.h"
#include "line_blocks.h"
#include "interrupt_cleanup.h"
#include "progress.h"
#include "regimen/common/sha256.h"
#include "regimen/explain/report.h"
#include "regimen/explain/worklist.h"
#include "regimen/timeline/timeline_json.h"

namespace regimen::cli {
namespace {

struct Options {
  std::string protocol, input = "-", output = "-", as_of, trace = "full", format;
  unsigned threads = 0;
  bool summary = false, worklist = false, no_progress = false;
  AuditOptions audit;
  /// Audited runs: the result lines are not the records' outputs but written apart, without the
  /// trace (the records keep it). A worklist writes no result lines.
  bool results_apart() const { return trace != "full" && !worklist; }
};

// Input bytes per block. Two blocks of input and two of output are in memory at once. An output
// line without the trace is about the size of its input line; with the full trace it can be ten
// times larger, so traced runs read smaller blocks. Either way a run's memory stays near 20 MB
// whatever the cohort's size.
constexpr size_t kBlockBytes = size_t{2} << 20;
constexpr size_t kTracedBlockBytes = size_t{1} << 20;

/// What one worker made of its share of one block.
struct Share {
  std::string results;              ///< result lines, in input order (audited runs: only without the trace)
  std::vector<AuditEntry> records;  ///< audited runs: one per good line, without its large columns,
  std::string columns;              ///< which are here, laid out as in an audit chunk
  std::string errors;               ///< the bad lines' diagnostics, rendered, in input order
  Diagnostics error_list;           ///< the same, kept as values when errors are JSON
  void clear() {
    results.clear();
    records.clear();
    columns.clear();
    errors.clear();
    error_list.clear();
  }
};

/// Counts by index (no strings on the hot path); named when the summary is printed.
struct Tally {
  uint64_t patients = 0, errors = 0;
  std::vector<uint64_t> phases, actions, flags;
  void add(const Tally& o) {
    patients += o.patients;
    errors += o.errors;
    for (size_t i = 0; i < phases.size(); ++i) phases[i] += o.phases[i];
    for (size_t i = 0; i < actions.size(); ++i) actions[i] += o.actions[i];
    for (size_t i = 0; i < flags.size(); ++i) flags[i] += o.flags[i];
  }
};

constexpr size_t kActions = 6;

struct Run {
  const Options& o;
  const LoadedProtocol& protocol;
  const Plan& plan;
  std::optional<Date> fixed_day;
  Date today;
  bool audited = false, color = false;
  /// `--worklist --format json`: the bad lines' errors go into the JSON (CONTRACT §6), not to stderr.
  bool json_errors = false;
  std::string input_name;
  std::string protocol_sha256;

  /// Whether evaluations keep their trace: for the result lines asked for with it, and always
  /// for a recorded decision; a worklist without the audit has no use for it.
  bool traced() const { return audited || (o.trace == "full" && !o.worklist); }
};

/// One worker: its parser, its counts, its worklist entries.
struct Worker {
  explicit Worker(const Run& run) : reader(run.plan.instruments) {
    tally.phases.assign(run.plan.phases.size(), 0);
    tally.actions.assign(kActions, 0);
    tally.flags.assign(run.plan.flag_names.size(), 0);
  }
  JsonTimelineReader reader;
  Tally tally;
  std::vector<WorklistEntry> worklist;
  ReportInfo info;
  Evaluation evaluation;  ///< reused from patient to patient
};

/// Evaluates one good line's timeline and writes its result (or record, or worklist entry).
void evaluate_timeline(const Run& run, Worker& w, Share& share, const Timeline& t, std::string_view line,
                       uint64_t line_number) {
  EvaluateOptions options;
  options.as_of = cohort_day(run.fixed_day, t, run.today);
  options.trace = run.traced();
  evaluate_into(run.plan, t, options, w.evaluation);
  const Evaluation& e = w.evaluation;

  ++w.tally.patients;
  ++w.tally.phases[e.phase];
  // Patients per action: one with two reviews counts once.
  bool seen[kActions] = {};
  for (const Recommendation& r : e.recommendations) {
    const auto a = static_cast<size_t>(r.action);
    if (!std::exchange(seen[a], true)) ++w.tally.actions[a];
  }
  for (const std::string& f : e.flags) {
    const auto it = std::lower_bound(run.plan.flag_names.begin(), run.plan.flag_names.end(), f);
    ++w.tally.flags[static_cast<size_t>(it - run.plan.flag_names.begin())];
  }
  if (run.o.worklist) {
    if (auto entry = worklist_entry(e, line_number)) w.worklist.push_back(std::move(*entry));
    if (!run.audited) return;  // the worklist replaces the result lines
  }
  if (run.audited) {
    // The record's large columns are written straight into the share's chunk text: no copy and
    // no allocation per record for them. A batch record keeps no explanation text: `audit show`
    // renders it by replaying the record.
    AuditEntry& record = share.records.emplace_back(
        audit_fields("batch", run.protocol.source, run.plan, t, run.input_name, options.as_of, "{}", run.o.audit));
    AuditLog::RecordWriter columns(share.columns);
    append_canonical_json(t, columns.begin_column());
    record.input_sha256 = sha256_hex(columns.end_column());
    columns.column(line);
    {
      JsonWriter writer(columns.begin_column(), JsonWriter::Style::kCompact);
      write_json(writer, run.plan, e, w.info);
    }
    share.columns += '\n';  // as to_json() writes it, which replay compares with
    columns.end_column();
    columns.column("");
    record.chunk_offset = columns.offset();
    if (!run.o.results_apart()) return;  // the recorded output is the result line
    // The record keeps the trace; the result line is what was asked for, without it.
    w.info.omit_trace = true;
    JsonWriter untraced(share.results, JsonWriter::Style::kCompact);
    write_json(untraced, run.plan, e, w.info);
    share.results += '\n';
    w.info.omit_trace = false;
    return;
  }
  JsonWriter writer(share.results, JsonWriter::Style::kCompact);
  write_json(writer, run.plan, e, w.info);
  share.results += '\n';
}

void evaluate_line(const Run& run, Worker& w, Share& share, std::string_view line, uint64_t line_number) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;  // blank lines are skipped
  Result<Timeline> t = w.reader.read(line, run.input_name, /*padded=*/true);
  w.info.input_warnings = place_in_cohort(t.diagnostics, line_number);
  if (!t.ok()) {
    ++w.tally.errors;
    for (const Diagnostic& d : w.info.input_warnings) {
      if (d.severity != Severity::kError) continue;
      if (run.json_errors) share.error_list.add(d);
      else share.errors += render_text(d, line, run.color ? Color::kYes : Color::kNo);
    }
    return;
  }
  evaluate_timeline(run, w, share, *t.value, line, line_number);
  w.reader.recycle(std::move(*t.value));  // its memory serves the next line
}

// A block is cut into pieces of this many lines, which the workers claim one at a time: a worker
// that drew short timelines takes more pieces, so none waits long for the others at the end of a
// block. Each piece has its own share of the output, written in piece order.
constexpr size_t kPieceLines = 8;

/// One block in flight: its lines, and the output of each of its pieces.
struct BlockWork {
  LineBlock lines;
  std::vector<Share> shares;  ///< one per piece; reused block after block
  size_t pieces = 0;
  std::atomic<size_t> next_piece{0};
};

/// Evaluates pieces of `work` until none is left.
void evaluate_pieces(const Run& run, Worker& w, BlockWork& work) {
  const size_t n = work.lines.lines.size();
  for (size_t piece = work.next_piece.fetch_add(1); piece < work.pieces; piece = work.next_piece.fetch_add(1)) {
    Share& share = work.shares[piece];
    share.clear();
    for (size_t i = piece * kPieceLines; i < std::min(n, (piece + 1) * kPieceLines); ++i)
      evaluate_line(run, w, share, work.lines.lines[i], work.lines.first_line + i);
  }
}

/// Whether two open file descriptors are the same file (-o /dev/stdout and standard output).
bool same_file(int a, int b) {
  struct stat x {}, y {};
  return ::fstat(a, &x) == 0 && ::fstat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/// The process's peak resident memory in KiB (Linux), for the end-of-run log line; 0 if unknown.
uint64_t peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmHWM:")) return std::strtoull(line.c_str() + 6, nullptr, 10);
  return 0;
}

void print_summary(const Plan& plan, const Tally& t) {
  std::cerr << fmt::format("{} patients evaluated, {} bad lines\n", t.patients, t.errors);
  auto section = [](std::string_view title, const std::map<std::string, uint64_t>& m) {
    std::cerr << title << ":\n";
    for (const auto& [k, v] : m) std::cerr << fmt::format("  {:<24}{:>8}\n", k, v);
  };
  std::map<std::string, uint64_t> phases, actions, flags;
  for (size_t i = 0; i < t.phases.size(); ++i)
    if (t.phases[i]) phases[plan.phases[i].name] = t.phases[i];
  for (size_t i = 0; i < t.actions.size(); ++i)
    if (t.actions[i]) actions[std::string(to_string(static_cast<Action>(i)))] = t.actions[i];
  for (size_t i = 0; i < t.flags.size(); ++i)
    if (t.flags[i]) flags[plan.flag_names[i]] = t.flags[i];
  section("phases", phases);
  section("actions", actions);
  section("flags", flags);
}

int run(const Options& o) {
  const auto started = std::chrono::steady_clock::now();
  const Terminal terminal = detect_terminal();
  std::optional<Date> fixed_day;
  if (!read_as_of_option(o.as_of, "batch", fixed_day)) return kBadUsage;
  if (!standard_input_once("batch", {o.protocol, o.input})) return kBadUsage;
  if (!outputs_not_inputs("batch", {o.output}, {o.protocol, o.input, audit_path(o.audit)})) return kBadUsage;
  if (!o.format.empty() && !o.worklist) {
    return usage_error("batch", "--format applies to --worklist only (results are always JSON Lines)");
  }
  LoadedProtocol protocol = load_protocol_option(o.protocol);
  if (!protocol_compiles(protocol, terminal)) return kBadProtocol;
  const Plan& plan = *protocol.plan.value;
  Run run{o, protocol, plan, fixed_day, {}, !audit_path(o.audit).empty(), terminal.stderr_color, json_errors_requested(), {}, {}};
  std::unique_ptr<AuditLog> audit_log;
  if (run.audited) {
    std::string error;
    audit_log = AuditLog::open(audit_path(o.audit), error);
    if (!audit_log) {
      report_error({"audit.io", audit_path(o.audit), error});
      return kBadInput;
    }
  }
  run.protocol_sha256 = sha256_hex(protocol.source.text());
  run.today = cohort_today();  // the default day, read once for the whole run

  int in_fd = 0;
  uint64_t input_size = 0;
  if (o.input != "-") {
    in_fd = ::open(o.input.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (in_fd < 0 || ::fstat(in_fd, &st) != 0 || S_ISDIR(st.st_mode)) {
      const char* why = in_fd < 0 ? std::strerror(errno) : "it is a directory";
      report_error({"cohort.io", o.input, fmt::format("cannot read {}: {}", o.input, why)});
      if (in_fd >= 0) ::close(in_fd);
      return kBadInput;
    }
    if (S_ISREG(st.st_mode)) input_size = static_cast<uint64_t>(st.st_size);
  }
  run.input_name = input_name(o.input);

  // Results go to a temporary file renamed at the end (or to stdout as they come; a device, pipe or
  // link, e.g. -o /dev/null, is written in place: see write_via_temporary).
  const bool to_file = o.output != "-";
  const bool via_temporary = to_file && write_via_temporary(o.output);
  const std::string temp = via_temporary ? o.output + ".tmp-" + std::to_string(::getpid()) : o.output;
  auto write_error = [&] {
    return RunError{"output.io", o.output, fmt::format("cannot write {}: {}", o.output, std::strerror(errno))};
  };
  int out_fd = 1;
  std::optional<RemoveOnInterrupt> remove_on_interrupt;
  if (via_temporary) remove_on_interrupt.emplace(temp);
  if (to_file) {
    // A file that may not be written (read-only, another user's) is not replaced by renaming.
    if (const std::string problem = cannot_write(o.output); !problem.empty()) {
      report_error({"output.io", o.output, problem});
      return kBadInput;
    }
    out_fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out_fd < 0) {
      report_error(write_error());
      return kBadInput;
    }
  }
  // Whether the results go to standard output, named or not (-o /dev/stdout): the errors of a
  // JSON run then go into the one document, and a failure to write cannot be reported there.
  const bool output_is_stdout = !to_file || same_file(out_fd, STDOUT_FILENO);
  Diagnostics bad_lines;  // the bad lines' errors, in input order, when they are JSON
  bool out_open = to_file;
  // A run that cannot go on leaves no output file. With JSON errors, the bad lines' errors found
  // so far come first in the one {"errors":[…]}; but when standard output itself could not be
  // written, the error goes to stderr.
  auto fail_output = [&](const RunError& e) {
    if (out_open) ::close(out_fd);
    if (via_temporary) std::remove(temp.c_str());
    if (!run.json_errors || (e.code == "output.io" && output_is_stdout)) {
      std::cerr << "regimen: " << e.message << "\n";
    } else {
      bad_lines.add(e.diagnostic());
      std::cout << render_json(bad_lines) << std::flush;
    }
    return e.code == "internal" ? kInternalError : kBadInput;
  };

  const unsigned threads = cohort_threads(o.threads);
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < threads; ++i) {
    workers.push_back(std::make_unique<Worker>(run));
    workers.back()->info.protocol_sha256 = run.protocol_sha256;
  }

  // The block being evaluated, shared with the workers between the two barrier phases.
  BlockWork blocks[2];
  BlockWork* job = nullptr;
  bool stop = false;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&](size_t index) {
    try {
      evaluate_pieces(run, *workers[index], *job);
    } catch (...) {
      const std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  // Workers 1..N-1 are threads; worker 0 is the main thread, which reads and writes the blocks and
  // then evaluates pieces with the others: N threads for N workers, none waiting for a core while
  // the main thread copies bytes.
  std::barrier sync(static_cast<std::ptrdiff_t>(threads));
  std::vector<std::jthread> pool;
  if (threads > 1)
    for (size_t w = 1; w < threads; ++w)
      pool.emplace_back([&, w] {
        for (;;) {
          sync.arrive_and_wait();  // a block is ready (or the run is over)
          if (stop) return;
          work(w);
          sync.arrive_and_wait();  // this block is done
        }
      });
  auto finish_pool = [&] {
    if (pool.empty()) return;
    stop = true;
    sync.arrive_and_wait();
    pool.clear();
  };

  Progress progress(!o.no_progress && isatty(2) == 1, input_size);
  uint64_t bytes_done = 0;
  // An audited run's blocks are recorded, then written, on the recorder's thread.
  std::optional<BatchRecorder> recorder;
  if (run.audited) recorder.emplace(*audit_log, audit_path(o.audit), out_fd, o.output, !o.worklist, protocol.source.text());
  std::vector<std::string_view> pieces;  // one finished block's results, for writev
  // Writes (or hands to the recorder) one finished block's results, in input order.
  auto emit_block = [&](BlockWork& done) -> RunError {
    const std::span<Share> shares(done.shares.data(), done.pieces);
    if (recorder) {
      // The block's records, and their columns as a chunk in pieces: each share's buffer changes
      // places with an empty one the recorder gave back.
      BatchRecorder::Block block = recorder->spare();
      block.pieces.resize(shares.size());
      int64_t base = 0;  // where this share's piece starts in the chunk
      const bool untraced = o.results_apart();
      block.results.resize(untraced ? shares.size() : 0);
      for (size_t i = 0; i < shares.size(); ++i) {
        Share& share = shares[i];
        std::swap(block.pieces[i], share.columns);
        if (untraced) std::swap(block.results[i], share.results);
        for (AuditEntry& r : share.records) {
          r.chunk_offset += base;
          block.records.push_back(std::move(r));
        }
        base += static_cast<int64_t>(block.pieces[i].size());
        if (!share.errors.empty() && block.errors.empty()) block.errors += progress.clear_first();
        block.errors += share.errors;
        bad_lines.append(share.error_list);
      }
      return recorder->submit(std::move(block)) ? RunError{} : recorder->finish();
    }
    // The bad lines' messages first, then the block's results in one system call or few.
    pieces.clear();
    for (Share& share : shares) {
      if (!share.errors.empty()) std::cerr << progress.clear_first() << share.errors;
      bad_lines.append(share.error_list);
      pieces.push_back(share.results);
    }
    if (!write_all(out_fd, pieces)) return write_error();
    return {};
  };

  LineReader reader(in_fd, run.traced() ? kTracedBlockBytes : kBlockBytes);
  // Reads the next block and cuts it into pieces for the workers.
  auto read_block = [&](BlockWork& b) {
    if (!reader.next(b.lines)) return false;
    b.pieces = (b.lines.lines.size() + kPieceLines - 1) / kPieceLines;
    if (b.shares.size() < b.pieces) b.shares.resize(b.pieces);
    b.next_piece = 0;
    return true;
  };
  int parity = 0;
  bool have_block = read_block(blocks[parity]);
  bool pending = false;  // block parity^1 has results not yet written
  RunError problem;
  while (have_block && !failure) {
    job = &blocks[parity];
    // Alone, the main thread evaluates the block first: an audited run's recorder then has the
    // time of a whole block to finish the one before, before emit_block waits for it.
    if (threads == 1) work(0);
    else sync.arrive_and_wait();  // start the workers on this block
    // Meanwhile: write the previous block's results, read the next block into its buffer, then
    // take what pieces of this block are left.
    if (pending) problem = emit_block(blocks[parity ^ 1]);
    bytes_done += blocks[parity].lines.bytes;
    const bool more = !problem && read_block(blocks[parity ^ 1]);
    if (threads > 1) {
      work(0);
      sync.arrive_and_wait();  // the workers are done with this block
    }
    if (problem) break;
    pending = true;
    uint64_t patients = 0;
    for (auto& w : workers) patients += w->tally.patients + w->tally.errors;
    progress.update(patients, bytes_done);
    parity ^= 1;
    have_block = more;
  }
  finish_pool();
  if (in_fd > 0) ::close(in_fd);
  progress.finish();
  if (failure) std::rethrow_exception(failure);
  if (!problem && pending) problem = emit_block(blocks[parity ^ 1]);
  if (recorder) {
    RunError failed = recorder->finish();
    if (!problem) problem = std::move(failed);
  }
  if (!problem && !reader.error().empty())
    problem = RunError{"cohort.io", o.input == "-" ? std::string() : o.input,
                       fmt::format("cannot read {}: {}", run.input_name, reader.error())};
  if (problem) return fail_output(problem);

  Tally total = workers.front()->tally;
  for (size_t i = 1; i < workers.size(); ++i) total.add(workers[i]->tally);
  if (o.worklist) {
    std::vector<WorklistEntry> list;
    for (auto& w : workers) std::move(w->worklist.begin(), w->worklist.end(), std::back_inserter(list));
    sort_worklist(list);
    const WorklistFormat format = o.format == "csv" ? WorklistFormat::kCsv : o.format == "json" ? WorklistFormat::kJson : WorklistFormat::kTable;
    if (!write_all(out_fd, render_worklist(plan, list, fixed_day, format, bad_lines))) return fail_output(write_error());
  }
  if (to_file) {
    out_open = false;
    if (::close(out_fd) != 0) return fail_output(write_error());
    if (via_temporary) {
      keep_permissions(temp, o.output);
      if (std::rename(temp.c_str(), o.output.c_str()) != 0) return fail_output(write_error());
      remove_on_interrupt->release();
    }
  }
  // The worklist went to a file: its errors are in it, and on stdout as CONTRACT §6 has them.
  if (!output_is_stdout && !bad_lines.empty()) std::cout << render_json(bad_lines) << std::flush;
  if (o.summary) print_summary(plan, total);
  // Counts only: no patient data in the logs.
  spdlog::info("batch: {} patients evaluated, {} bad lines, {} threads, {:.2f} s, peak memory {} MiB", total.patients,
               total.errors, threads, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
               peak_rss_kib() / 1024);
  return total.errors > 0 ? kBadInput : kSuccess;
}

}  // namespace

Runner add_batch_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("batch", "Evaluate a cohort: one JSON timeline per line in, one JSON result per line out");
  cmd->add_option("-p,--protocol", o->protocol, "Protocol file (default: the built-in one)")->check(file_name());
  cmd->add_option("-i,--input", o->input, "The cohort, JSON Lines ('-', the default: standard input)")->check(file_name());
  cmd->add_option("-o,--output", o->output, "Results, JSON Lines, in input order ('-', the default: standard output)")->check(file_name());
  cmd->add_option("--as-of", o->as_of, "The day for every patient (default: each line's as_of, else today)")->check(as_of_text());
  cmd->add_option("--threads", o->threads, "Worker threads (default: one per core)")
      ->transform(decimal())
      ->check(CLI::Range(1u, 256u));
  cmd->add_option("--trace", o->trace, "full (default: each line is what evaluate --format json prints, with the facts and the trace that each recommendation's 'because' points at) or none (no facts or trace: about 1.6 times faster; an audited run records the trace either way)")->check(CLI::IsMember({"none", "full"}));
  add_audit_options(cmd, o->audit);
  cmd->add_flag("--summary", o->summary, "At the end, print patients per phase, per action and per flag, and errors, on stderr");
  cmd->add_flag("--worklist", o->worklist,
                "Instead of the results, list the patients who need something by as_of, most urgent first "
                "(safety, overdue, reassess, review, due)");
  cmd->add_option("--format", o->format, "The worklist's format: table (default), csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  cmd->add_flag("--no-progress", o->no_progress, "No progress line on stderr (it is shown only on a terminal anyway)");
  cmd->footer("A bad line is reported with its line number and skipped; the other lines are still evaluated and written,\n"
              "and the run exits 1 at the end. The output does not depend on --threads, nor on how the cohort is split:\n"
              "with a fixed --as-of, the results of its parts put end to end are the results of the whole.");
  return [o] { return run(*o); };
}

}  // namespace regimen::cli
