// The audit log on SQLite. One writer at a time appends (BEGIN IMMEDIATE), so the hash chain
// stays whole when several processes record into one database; WAL keeps readers unblocked and a
// killed process loses only its uncommitted transaction.

#include "regimen/audit/audit_log.h"

#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <random>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "regimen/common/sha256.h"

namespace regimen {
namespace {

// Large columns are stored zstd-compressed (level 1: fast; with its checksum, so that one altered
// byte fails to expand). Small ones stay text: compression would not pay.
constexpr size_t kCompressFrom = 256;

std::string compress(std::string_view text) {
  struct Context {
    Context() : ctx(ZSTD_createCCtx()) {
      ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, 1);
      ZSTD_CCtx_setParameter(ctx, ZSTD_c_checksumFlag, 1);
    }
    ~Context() { ZSTD_freeCCtx(ctx); }
    ZSTD_CCtx* ctx;
  };
  thread_local Context context;  // a reused compression context per thread: no state shared
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const size_t n = ZSTD_compress2(context.ctx, out.data(), out.size(), text.data(), text.size());
  if (ZSTD_isError(n)) return {};
  out.resize(n);
  return out;
}

std::optional<std::string> decompress(std::string_view blob) {
  const unsigned long long size = ZSTD_getFrameContentSize(blob.data(), blob.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (size_t{1} << 30)) return std::nullopt;
  std::string out(static_cast<size_t>(size), '\0');
  const size_t n = ZSTD_decompress(out.data(), out.size(), blob.data(), blob.size());
  if (ZSTD_isError(n) || n != size) return std::nullopt;
  return out;
}

std::string packed_or_empty(const std::string& text) {
  if (text.size() < kCompressFrom) return {};
  std::string blob = compress(text);
  return blob.size() < text.size() ? blob : std::string();
}

constexpr const char* kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

// Explicit migrations: migration[i] brings the schema from version i to i + 1.
constexpr const char* kMigrations[] = {
    R"sql(
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE protocols (
      sha256 TEXT PRIMARY KEY,
      id TEXT NOT NULL, version TEXT NOT NULL, file TEXT NOT NULL,
      text TEXT NOT NULL);
    CREATE TABLE decisions (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      decision_id TEXT NOT NULL UNIQUE,
      recorded_at TEXT NOT NULL,
      command TEXT NOT NULL,
      as_of TEXT NOT NULL,
      patient_id TEXT NOT NULL,
      protocol_sha256 TEXT NOT NULL REFERENCES protocols(sha256),
      protocol_id TEXT NOT NULL, protocol_version TEXT NOT NULL,
      engine_version TEXT NOT NULL,
      overrides TEXT NOT NULL,
      input TEXT NOT NULL, input_sha256 TEXT NOT NULL,
      input_text TEXT NOT NULL, input_name TEXT NOT NULL,
      output TEXT NOT NULL,
      explanation TEXT NOT NULL,
      requested_by TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      record_hash TEXT NOT NULL);
    CREATE INDEX decisions_patient ON decisions(patient_id);
    CREATE INDEX decisions_recorded ON decisions(recorded_at);
    )sql",
    // 1 -> 2: what-if and plan records keep their request; every record keeps the name its
    // protocol was read under (one text can be read under several names, and traces quote the
    // name: schema 1 kept only the first name per text). From this version on, the large
    // columns (input, input_text, output, explanation) may hold zstd-compressed BLOBs; the hashes
    // are over the text, so compression is invisible to the chain.
    R"sql(
    ALTER TABLE decisions ADD COLUMN request TEXT NOT NULL DEFAULT '';
    ALTER TABLE decisions ADD COLUMN protocol_file TEXT NOT NULL DEFAULT '';
    )sql",
};
static_assert(std::size(kMigrations) == AuditLog::kSchemaVersion);

