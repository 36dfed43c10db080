// `regimen audit verify|list|show|replay|export`: the decision log, for auditors.

#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "cli.h"
#include "regimen/audit/replay.h"
#include "regimen/common/json_writer.h"
#include "regimen/common/utf8.h"

namespace regimen::cli {
namespace {

struct Options {
  std::string db, patient, since, protocol, id, format = "jsonl";
};

/// The database, opened to read only: an auditor's look changes nothing in it, and a missing or
/// empty file is an error rather than a new, empty, "whole" log.
std::unique_ptr<AuditLog> open_log(const Options& o) {
  const std::string path = audit_path(AuditOptions{o.db, ""});
  std::string error, note;
  auto log = AuditLog::open_to_read(path, error, note);
  if (!note.empty()) std::cerr << "regimen: " << note << "\n";
  if (!log) std::cerr << "regimen: " << error << "\n";
  return log;
}

/// Multi-line text for a terminal: each line as printable() shows it (a record's fields are
/// whatever was recorded; an escape sequence in them must not reach the terminal).
std::string printable_lines(std::string_view text) {
  std::string out;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out += printable(text.substr(start, end - start), /*keep_tabs=*/true);
    if (end < text.size()) out += '\n';
    start = end + 1;
  }
  return out;
}

// The record named on the command line, or nothing (the reason printed).
std::optional<AuditEntry> find_entry(const Options& o) {
  auto log = open_log(o);
  if (!log) return std::nullopt;
  std::string error;
  auto e = log->get(o.id, error);
  if (!e) std::cerr << "regimen: " << error << "\n";
  return e;
}

/// The record as it was recorded: its content matches its own hash. (Its link to the record
/// before it is verify's to check, over the whole chain.)
bool unaltered(const AuditEntry& e) {
  if (e.damaged.empty() && audit_record_hash(e) == e.record_hash) return true;
  std::cerr << fmt::format("regimen: record {} (decision {}) does not match its hash: it was altered after it was recorded{}; "
                           "'regimen audit verify' checks the whole chain\n",
                           e.seq, printable(e.decision_id), e.damaged.empty() ? "" : " (" + e.damaged + ")");
  return false;
}

void entry_json(JsonWriter& w, const AuditEntry& e) {
  w.begin_object();
  w.key("seq").value(e.seq).key("decision_id").value(e.decision_id).key("recorded_at").value(e.recorded_at);
  w.key("command").value(e.command).key("as_of").value(e.as_of).key("patient_id").value(e.patient_id);
  w.key("protocol").begin_object().key("id").value(e.protocol_id).key("version").value(e.protocol_version)
      .key("sha256").value(e.protocol_sha256).key("file").value(e.protocol_file).end_object();
  w.key("engine_version").value(e.engine_version).key("requested_by").value(e.requested_by);
  w.key("overrides").value(e.overrides).key("input").value(e.input).key("input_sha256").value(e.input_sha256);
  // What the record holds besides: the input as it was given (and its name), a what-if's or a
  // plan's question, and the explanation as printed (empty where none was, as in batch).
  w.key("input_text").value(e.input_text).key("input_name").value(e.input_name).key("request").value(e.request);
  w.key("explanation").value(e.explanation);
  w.key("output").value(e.output).key("prev_hash").value(e.prev_hash).key("record_hash").value(e.record_hash);
  w.end_object();
}

}  // namespace

