// The audit log: record -> read -> replay identical; any altered byte is found by verify;
// replay uses the stored protocol text, not the file.

#include <catch2/catch.hpp>
#include <filesystem>
#include <sqlite3.h>
#include <sys/stat.h>

#include "regimen/audit/audit_log.h"
#include "regimen/audit/replay.h"
#include "regimen/common/sha256.h"
#include "regimen/compile/compiler.h"
#include "regimen/evaluate/evaluator.h"
#include "regimen/explain/report.h"
#include "regimen/load/timeline_reader.h"
#include "regimen/timeline/timeline_json.h"

using namespace regimen;
namespace fs = std::filesystem;

namespace {

struct TempDb {
  TempDb() : path((fs::temp_directory_path() / ("regimen-audit-test-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(counter++) + ".db")).string()) {
    fs::remove(path);
  }
  ~TempDb() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix, ec);
  }
  std::string path;
  static inline int counter = 0;
};

// An evaluation of the intake example, as `regimen evaluate --audit` records it.
AuditEntry recorded_evaluation(const SourceFile& protocol_source, const std::string& as_of = "2026-03-09") {
  const Plan plan = *build_plan(protocol_source).value;
  const std::string text = R"({"patient": {"id": "a-1"}, "assessments": [{"date": "2026-03-05", "instrument": "phq9", "score": 18}]})";
  TimelineReadOptions ro;
  ro.instruments = &plan.instruments;
  const Result<Timeline> t = read_timeline(SourceFile("a.json", text), ro);
  EvaluateOptions o;
  o.as_of = parse_date(as_of).value->date;
  const Evaluation e = evaluate(plan, *t.value, o);
  ReportInfo info;
  info.protocol_sha256 = sha256_hex(protocol_source.text());
  AuditEntry entry;
  entry.command = "evaluate";
  entry.as_of = as_of;
  entry.patient_id = t.value->patient_id;
  entry.protocol_id = plan.id;
  entry.protocol_version = plan.version;
  entry.protocol_text = protocol_source.text();
  entry.protocol_sha256 = info.protocol_sha256;
  entry.protocol_file = protocol_source.name();
  entry.engine_version = REGIMEN_VERSION;
  entry.overrides = "{}";
  entry.input = to_canonical_json(*t.value);
  entry.input_sha256 = sha256_hex(entry.input);
  entry.input_text = text;
  entry.input_name = "a.json";
  entry.output = to_json(plan, e, info);
  entry.explanation = explain_text(plan, e, info);
  entry.requested_by = "test";
  return entry;
}

void exec(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  REQUIRE(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(h);
}

}  // namespace

TEST_CASE("a decision is recorded, read back and replayed to the same bytes", "[audit]") {
  TempDb db;
  std::string error;
  auto log = AuditLog::open(db.path, error);
  REQUIRE(log);
  std::vector<AuditEntry> entries{recorded_evaluation(default_protocol_source()), recorded_evaluation(default_protocol_source(), "2026-03-20")};
  REQUIRE(log->append(entries, error));
  CHECK(entries[0].decision_id.size() == 36);
  CHECK(entries[1].prev_hash == entries[0].record_hash);

  const auto back = log->get(entries[1].decision_id, error);
  REQUIRE(back);
  CHECK(back->output == entries[1].output);
  CHECK(back->protocol_text == default_protocol_source().text());
  const ReplayResult r = replay(*back);
  INFO(r.error);
  CHECK(r.identical);
  CHECK(log->verify(error).ok);
  CHECK(log->list(AuditFilter{"a-1", "", ""}, error).size() == 2);
  CHECK(log->list(AuditFilter{"nobody", "", ""}, error).empty());
}

TEST_CASE("the database holds patient data: it is created readable by its owner only", "[audit]") {
  TempDb db;
  std::string error;
  REQUIRE(AuditLog::open(db.path, error));
  struct stat st{};
  REQUIRE(::stat(db.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("one altered byte anywhere in a stored record is caught by verify", "[audit]") {
  for (const char* column : {"output", "input", "as_of", "patient_id", "requested_by", "overrides", "explanation", "record_hash", "prev_hash"}) {
    TempDb db;
    std::string error;
    {
      auto log = AuditLog::open(db.path, error);
      REQUIRE(log);
      std::vector<AuditEntry> entries{recorded_evaluation(default_protocol_source()), recorded_evaluation(default_protocol_source()),
                                      recorded_evaluation(default_protocol_source())};
      REQUIRE(log->append(entries, error));
    }
    // Change the last character of one field of the second record.
    exec(db.path, std::string("UPDATE decisions SET ") + column + " = substr(" + column + ", 1, length(" + column +
                      ") - 1) || CASE WHEN substr(" + column + ", -1) = 'x' THEN 'y' ELSE 'x' END WHERE seq = 2");
    auto log = AuditLog::open(db.path, error);
    const VerifyReport r = log->verify(error);
    INFO(column);
    CHECK_FALSE(r.ok);
    CHECK(r.first_broken.starts_with("record 2 "));
  }
  // And the stored protocol text: shared by every record that uses it.
  TempDb db;
  std::string error;
  {
    auto log = AuditLog::open(db.path, error);
    std::vector<AuditEntry> entries{recorded_evaluation(default_protocol_source())};
    REQUIRE(log->append(entries, error));
  }
  exec(db.path, "UPDATE protocols SET text = text || ' '");
  CHECK_FALSE(AuditLog::open(db.path, error)->verify(error).ok);
}

TEST_CASE("a deleted record breaks the chain at the record after it", "[audit]") {
  TempDb db;
  std::string error;
  {
    auto log = AuditLog::open(db.path, error);
    std::vector<AuditEntry> entries{recorded_evaluation(default_protocol_source()), recorded_evaluation(default_protocol_source()),
                                    recorded_evaluation(default_protocol_source())};
    REQUIRE(log->append(entries, error));
  }
  exec(db.path, "DELETE FROM decisions WHERE seq = 2");
  const VerifyReport r = AuditLog::open(db.path, error)->verify(error);
  CHECK_FALSE(r.ok);
  CHECK(r.first_broken.starts_with("record 3 "));
}

TEST_CASE("replay uses the stored protocol text, whatever the file says now", "[audit]") {
  const std::string path = (fs::temp_directory_path() / "regimen-audit-protocol.yaml").string();
  const SourceFile original(path, default_protocol_source().text());
  AuditEntry e = recorded_evaluation(original);
  // The file is edited afterwards (a different default): the record still replays identically.
  const ReplayResult r = replay(e);
  CHECK(r.identical);
  // A record whose stored output was made by a different protocol does not.
  std::string changed = default_protocol_source().text();
  changed.replace(changed.find("default: 7\n"), 11, "default: 5\n");
  AuditEntry other = recorded_evaluation(SourceFile(path, changed));
  other.protocol_text = original.text();
  const ReplayResult r2 = replay(other);
  CHECK_FALSE(r2.identical);
  CHECK_FALSE(r2.differences.empty());
}