std::string uuid_v4() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^ (static_cast<uint64_t>(::getpid()) << 32) ^
                                   static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  uint64_t a = rng(), b = rng();
  a = (a & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 1
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFFF, b >> 48,
                     b & 0xFFFFFFFFFFFFULL);
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return stmt_ != nullptr; }
  void bind(int i, const std::string& s) { sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT); }
  void bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind_blob(int i, const std::string& s) {
    sqlite3_bind_blob(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  }
  int step() { return sqlite3_step(stmt_); }
  /// A large column: text as stored, or a compressed BLOB expanded. A BLOB that does not expand
  /// (a damaged byte fails zstd's checksum) reads as empty and is named in `damaged`.
  std::string unpacked(int i, std::string_view column, std::string& damaged) const {
    if (sqlite3_column_type(stmt_, i) != SQLITE_BLOB) return text(i);
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, i));
    std::optional<std::string> out = decompress(std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i))));
    if (!out) {
      if (damaged.empty()) damaged = fmt::format("its stored {} cannot be decompressed", column);
      return {};
    }
    return *out;
  }
  std::string text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
  }
  int64_t integer(int i) const { return sqlite3_column_int64(stmt_, i); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kSelect =
    "SELECT d.seq, d.decision_id, d.recorded_at, d.command, d.as_of, d.patient_id, d.protocol_id, d.protocol_version,"
    " d.protocol_sha256, CASE WHEN d.protocol_file <> '' THEN d.protocol_file ELSE p.file END, p.text, d.engine_version, d.overrides, d.input, d.input_sha256, d.input_text,"
    " d.input_name, d.output, d.explanation, d.requested_by, d.prev_hash, d.record_hash, d.request,"
    " d.protocol_file <> ''"
    " FROM decisions d LEFT JOIN protocols p ON p.sha256 = d.protocol_sha256";

AuditEntry read_row(const Statement& s) {
  AuditEntry e;
  e.seq = s.integer(0);
  e.decision_id = s.text(1);
  e.recorded_at = s.text(2);
  e.command = s.text(3);
  e.as_of = s.text(4);
  e.patient_id = s.text(5);
  e.protocol_id = s.text(6);
  e.protocol_version = s.text(7);
  e.protocol_sha256 = s.text(8);
  e.protocol_file = s.text(9);
  e.protocol_text = s.text(10);
  e.engine_version = s.text(11);
  e.overrides = s.text(12);
  e.input = s.unpacked(13, "input", e.damaged);
  e.input_sha256 = s.text(14);
  e.input_text = s.unpacked(15, "input_text", e.damaged);
  e.input_name = s.text(16);
  e.output = s.unpacked(17, "output", e.damaged);
  e.explanation = s.unpacked(18, "explanation", e.damaged);
  e.requested_by = s.text(19);
  e.prev_hash = s.text(20);
  e.record_hash = s.text(21);
  e.request = s.text(22);
  e.file_per_record = s.integer(23) != 0;
  return e;
}

}  // namespace

std::string audit_record_hash(const AuditEntry& e) {
  // Every field, each prefixed by its length, so that no two different records hash alike.
  std::string data;
  for (const std::string* f : {&e.decision_id, &e.recorded_at, &e.command, &e.as_of, &e.patient_id, &e.protocol_id,
                               &e.protocol_version, &e.protocol_sha256, &e.engine_version, &e.overrides, &e.input,
                               &e.input_sha256, &e.input_text, &e.input_name, &e.output, &e.explanation, &e.requested_by,
                               &e.prev_hash}) {
    data += std::to_string(f->size());
    data += ':';
    data += *f;
  }
  // Added in schema 2: hashed only when present, so that records made before still verify.
  if (!e.request.empty()) data.append(std::to_string(e.request.size())).append(":").append(e.request);
  if (e.file_per_record) data.append("file:").append(std::to_string(e.protocol_file.size())).append(":").append(e.protocol_file);
  return sha256_hex(data);
}

struct AuditLog::Impl {
  sqlite3* db = nullptr;
  ~Impl() {
    if (db) sqlite3_close(db);
  }
  bool exec(const char* sql, std::string& error) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
    error = message ? message : "SQLite error";
    sqlite3_free(message);
    return false;
  }
};

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditLog::~AuditLog() = default;

