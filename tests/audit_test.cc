// The audit log: record -> read -> replay identical; any altered byte is found by verify;
// replay uses the stored protocol text, not the file.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sqlite3.h>
#include <sys/stat.h>
#include <thread>

#include "regimen/audit/audit_log.h"
#include "regimen/audit/replay.h"
#include "regimen/common/sha256.h"
#include "regimen/compile/compiler.h"
#include "regimen/evaluate/evaluator.h"
#include "regimen/evaluate/requests.h"
#include "regimen/explain/scenario_report.h"
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

/// Three evaluations appended in one transaction to the database at `path`, which verifies.
void record_three(const std::string& path) {
  std::string error;
  auto log = AuditLog::open(path, error);
  REQUIRE(log);
  std::vector<AuditEntry> entries{recorded_evaluation(default_protocol_source()), recorded_evaluation(default_protocol_source()),
                                  recorded_evaluation(default_protocol_source())};
  REQUIRE(log->append(entries, error));
  REQUIRE(log->verify(error).ok);
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

TEST_CASE("a replay that differs names the engine version that made the decision when it is another", "[audit]") {
  AuditEntry e = recorded_evaluation(default_protocol_source());
  SECTION("made by this version and replayed identically: no note") {
    const ReplayResult r = replay(e);
    CHECK(r.identical);
    CHECK(r.version_note.empty());
  }
  SECTION("made by an older version, whose output differed") {
    e.engine_version = "0.1.0";
    e.output.replace(e.output.find(REGIMEN_VERSION), std::string_view(REGIMEN_VERSION).size(), "0.1.0");
    const ReplayResult r = replay(e);
    CHECK_FALSE(r.identical);
    REQUIRE_FALSE(r.differences.empty());
    CHECK_THAT(r.differences[0], Catch::Contains("0.1.0"));
    CHECK_THAT(r.version_note, Catch::StartsWith("The decision was made by regimen 0.1.0; this is regimen " REGIMEN_VERSION));
  }
  SECTION("made by an older version whose output this one still gives: identical, no note") {
    e.engine_version = "0.1.0";
    CHECK(replay(e).identical);
    CHECK(replay(e).version_note.empty());
  }
  SECTION("an older version's record that no longer replays at all: the note too") {
    e.engine_version = "0.1.0";
    e.protocol_text = "not: [a protocol";
    const ReplayResult r = replay(e);
    CHECK_FALSE(r.error.empty());
    CHECK_THAT(r.version_note, Catch::Contains("regimen 0.1.0"));
  }
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
    record_three(db.path);
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
  record_three(db.path);
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

TEST_CASE("the large columns of one append share a compressed chunk; a flipped byte in it is caught by verify", "[audit]") {
  TempDb db;
  std::string error;
  std::vector<AuditEntry> entries{recorded_evaluation(default_protocol_source()), recorded_evaluation(default_protocol_source()),
                                  recorded_evaluation(default_protocol_source())};
  {
    auto log = AuditLog::open(db.path, error);
    REQUIRE(log->append(entries, error));
    // Read back whole: the chunk is invisible to readers.
    const auto back = log->get(entries[1].decision_id, error);
    REQUIRE(back);
    CHECK(back->output == entries[1].output);
    CHECK(back->input == entries[1].input);
    CHECK(back->input_text == entries[1].input_text);
    CHECK(back->explanation == entries[1].explanation);
    CHECK(back->chunk_offset > 0);
    CHECK(replay(*back).identical);
  }
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.path.c_str(), &h) == SQLITE_OK);
  auto scalar = [&](const char* sql) {
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(h, sql, -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    const std::string v(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    sqlite3_finalize(s);
    return v;
  };
  CHECK(scalar("SELECT count(*) FROM chunks") == "1");
  CHECK(scalar("SELECT count(DISTINCT chunk) FROM decisions") == "1");
  CHECK(scalar("SELECT max(length(output) + length(input) + length(input_text)) FROM decisions") == "0");
  // The chunk is smaller than the three outputs it holds.
  CHECK(std::stoul(scalar("SELECT length(data) FROM chunks")) < 3 * entries[0].output.size());

  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(h, "SELECT data FROM chunks", -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  std::string blob(static_cast<const char*>(sqlite3_column_blob(s, 0)), static_cast<size_t>(sqlite3_column_bytes(s, 0)));
  sqlite3_finalize(s);
  blob[blob.size() / 2] = static_cast<char>(blob[blob.size() / 2] ^ 0x01);
  REQUIRE(sqlite3_prepare_v2(h, "UPDATE chunks SET data = ?", -1, &s, nullptr) == SQLITE_OK);
  sqlite3_bind_blob(s, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  REQUIRE(sqlite3_step(s) == SQLITE_DONE);
  sqlite3_finalize(s);
  sqlite3_close(h);
  const VerifyReport r = AuditLog::open(db.path, error)->verify(error);
  CHECK_FALSE(r.ok);
  CHECK(r.first_broken.starts_with("record 1 "));
  CHECK(r.first_broken.find("chunk") != std::string::npos);
}

TEST_CASE("columns written in place into a chunk read back as the same columns copied in", "[audit]") {
  // batch writes the canonical input and the output straight into its chunk buffer (RecordWriter);
  // append() copies them in (add_to_chunk). Both must read back, verify and replay alike.
  TempDb db;
  std::string error;
  std::vector<AuditEntry> entries{recorded_evaluation(default_protocol_source()), recorded_evaluation(default_protocol_source())};
  std::string chunk = "0:";  // a chunk's text need not start with a record
  int64_t offsets[2] = {0, 0};
  for (size_t i = 0; i < entries.size(); ++i) {
    const AuditEntry& e = entries[i];
    AuditLog::RecordWriter w(chunk);
    w.begin_column() += e.input;
    CHECK(w.end_column() == e.input);
    w.column(e.input_text);
    w.begin_column() += e.output;
    CHECK(w.end_column() == e.output);
    w.column(e.explanation);
    offsets[i] = w.offset();
  }
  CHECK(offsets[0] == 2);
  CHECK(AuditLog::output_in_chunk(chunk, offsets[1]) == entries[1].output);
  std::string copied = "0:";
  for (const AuditEntry& e : entries)
    CHECK(AuditLog::add_to_chunk(copied, e.input, e.input_text, e.output, e.explanation) > 0);
  CHECK(copied.size() < chunk.size());  // the lengths written in place are zero-padded

  const std::vector<AuditEntry> expected = entries;
  for (size_t i = 0; i < entries.size(); ++i) entries[i].chunk_offset = offsets[i];
  auto log = AuditLog::open(db.path, error);
  const std::string_view pieces[] = {std::string_view(chunk).substr(0, 100), std::string_view(chunk).substr(100)};
  REQUIRE(log->append_chunk(entries, pieces, error));
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto back = log->get(entries[i].decision_id, error);
    REQUIRE(back);
    CHECK(back->damaged.empty());
    CHECK(back->input == expected[i].input);
    CHECK(back->input_text == expected[i].input_text);
    CHECK(back->output == expected[i].output);
    CHECK(back->explanation == expected[i].explanation);
    CHECK(replay(*back).identical);
  }
  CHECK(log->verify(error).ok);
}

TEST_CASE("decision ids are version 7 UUIDs: a later append's ids sort after an earlier one's", "[audit]") {
  TempDb db;
  std::string error;
  auto log = AuditLog::open(db.path, error);
  std::vector<AuditEntry> first{recorded_evaluation(default_protocol_source()), recorded_evaluation(default_protocol_source())};
  REQUIRE(log->append(first, error));
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  std::vector<AuditEntry> second{recorded_evaluation(default_protocol_source())};
  REQUIRE(log->append(second, error));
  for (const AuditEntry& e : {first[0], first[1], second[0]}) {
    REQUIRE(e.decision_id.size() == 36);
    CHECK(e.decision_id[14] == '7');                                  // version
    CHECK(std::string("89ab").find(e.decision_id[19]) != std::string::npos);  // variant 1
  }
  CHECK(first[0].decision_id != first[1].decision_id);
  CHECK(first[0].decision_id.substr(0, 13) == first[1].decision_id.substr(0, 13));  // one time per append
  CHECK(first[1].decision_id < second[0].decision_id);
}

TEST_CASE("a record's place in its chunk, and the chunk's hash, are part of what verify checks", "[audit]") {
  struct Tamper {
    const char* sql;
    const char* broken;  ///< the record verify must name first
  };
  for (const Tamper& t : {Tamper{"UPDATE decisions SET chunk_offset = chunk_offset + 1 WHERE seq = 2", "record 2 "},
                          Tamper{"UPDATE decisions SET chunk_offset = (SELECT chunk_offset FROM decisions WHERE seq = 3) WHERE seq = 2", "record 2 "},
                          Tamper{"UPDATE decisions SET chunk = NULL WHERE seq = 2", "record 2 "},
                          Tamper{"UPDATE chunks SET sha256 = replace(sha256, substr(sha256, 1, 1), 'x')", "record 1 "},
                          Tamper{"DELETE FROM chunks", "record 1 "}}) {
    TempDb db;
    std::string error;
    record_three(db.path);
    exec(db.path, std::string("PRAGMA foreign_keys = OFF; ") + t.sql);
    const VerifyReport r = AuditLog::open(db.path, error)->verify(error);
    INFO(t.sql);
    CHECK_FALSE(r.ok);
    CHECK(r.first_broken.starts_with(t.broken));
  }
}

TEST_CASE("what-if and plan decisions are recorded with their request and replay to the same bytes", "[audit]") {
  const SourceFile protocol = default_protocol_source();
  const Plan plan = *build_plan(protocol).value;
  const std::string text = R"({"patient": {"id": "w-1"}, "sessions": [{"date": "2026-04-06"}, {"date": "2026-04-08"}],
    "assessments": [{"date": "2026-04-06", "instrument": "phq9", "score": 20, "items": {"9": 0}}]})";
  const Result<Timeline> t = read_timeline(SourceFile("w.json", text));
  REQUIRE(t.ok());
  const Date as_of = parse_date("2026-04-09").value->date;
  ReportInfo info;
  info.protocol_sha256 = sha256_hex(protocol.text());

  AuditEntry base = recorded_evaluation(protocol);
  base.as_of = "2026-04-09";
  base.patient_id = "w-1";
  base.input = to_canonical_json(*t.value);
  base.input_sha256 = sha256_hex(base.input);
  base.input_text = text;
  base.input_name = "w.json";

  WhatIfRequest ask;
  ask.flags = R"({"alternatives": [{"name": "misses the 10th", "miss_session": ["2026-04-10"],
                  "add_score": [{"date": "2026-04-12", "instrument": "phq9", "score": "9", "items": {"9": "1"}}]}]})";
  const AlternativesRead alternatives = alternatives_of(plan, ask);
  REQUIRE(alternatives.error.empty());
  AuditEntry whatif = base;
  whatif.command = "whatif";
  whatif.request = to_json(ask);
  const WhatIf w = what_if(plan, *t.value, as_of, alternatives.alternatives);
  whatif.output = whatif_json(plan, w, info);
  whatif.explanation = whatif_text(plan, w, info);  // what the clinician read: replayed and compared too

  PlanRequest question{"partial", 60, {"cost.per_session=450"}};
  AuditEntry planned = base;
  planned.command = "plan";
  planned.request = to_json(question);
  const PlanRun projected = run_plan(plan, *t.value, as_of, question);
  planned.output = plan_json(plan, projected.now, projected.projections, info);
  planned.explanation = plan_text(plan, projected.now, projected.projections, info);

  TempDb db;
  std::string error;
  auto log = AuditLog::open(db.path, error);
  std::vector<AuditEntry> entries{whatif, planned};
  REQUIRE(log->append(entries, error));
  for (const AuditEntry& e : entries) {
    const auto back = log->get(e.decision_id, error);
    REQUIRE(back);
    CHECK(back->request == e.request);
    const ReplayResult r = replay(*back);
    INFO(e.command << ": " << r.error);
    CHECK(r.identical);
    CHECK_FALSE(r.explanation.empty());
  }
  CHECK(log->verify(error).ok);
  // The text as printed is compared too: a plan whose cost line was changed replays as different.
  AuditEntry altered = *log->get(entries[1].decision_id, error);
  const size_t cost = altered.explanation.find("= 2");
  REQUIRE(cost != std::string::npos);
  altered.explanation[cost + 2] = '9';
  const ReplayResult r = replay(altered);
  CHECK_FALSE(r.identical);
  REQUIRE_FALSE(r.differences.empty());
  CHECK(r.differences[0].starts_with("explanation, line "));
  // The request is part of the record's hash.
  exec(db.path, "UPDATE decisions SET request = replace(request, '450', '451') WHERE seq = 2");
  CHECK_FALSE(AuditLog::open(db.path, error)->verify(error).ok);
}