Runner add_audit_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto run = std::make_shared<std::function<int()>>();
  CLI::App* audit = app.add_subcommand("audit", "The decision log: verify, list, show, replay, export");
  audit->require_subcommand(1);
  audit->add_option("--audit", o->db, "The audit database (default: $REGIMEN_AUDIT_DB)")->check(file_name());

  CLI::App* verify = audit->add_subcommand("verify", "Re-check the whole hash chain; name the first broken record");
  verify->callback([o, run] {
    *run = [o] {
      auto log = open_log(*o);
      if (!log) return int(kBadInput);
      std::string error;
      const VerifyReport r = log->verify(error);
      if (!error.empty()) {
        std::cerr << "regimen: " << error << "\n";
        return int(kBadInput);
      }
      if (r.ok) {
        std::cout << fmt::format("ok: {} records, the chain is whole\n", r.records);
        return int(kSuccess);
      }
      std::cout << fmt::format("BROKEN: {}\n", r.first_broken);
      return int(kBadInput);
    };
  });

  CLI::App* list = audit->add_subcommand("list", "List decisions, oldest first");
  list->add_option("--patient", o->patient, "Only this patient");
  list->add_option("--since", o->since, "Only decisions recorded on or after this day (UTC), YYYY-MM-DD or a date-time (its date counts)")
      ->check(as_of_text());
  list->add_option("--protocol", o->protocol, "Only this protocol id");
  list->callback([o, run] {
    *run = [o] {
      // A day, as everywhere a date is taken (CONTRACT §1): a date-time counts as its date.
      std::string since;
      if (!o->since.empty()) {
        const DateParse day = parse_date_or_datetime(o->since);
        if (!day.value) return usage_error("audit list", "--since '" + o->since + "' is not a date: " + day.problem);
        since = day.value->date.to_string();
      }
      auto log = open_log(*o);
      if (!log) return int(kBadInput);
      std::string error;
      const auto entries = log->list(AuditFilter{o->patient, o->protocol, since}, error);
      std::cout << fmt::format("{:<37}{:<25}{:<12}{:<16}{:<30}{:<9}{}\n", "decision", "recorded (UTC)", "as of", "patient",
                               "protocol", "command", "requested by");
      for (const AuditEntry& e : entries)
        std::cout << fmt::format("{:<37}{:<25}{:<12}{:<16}{:<30}{:<9}{}\n", printable(e.decision_id), printable(e.recorded_at),
                                 printable(e.as_of), printable(e.patient_id), printable(e.protocol_id + " " + e.protocol_version),
                                 printable(e.command), printable(e.requested_by));
      return int(error.empty() ? kSuccess : kBadInput);
    };
  });

  CLI::App* show = audit->add_subcommand("show", "The explanation of a decision, as it was recorded");
  show->add_option("id", o->id, "The decision id")->required();
  show->callback([o, run] {
    *run = [o] {
      const auto e = find_entry(*o);
      if (!e) return int(kBadInput);
      const bool as_recorded = unaltered(*e);  // shown all the same, for the investigation, but exit 1
      std::cout << printable_lines(fmt::format(
                       "Decision {} ({}), recorded {} by {} for {}, protocol {} {} (sha256 {})", e->decision_id, e->command,
                       e->recorded_at, e->requested_by.empty() ? "(not given)" : e->requested_by, e->patient_id,
                       e->protocol_id, e->protocol_version, e->protocol_sha256))
                << "\n\n";
      if (!e->explanation.empty()) {
        std::cout << printable_lines(e->explanation);
        return int(as_recorded ? kSuccess : kBadInput);
      }
      // Batch records keep no explanation text: it is rendered by replaying the record, and shown
      // only when the replay gives the recorded output byte for byte.
      const ReplayResult r = replay(*e);
      if (!r.error.empty() || !r.identical) {
        std::cerr << "regimen: this record keeps no explanation text and does not replay identically; see 'regimen audit replay "
                  << e->decision_id << "'\n";
        if (!r.version_note.empty()) std::cerr << "regimen: " << r.version_note << "\n";
        return int(kBadInput);
      }
      std::cout << "(rendered by replaying the record, which gives the recorded output byte for byte)\n\n" << printable_lines(r.explanation);
      return int(as_recorded ? kSuccess : kBadInput);
    };
  });

  CLI::App* replay_cmd = audit->add_subcommand("replay", "Re-run a decision from the stored protocol, parameters and input");
  replay_cmd->add_option("id", o->id, "The decision id")->required();
  replay_cmd->callback([o, run] {
    *run = [o] {
      const auto e = find_entry(*o);
      if (!e || !unaltered(*e)) return int(kBadInput);
      const ReplayResult r = replay(*e);
      if (!r.error.empty()) {
        std::cerr << "regimen: " << r.error << "\n";
        if (!r.version_note.empty()) std::cerr << "regimen: " << r.version_note << "\n";
        return int(kBadInput);
      }
      if (r.identical) {
        std::cout << fmt::format("identical: decision {} replays to the same output, byte for byte\n", e->decision_id);
        return int(kSuccess);
      }
      std::cout << fmt::format("DIFFERENT: decision {} replays to another output:\n", e->decision_id);
      for (const std::string& d : r.differences) std::cout << "  " << d << "\n";
      if (!r.version_note.empty()) std::cout << "  " << r.version_note << "\n";
      return int(kBadInput);
    };
  });

  CLI::App* export_cmd = audit->add_subcommand("export", "Every record, oldest first");
  export_cmd->add_option("--format", o->format, "jsonl (the only one)")->check(CLI::IsMember({"jsonl"}));
  export_cmd->callback([o, run] {
    *run = [o] {
      auto log = open_log(*o);
      if (!log) return int(kBadInput);
      std::string error;
      JsonWriter w;
      const bool ok = log->for_each(
          [&](const AuditEntry& e) {
            w.clear();
            entry_json(w, e);
            std::cout << w.str() << "\n";
          },
          error);
      if (!ok) std::cerr << "regimen: " << error << "\n";
      return int(ok ? kSuccess : kBadInput);
    };
  });
  audit->footer("The database holds patient data: it is created with permissions 0600. See the README on keeping and backing it up.");
  return [run, o] {
    if (!*run) return int(kBadUsage);
    // Every subcommand reads the log: none named is a wrong command line.
    if (audit_path(AuditOptions{o->db, ""}).empty())
      return usage_error("audit", "no audit database: give --audit DB or set REGIMEN_AUDIT_DB");
    return (*run)();
  };
}

}  // namespace regimen::cli
