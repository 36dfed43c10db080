// Recording decisions from the command line: --audit DB (or $REGIMEN_AUDIT_DB) and
// --requested-by on evaluate, explain, whatif, plan and batch.

#include <cstdlib>
#include <fmt/format.h>
#include <iostream>

#include "cli.h"
#include "regimen/audit/replay.h"
#include "regimen/common/sha256.h"
#include "regimen/timeline/timeline_json.h"

namespace regimen::cli {

void add_audit_options(CLI::App* cmd, AuditOptions& o) {
  cmd->add_option("--audit", o.db, "Record the decision in this audit database (SQLite; default: $REGIMEN_AUDIT_DB)")
      ->check(file_name());
  cmd->add_option("--requested-by", o.requested_by, "Who asked, recorded with the decision (e.g. dr-lee)")->check(one_line_text());
}

std::string audit_path(const AuditOptions& o) {
  if (!o.db.empty()) return o.db;
  const char* env = std::getenv("REGIMEN_AUDIT_DB");
  return env ? env : "";
}

AuditEntry audit_entry(std::string_view command, const Inputs& in, Date as_of, const std::string& overrides,
                       std::string output, std::string explanation, const AuditOptions& o) {
  AuditEntry e = audit_entry(command, in.protocol.source, *in.protocol.plan.value, *in.timeline.result.value,
                             in.timeline.source.text(), in.timeline.source.name(), as_of, overrides, std::move(output),
                             std::move(explanation), o);
  e.protocol_text = in.protocol.source.text();
  return e;
}

AuditEntry audit_entry(std::string_view command, const SourceFile& protocol, const Plan& plan, const Timeline& t,
                       std::string_view input_text, std::string_view input_name, Date as_of, const std::string& overrides,
                       std::string output, std::string explanation, const AuditOptions& o) {
  AuditEntry e = audit_fields(command, protocol, plan, t, input_name, as_of, overrides, o);
  e.input = to_canonical_json(t);
  e.input_sha256 = sha256_hex(e.input);
  e.input_text = std::string(input_text);
  e.output = std::move(output);
  e.explanation = std::move(explanation);
  return e;
}

AuditEntry audit_fields(std::string_view command, const SourceFile& protocol, const Plan& plan, const Timeline& t,
                        std::string_view input_name, Date as_of, std::string_view overrides, const AuditOptions& o) {
  AuditEntry e;
  e.command = std::string(command);
  e.as_of = as_of.to_string();
  e.patient_id = t.patient_id;
  e.protocol_id = plan.id;
  e.protocol_version = plan.version;
  // The protocol's text is attached by the caller once per append (it is stored once per hash);
  // its hash is computed once per run.
  e.protocol_sha256 = protocol_hash(protocol);
  e.protocol_file = protocol.name();
  e.engine_version = REGIMEN_VERSION;
  e.overrides = std::string(overrides);
  e.input_name = std::string(input_name);
  e.requested_by = o.requested_by;
  return e;
}

const std::string& protocol_hash(const SourceFile& protocol) {
  // One run records under one protocol: remember its hash rather than hashing its text per record.
  static thread_local const std::string* text = nullptr;
  static thread_local std::string hash;
  if (text != &protocol.text()) {
    hash = sha256_hex(protocol.text());
    text = &protocol.text();
  }
  return hash;
}

int record_decision(const AuditOptions& o, AuditEntry entry, bool json, std::string& out,
                    std::initializer_list<std::string_view> outputs) {
  // An output that cannot be written (no such directory, no permission) would fail after the
  // record was made: the log would hold a decision nobody received. Checked before recording;
  // a failure after this point (a full disk) remains possible, and is rare.
  for (std::string_view path : outputs)
    if (const std::string problem = cannot_write(std::string(path)); !problem.empty())
      return input_error(Diagnostic{Severity::kError, "output.io", std::string(path), {}, 1, "",
                                    problem + "; nothing is recorded or output"},
                         nullptr);
  std::string error;
  auto log = AuditLog::open(audit_path(o), error);
  std::vector<AuditEntry> entries{std::move(entry)};
  if (!log || !log->append(entries, error)) {
    // Like any error of the run: text on stderr, or CONTRACT §6's JSON on stdout with --format json.
    return input_error(Diagnostic{Severity::kError, "audit.io", audit_path(o), {}, 1, "",
                                  "the decision could not be recorded, so nothing is output: " + error},
                       nullptr);
  }
  const std::string& id = entries.front().decision_id;
  out = json ? with_decision_id(out, id) : out + fmt::format("\nDecision {} recorded in {}\n", id, audit_path(o));
  return kSuccess;
}

void append_with_decision_id(std::string& out, std::string_view json, std::string_view id, std::optional<bool> pretty_json) {
  const size_t close = json.rfind('}');
  if (close == std::string_view::npos) {
    out += json;
    return;
  }
  std::string_view head = json.substr(0, close);
  const bool pretty = pretty_json ? *pretty_json : head.find('\n') != std::string_view::npos;
  while (!head.empty() && (head.back() == '\n' || head.back() == ' ')) head.remove_suffix(1);
  out += head;
  out += pretty ? ",\n  \"decision_id\": \"" : ",\"decision_id\":\"";
  out += id;
  out += pretty ? "\"\n}\n" : "\"}\n";
}

std::string with_decision_id(const std::string& json, const std::string& id) {
  std::string out;
  append_with_decision_id(out, json, id);
  return out;
}

}  // namespace regimen::cli