TEST_CASE("a schema 1 database is read as it is, migrated to schema 3 when recorded to, and its records still verify and replay", "[audit]") {
  TempDb db;
  // The schema regimen 0.1 created (migration 1), with one record chained from the genesis hash.
  exec(db.path, R"sql(
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE protocols (sha256 TEXT PRIMARY KEY, id TEXT NOT NULL, version TEXT NOT NULL, file TEXT NOT NULL, text TEXT NOT NULL);
    CREATE TABLE decisions (seq INTEGER PRIMARY KEY AUTOINCREMENT, decision_id TEXT NOT NULL UNIQUE, recorded_at TEXT NOT NULL,
      command TEXT NOT NULL, as_of TEXT NOT NULL, patient_id TEXT NOT NULL, protocol_sha256 TEXT NOT NULL REFERENCES protocols(sha256),
      protocol_id TEXT NOT NULL, protocol_version TEXT NOT NULL, engine_version TEXT NOT NULL, overrides TEXT NOT NULL,
      input TEXT NOT NULL, input_sha256 TEXT NOT NULL, input_text TEXT NOT NULL, input_name TEXT NOT NULL, output TEXT NOT NULL,
      explanation TEXT NOT NULL, requested_by TEXT NOT NULL, prev_hash TEXT NOT NULL, record_hash TEXT NOT NULL);
    CREATE INDEX decisions_patient ON decisions(patient_id);
    CREATE INDEX decisions_recorded ON decisions(recorded_at);
    INSERT INTO meta VALUES ('schema_version', '1');
  )sql");
  AuditEntry old = recorded_evaluation(default_protocol_source());
  old.decision_id = "00000000-0000-4000-8000-000000000001";
  old.recorded_at = "2026-01-01T00:00:00.000Z";
  old.prev_hash = std::string(64, '0');
  old.record_hash = audit_record_hash(old);
  {
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(db.path.c_str(), &h) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(h, "INSERT INTO protocols VALUES (?, ?, ?, ?, ?)", -1, &s, nullptr) == SQLITE_OK);
    for (int i = 0; const std::string* v : {&old.protocol_sha256, &old.protocol_id, &old.protocol_version, &old.protocol_file, &old.protocol_text})
      sqlite3_bind_text(s, ++i, v->c_str(), -1, SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(s) == SQLITE_DONE);
    sqlite3_finalize(s);
    REQUIRE(sqlite3_prepare_v2(h, "INSERT INTO decisions(decision_id, recorded_at, command, as_of, patient_id, protocol_sha256,"
                                  " protocol_id, protocol_version, engine_version, overrides, input, input_sha256, input_text,"
                                  " input_name, output, explanation, requested_by, prev_hash, record_hash)"
                                  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &s, nullptr) == SQLITE_OK);
    for (int i = 0; const std::string* v : {&old.decision_id, &old.recorded_at, &old.command, &old.as_of, &old.patient_id,
                                            &old.protocol_sha256, &old.protocol_id, &old.protocol_version, &old.engine_version,
                                            &old.overrides, &old.input, &old.input_sha256, &old.input_text, &old.input_name,
                                            &old.output, &old.explanation, &old.requested_by, &old.prev_hash, &old.record_hash})
      sqlite3_bind_text(s, ++i, v->c_str(), -1, SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(s) == SQLITE_DONE);
    sqlite3_finalize(s);
    sqlite3_close(h);
  }
  std::string error;
  {
    // Reading writes nothing: the old database is read through a copy migrated in memory.
    const auto file_bytes = [&] {
      std::ifstream in(db.path, std::ios::binary);
      return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const std::string before = file_bytes();
    std::string note;
    auto reader = AuditLog::open_to_read(db.path, error, note);
    REQUIRE(reader);
    CHECK_THAT(note, Catch::Contains("schema version 1") && Catch::Contains("the file is left as it is"));
    CHECK(reader->verify(error).ok);
    const auto back = reader->get(old.decision_id, error);
    REQUIRE(back);
    CHECK(replay(*back).identical);
    reader.reset();
    CHECK(file_bytes() == before);
  }
  auto log = AuditLog::open(db.path, error);
  REQUIRE(log);
  CHECK(log->verify(error).ok);
  const auto back = log->get(old.decision_id, error);
  REQUIRE(back);
  CHECK(replay(*back).identical);
  // New records chain on from the old one.
  std::vector<AuditEntry> more{recorded_evaluation(default_protocol_source())};
  REQUIRE(log->append(more, error));
  CHECK(more[0].prev_hash == old.record_hash);
  const VerifyReport r = log->verify(error);
  CHECK(r.ok);
  CHECK(r.records == 2);
}