std::unique_ptr<AuditLog> AuditLog::open(const std::string& path, std::string& error) {
  // Create the file with 0600 first: it holds patient data (SQLite gives its -wal and -shm files
  // the same permissions).
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0600);
  if (fd < 0) {
    error = fmt::format("cannot open the audit database {}: {}", path, std::strerror(errno));
    return nullptr;
  }
  ::close(fd);
  auto impl = std::make_unique<Impl>();
  if (sqlite3_open_v2(path.c_str(), &impl->db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    error = fmt::format("cannot open the audit database {}: {}", path, sqlite3_errmsg(impl->db));
    return nullptr;
  }
  sqlite3_busy_timeout(impl->db, 30000);  // another process may be appending
  if (!impl->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", error)) return nullptr;
  // Migrate, inside one immediate transaction so two processes do not both migrate.
  if (!impl->exec("BEGIN IMMEDIATE", error)) return nullptr;
  int version = 0;
  {
    Statement s(impl->db, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (s.ok() && s.step() == SQLITE_ROW) version = std::stoi(s.text(0));
  }
  if (version > kSchemaVersion) {
    impl->exec("ROLLBACK", error);
    error = fmt::format("the audit database has schema version {}, newer than this regimen knows ({})", version, kSchemaVersion);
    return nullptr;
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    if (!impl->exec(kMigrations[v], error)) {
      std::string ignored;
      impl->exec("ROLLBACK", ignored);
      return nullptr;
    }
  }
  const std::string set_version =
      fmt::format("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', '{}')", kSchemaVersion);
  if (!impl->exec(set_version.c_str(), error) || !impl->exec("COMMIT", error)) return nullptr;
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

bool AuditLog::append(std::vector<AuditEntry>& entries, std::string& error) {
  sqlite3* db = impl_->db;
  if (!impl_->exec("BEGIN IMMEDIATE", error)) return false;
  auto fail = [&](std::string message) {
    std::string ignored;
    impl_->exec("ROLLBACK", ignored);
    error = std::move(message);
    return false;
  };
  std::string prev = kGenesis;
  {
    Statement last(db, "SELECT record_hash FROM decisions ORDER BY seq DESC LIMIT 1");
    if (last.step() == SQLITE_ROW) prev = last.text(0);
  }
  Statement protocol(db, "INSERT OR IGNORE INTO protocols(sha256, id, version, file, text) VALUES (?, ?, ?, ?, ?)");
  Statement insert(db,
                   "INSERT INTO decisions(decision_id, recorded_at, command, as_of, patient_id, protocol_sha256, protocol_id,"
                   " protocol_version, engine_version, overrides, input, input_sha256, input_text, input_name, output,"
                   " explanation, requested_by, prev_hash, record_hash, request, protocol_file)"
                   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!protocol.ok() || !insert.ok()) return fail(sqlite3_errmsg(db));
  std::string last_protocol;
  const std::string now = utc_now();  // one time for the records committed together
  for (AuditEntry& e : entries) {
    if (e.protocol_sha256 != last_protocol && !e.protocol_text.empty()) {  // the protocol text, once per hash
      protocol.bind(1, e.protocol_sha256);
      protocol.bind(2, e.protocol_id);
      protocol.bind(3, e.protocol_version);
      protocol.bind(4, e.protocol_file);
      protocol.bind(5, e.protocol_text);
      if (protocol.step() != SQLITE_DONE) return fail(sqlite3_errmsg(db));
      protocol.reset();
      last_protocol = e.protocol_sha256;
    }
    if (!e.packed.ready) prepare(e);
    e.decision_id = uuid_v4();
    e.recorded_at = now;
    e.prev_hash = prev;
    e.file_per_record = true;
    e.record_hash = audit_record_hash(e);
    const std::string* fields[] = {&e.decision_id, &e.recorded_at, &e.command, &e.as_of, &e.patient_id, &e.protocol_sha256,
                                   &e.protocol_id, &e.protocol_version, &e.engine_version, &e.overrides, &e.input,
                                   &e.input_sha256, &e.input_text, &e.input_name, &e.output, &e.explanation,
                                   &e.requested_by, &e.prev_hash, &e.record_hash, &e.request, &e.protocol_file};
    for (int i = 0; i < 21; ++i) insert.bind(i + 1, *fields[i]);
    // The large columns, compressed where that pays.
    const std::pair<int, const std::string*> packed[] = {
        {11, &e.packed.input}, {13, &e.packed.input_text}, {15, &e.packed.output}, {16, &e.packed.explanation}};
    for (const auto& [column, blob] : packed)
      if (!blob->empty()) insert.bind_blob(column, *blob);
    if (insert.step() != SQLITE_DONE) return fail(sqlite3_errmsg(db));
    insert.reset();
    e.seq = sqlite3_last_insert_rowid(db);
    prev = e.record_hash;
  }
  if (!impl_->exec("COMMIT", error)) return fail(error);
  return true;
}

void AuditLog::prepare(AuditEntry& e) {
  e.packed.input = packed_or_empty(e.input);
  e.packed.input_text = packed_or_empty(e.input_text);
  e.packed.output = packed_or_empty(e.output);
  e.packed.explanation = packed_or_empty(e.explanation);
  e.packed.ready = true;
}

std::vector<AuditEntry> AuditLog::list(const AuditFilter& f, std::string& error) {
  std::string sql = std::string(kSelect) + " WHERE (?1 = '' OR d.patient_id = ?1) AND (?2 = '' OR d.protocol_id = ?2)"
                                           " AND (?3 = '' OR d.recorded_at >= ?3) ORDER BY d.seq";
  Statement s(impl_->db, sql.c_str());
  std::vector<AuditEntry> out;
  if (!s.ok()) {
    error = sqlite3_errmsg(impl_->db);
    return out;
  }
  s.bind(1, f.patient);
  s.bind(2, f.protocol);
  s.bind(3, f.since);
  while (s.step() == SQLITE_ROW) out.push_back(read_row(s));
  return out;
}

std::optional<AuditEntry> AuditLog::get(const std::string& decision_id, std::string& error) {
  const std::string sql = std::string(kSelect) + " WHERE d.decision_id = ?1";
  Statement s(impl_->db, sql.c_str());
  if (!s.ok()) {
    error = sqlite3_errmsg(impl_->db);
    return std::nullopt;
  }
  s.bind(1, decision_id);
  if (s.step() == SQLITE_ROW) return read_row(s);
  error = fmt::format("no decision {} in the audit log", decision_id);
  return std::nullopt;
}

bool AuditLog::for_each(const std::function<void(const AuditEntry&)>& f, std::string& error) {
  const std::string sql = std::string(kSelect) + " ORDER BY d.seq";
  Statement s(impl_->db, sql.c_str());
  if (!s.ok()) {
    error = sqlite3_errmsg(impl_->db);
    return false;
  }
  while (s.step() == SQLITE_ROW) f(read_row(s));
  return true;
}

VerifyReport AuditLog::verify(std::string& error) {
  VerifyReport r;
  std::string prev = kGenesis;
  for_each(
      [&](const AuditEntry& e) {
        ++r.records;
        if (!r.ok) return;
        std::string problem;
        if (!e.damaged.empty()) problem = e.damaged + " (it was altered)";
        else if (e.prev_hash != prev) problem = "its link to the record before it is broken";
        else if (audit_record_hash(e) != e.record_hash) problem = "its content does not match its hash (it was altered)";
        else if (sha256_hex(e.protocol_text) != e.protocol_sha256) problem = "the stored protocol text does not match its hash";
        else if (sha256_hex(e.input) != e.input_sha256) problem = "the stored input does not match its hash";
        if (!problem.empty()) {
          r.ok = false;
          r.first_broken = fmt::format("record {} (decision {}): {}", e.seq, e.decision_id, problem);
        }
        prev = e.record_hash;
      },
      error);
  return r;
}

}  // namespace regimen