TEST_CASE("records taken from the end, or all of them, are missing to verify", "[audit]") {
  TempDb db;
  std::string error, note;
  record_three(db.path);
  exec(db.path, "DELETE FROM decisions WHERE seq = 3");
  VerifyReport r = AuditLog::open_to_read(db.path, error, note)->verify(error);
  CHECK_FALSE(r.ok);
  CHECK(r.first_broken == "the records after record 2 are missing (the last one recorded was 3)");
  exec(db.path, "DELETE FROM decisions");
  r = AuditLog::open_to_read(db.path, error, note)->verify(error);
  CHECK_FALSE(r.ok);
  CHECK(r.first_broken == "all 3 records are missing");
}

TEST_CASE("a damaged database file fails verify, even where the records left form a whole chain", "[audit]") {
  TempDb db;
  std::string error, note;
  record_three(db.path);
  exec(db.path, "PRAGMA wal_checkpoint(TRUNCATE)");
  // One byte of the decisions table's root page (its header's first-freeblock field) changed.
  int64_t root = 0;
  {
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(db.path.c_str(), &h) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(h, "SELECT rootpage FROM sqlite_master WHERE name = 'decisions'", -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    root = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
  }
  {
    std::fstream f(db.path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((root - 1) * 4096 + 4);
    f.put('\x7f');
  }
  const auto log = AuditLog::open_to_read(db.path, error, note);
  REQUIRE(log);
  const VerifyReport r = log->verify(error);
  CHECK_FALSE(r.ok);
  CHECK(r.first_broken.starts_with("the database file is damaged"));
}

TEST_CASE("reading a database writes nothing to it, and a missing or empty file is no database", "[audit]") {
  TempDb db;
  std::string error, note;
  CHECK_FALSE(AuditLog::open_to_read(db.path, error, note));
  CHECK(error == "there is no audit database at " + db.path);
  CHECK_FALSE(fs::exists(db.path));  // not created
  { std::ofstream(db.path).flush(); }
  CHECK_FALSE(AuditLog::open_to_read(db.path, error, note));
  CHECK(error == db.path + " is empty: it is not an audit database (was it truncated?)");
  fs::remove(db.path);
  record_three(db.path);
  exec(db.path, "PRAGMA wal_checkpoint(TRUNCATE)");
  const auto before = fs::last_write_time(db.path);
  const auto size = fs::file_size(db.path);
  {
    const auto log = AuditLog::open_to_read(db.path, error, note);
    REQUIRE(log);
    CHECK(log->verify(error).ok);
    CHECK(log->list(AuditFilter{}, error).size() == 3);
  }
  CHECK(fs::last_write_time(db.path) == before);
  CHECK(fs::file_size(db.path) == size);
  CHECK(note.empty());
}
