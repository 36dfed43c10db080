// The audit log on SQLite. One writer at a time appends (BEGIN IMMEDIATE), so the hash chain
// stays whole when several processes record into one database; WAL keeps readers unblocked and a
// killed process loses only its uncommitted transaction.

#include "regimen/audit/audit_log.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <random>
#include <span>
#include <sqlite3.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <zstd.h>

#include "regimen/common/sha256.h"

namespace regimen {
namespace {

// The large columns of one append's records are stored together as one zstd frame (level 1:
// fast; with its checksum, so that one altered byte fails to expand). Records of one cohort are
// alike, so a chunk of a few hundred compresses about 15 times, against 3 for one record alone,
// and the single writer hashes the compressed chunk once rather than every record's text.

/// Compresses the concatenation of `pieces` into one frame in `out`, a buffer reused from call
/// to call (a chunk is megabytes: a fresh buffer each time would cost page faults); the frame,
/// or empty on failure.
std::string_view compress(std::span<const std::string_view> pieces, std::unique_ptr<char[]>& out, size_t& capacity) {
  struct Context {
    Context() : ctx(ZSTD_createCCtx()) {
      ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, 1);
      ZSTD_CCtx_setParameter(ctx, ZSTD_c_checksumFlag, 1);
    }
    ~Context() { ZSTD_freeCCtx(ctx); }
    ZSTD_CCtx* ctx;
  };
  thread_local Context context;  // a reused compression context per thread: no state shared
  size_t size = 0;
  for (std::string_view p : pieces) size += p.size();
  const size_t bound = ZSTD_compressBound(size);
  if (capacity < bound) {
    out = std::make_unique_for_overwrite<char[]>(bound);
    capacity = bound;
  }
  ZSTD_CCtx_reset(context.ctx, ZSTD_reset_session_only);
  ZSTD_CCtx_setPledgedSrcSize(context.ctx, size);  // so the frame header records the size
  ZSTD_outBuffer output{out.get(), capacity, 0};
  for (size_t i = 0; i <= pieces.size(); ++i) {
    const bool last = i == pieces.size();
    ZSTD_inBuffer input{last ? nullptr : pieces[i].data(), last ? 0 : pieces[i].size(), 0};
    for (;;) {
      const size_t left = ZSTD_compressStream2(context.ctx, &output, &input, last ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(left)) return {};
      if (last ? left == 0 : input.pos == input.size) break;
    }
  }
  return {out.get(), output.pos};
}

std::optional<std::string> decompress(std::string_view blob) {
  const unsigned long long size = ZSTD_getFrameContentSize(blob.data(), blob.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (size_t{1} << 30)) return std::nullopt;
  std::string out(static_cast<size_t>(size), '\0');
  const size_t n = ZSTD_decompress(out.data(), out.size(), blob.data(), blob.size());
  if (ZSTD_isError(n) || n != size) return std::nullopt;
  return out;
}

// How long a writer waits for another to finish its append before it gives up.
constexpr int kBusyTimeoutMs = 30000;

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
    // 2 -> 3: new records keep their large columns in a chunk shared with the other records of
    // their append (see AuditEntry::chunk_sha256); their own large columns stay empty. Records
    // made before keep theirs, and verify and replay as before.
    R"sql(
    CREATE TABLE chunks (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, data BLOB NOT NULL);
    ALTER TABLE decisions ADD COLUMN chunk INTEGER REFERENCES chunks(id);
    ALTER TABLE decisions ADD COLUMN chunk_offset INTEGER NOT NULL DEFAULT 0;
    )sql",
};
static_assert(std::size(kMigrations) == AuditLog::kSchemaVersion);

// Decision ids are UUIDs of version 7 (RFC 9562): 48 bits of Unix time in milliseconds, then
// random bits. Ids made later sort later, so the index on decision_id grows at its end instead of
// at a random leaf per record: with version 4 ids an append of a few hundred records dirtied a
// few hundred index pages, and recording slowed down as the database grew.
std::string uuid_v7(uint64_t unix_ms) {
  thread_local std::mt19937_64 rng(std::random_device{}() ^ (static_cast<uint64_t>(::getpid()) << 32) ^
                                   static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  const uint64_t a = (unix_ms << 16) | 0x7000 | (rng() & 0x0FFF);                   // time, version 7, rand_a
  const uint64_t b = (rng() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;        // variant 1, rand_b
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFFF, b >> 48,
                     b & 0xFFFFFFFFFFFFULL);
}

std::string utc_now(std::chrono::system_clock::time_point now) {
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
  void bind_blob(int i, std::string_view s) {
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
  bool is_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  sqlite3_stmt* get() const { return stmt_; }
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
    " d.protocol_file <> '', d.chunk, c.sha256, d.chunk_offset"
    " FROM decisions d LEFT JOIN protocols p ON p.sha256 = d.protocol_sha256 LEFT JOIN chunks c ON c.id = d.chunk";

// A chunk holds, for each of its records in turn, the four large columns, each written as its
// length in decimal, a colon, and its bytes.
constexpr size_t kChunkFields = 4;
// The digits of a length written in place (RecordWriter): room for any column (read_fields takes
// up to 12).
constexpr size_t kInPlaceDigits = 10;

void append_field(std::string& chunk, std::string_view field) {
  char digits[20];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, field.size());
  chunk.append(digits, end);
  chunk += ':';
  chunk += field;
}

/// Reads the field at `at` and moves `at` past it; false if it is not there whole.
bool next_field(std::string_view chunk, size_t& at, std::string_view& field) {
  const size_t colon = chunk.find(':', at);
  if (colon == std::string_view::npos || colon == at || colon - at > 12) return false;
  uint64_t length = 0;
  for (size_t k = at; k < colon; ++k) {
    if (chunk[k] < '0' || chunk[k] > '9') return false;
    length = length * 10 + static_cast<uint64_t>(chunk[k] - '0');
  }
  if (length > chunk.size() - colon - 1) return false;
  field = chunk.substr(colon + 1, length);
  at = colon + 1 + length;
  return true;
}

/// Reads the four fields that start at `offset`; false if they are not there whole.
bool read_fields(std::string_view chunk, int64_t offset, std::string* fields[kChunkFields]) {
  if (offset < 0 || static_cast<uint64_t>(offset) > chunk.size()) return false;
  size_t at = static_cast<size_t>(offset);
  for (size_t i = 0; i < kChunkFields; ++i) {
    std::string_view field;
    if (!next_field(chunk, at, field)) return false;
    fields[i]->assign(field);
  }
  return true;
}

/// The last chunk read, expanded and checked: records of one chunk are read one after another.
struct ChunkCache {
  int64_t id = -1;
  std::string text;
  std::string damaged;  ///< why it cannot be read (altered), or empty
};

}  // namespace

std::string audit_record_hash(const AuditEntry& e) {
  // Every field, each prefixed by its length, so that no two different records hash alike. A
  // record in a chunk hashes the chunk's hash and its place in it instead of its large columns:
  // the chunk's hash covers every byte of them (see verify).
  const bool chunked = !e.chunk_sha256.empty();
  const std::string none;
  std::string data;
  for (const std::string* f : {&e.decision_id, &e.recorded_at, &e.command, &e.as_of, &e.patient_id, &e.protocol_id,
                               &e.protocol_version, &e.protocol_sha256, &e.engine_version, &e.overrides,
                               chunked ? &none : &e.input, &e.input_sha256, chunked ? &none : &e.input_text,
                               &e.input_name, chunked ? &none : &e.output, chunked ? &none : &e.explanation,
                               &e.requested_by, &e.prev_hash}) {
    data += std::to_string(f->size());
    data += ':';
    data += *f;
  }
  // Added in schema 2: hashed only when present, so that records made before still verify.
  if (!e.request.empty()) data.append(std::to_string(e.request.size())).append(":").append(e.request);
  if (e.file_per_record) data.append("file:").append(std::to_string(e.protocol_file.size())).append(":").append(e.protocol_file);
  // Added in schema 3.
  if (chunked) data.append("chunk:").append(e.chunk_sha256).append(":").append(std::to_string(e.chunk_offset));
  return sha256_hex(data);
}

struct AuditLog::Impl {
  sqlite3* db = nullptr;
  ChunkCache chunk;
  // Buffers reused by append() from one chunk to the next.
  std::string chunk_text;
  std::unique_ptr<char[]> compressed;
  size_t compressed_capacity = 0;
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
  /// exec(), tried again while another connection holds the lock it needs. Switching a new
  /// database to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at once, without its
  /// busy handler, when another process is switching it or reading it at the same moment (two
  /// batches started together on a new database).
  bool exec_when_free(const char* sql, std::string& error) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    for (auto pause = std::chrono::milliseconds(2);; pause = std::min(pause * 2, std::chrono::milliseconds(100))) {
      if (exec(sql, error)) return true;
      if ((sqlite3_errcode(db) != SQLITE_BUSY && sqlite3_errcode(db) != SQLITE_LOCKED) || std::chrono::steady_clock::now() > deadline)
        return false;
      std::this_thread::sleep_for(pause);
    }
  }
  /// Chunk `id`, expanded; its `damaged` says why not when it was altered.
  const ChunkCache& load_chunk(int64_t id, const std::string& sha256);
  AuditEntry read_row(const Statement& s);
};

const ChunkCache& AuditLog::Impl::load_chunk(int64_t id, const std::string& sha256) {
  if (chunk.id == id) return chunk;
  chunk = ChunkCache{id, {}, {}};
  Statement s(db, "SELECT data FROM chunks WHERE id = ?");
  s.bind(1, id);
  if (!s.ok() || s.step() != SQLITE_ROW) {
    chunk.damaged = fmt::format("its chunk {} is missing", id);
    return chunk;
  }
  const auto* p = static_cast<const char*>(sqlite3_column_blob(s.get(), 0));
  const std::string_view blob(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(s.get(), 0)));
  std::optional<std::string> text;
  if (sha256_hex(blob) != sha256) chunk.damaged = fmt::format("its chunk {} does not match the chunk's hash", id);
  else if (!(text = decompress(blob))) chunk.damaged = fmt::format("its chunk {} cannot be decompressed", id);
  else chunk.text = std::move(*text);
  return chunk;
}

AuditEntry AuditLog::Impl::read_row(const Statement& s) {
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
  if (!s.is_null(24)) {
    e.chunk_sha256 = s.text(25);
    e.chunk_offset = s.integer(26);
    std::string* fields[kChunkFields] = {&e.input, &e.input_text, &e.output, &e.explanation};
    for (const auto& [field, name] : {std::pair{fields[0], "input"}, {fields[1], "input_text"}, {fields[2], "output"},
                                      {fields[3], "explanation"}})
      if (!field->empty() && e.damaged.empty()) e.damaged = fmt::format("its {} is stored twice (in the record and in its chunk)", name);
    const ChunkCache& c = load_chunk(s.integer(24), e.chunk_sha256);
    if (!c.damaged.empty()) {
      if (e.damaged.empty()) e.damaged = c.damaged;
    } else if (!read_fields(c.text, e.chunk_offset, fields) && e.damaged.empty()) {
      e.damaged = fmt::format("its columns are not at offset {} of its chunk", e.chunk_offset);
    }
  }
  return e;
}

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
  sqlite3_busy_timeout(impl->db, kBusyTimeoutMs);  // another process may be appending
  if (!impl->exec_when_free("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", error)) return nullptr;
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
  if (!migrate(*impl, version, error)) {
    std::string ignored;
    impl->exec("ROLLBACK", ignored);
    return nullptr;
  }
  if (!impl->exec("COMMIT", error)) return nullptr;
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

bool AuditLog::migrate(Impl& impl, int version, std::string& error) {
  for (int v = version; v < kSchemaVersion; ++v)
    if (!impl.exec(kMigrations[v], error)) return false;
  const std::string set_version =
      fmt::format("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', '{}')", kSchemaVersion);
  return impl.exec(set_version.c_str(), error);
}

namespace {

/// A file name as an SQLite URI: `file://`, an empty authority, and the absolute path with '%',
/// '?' and '#' escaped (a path given as `//dir/x` would otherwise read as an authority).
std::string file_uri(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  std::string uri = ec ? "file:" : "file://";
  for (const char c : ec ? path : absolute.string()) {
    if (c == '%' || c == '?' || c == '#' || static_cast<unsigned char>(c) < 0x20) uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    else uri += c;
  }
  return uri;
}

/// The size of a file, or -1 when there is none.
int64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

}  // namespace

std::unique_ptr<AuditLog> AuditLog::open_to_read(const std::string& path, std::string& error, std::string& note) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    error = errno == ENOENT ? fmt::format("there is no audit database at {}", path)
                            : fmt::format("cannot open the audit database {}: {}", path, std::strerror(errno));
    return nullptr;
  }
  if (S_ISREG(st.st_mode) && st.st_size == 0) {
    error = fmt::format("{} is empty: it is not an audit database (was it truncated?)", path);
    return nullptr;
  }
  std::unique_ptr<Impl> impl;
  int version = -1;
  // Read-only, and then (below) immutable: a database in WAL mode needs its -shm file to be read,
  // which SQLite cannot create in a read-only folder (a backup on read-only media).
  for (const bool immutable : {false, true}) {
    impl = std::make_unique<Impl>();
    const int flags = SQLITE_OPEN_READONLY | (immutable ? SQLITE_OPEN_URI : 0);
    const std::string name = immutable ? file_uri(path) + "?immutable=1" : path;
    if (sqlite3_open_v2(name.c_str(), &impl->db, flags, nullptr) != SQLITE_OK) {
      error = fmt::format("cannot open the audit database {}: {}", path, sqlite3_errmsg(impl->db));
      return nullptr;
    }
    sqlite3_busy_timeout(impl->db, kBusyTimeoutMs);
    Statement s(impl->db, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (s.ok()) {
      if (s.step() == SQLITE_ROW) version = std::atoi(s.text(0).c_str());
      break;
    }
    const int code = sqlite3_errcode(impl->db) & 0xFF;
    if (!immutable && (code == SQLITE_READONLY || code == SQLITE_CANTOPEN)) {
      // Immutable reading ignores a write-ahead log: only when there is none to ignore.
      if (file_size(path + "-wal") > 0) {
        error = fmt::format("cannot read the audit database {} here: its write-ahead log ({}-wal) needs a writable folder "
                            "to be read; copy it with sqlite3's VACUUM INTO (see the README) and check the copy",
                            path, path);
        return nullptr;
      }
      continue;
    }
    error = fmt::format("{} is not a regimen audit database: {}", path, sqlite3_errmsg(impl->db));
    return nullptr;
  }
  if (version == kSchemaVersion) return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
  if (version > kSchemaVersion) {
    error = fmt::format("the audit database {} has schema version {}, newer than this regimen knows ({})", path, version,
                        kSchemaVersion);
    return nullptr;
  }
  if (version < 1) {
    error = fmt::format("{} is not a regimen audit database (it has no schema version)", path);
    return nullptr;
  }
  // Reading writes nothing, not even a migration: an older database is read through a copy in
  // memory, migrated there. (Recording to it migrates the file itself.)
  auto copy = std::make_unique<Impl>();
  if (sqlite3_open(":memory:", &copy->db) != SQLITE_OK) {
    error = fmt::format("cannot read the audit database {}: {}", path, sqlite3_errmsg(copy->db));
    return nullptr;
  }
  sqlite3_backup* backup = sqlite3_backup_init(copy->db, "main", impl->db, "main");
  const int copied = backup ? sqlite3_backup_step(backup, -1) : sqlite3_errcode(copy->db);
  if (backup) sqlite3_backup_finish(backup);
  if (copied != SQLITE_DONE) {
    error = fmt::format("cannot read the audit database {}: {}", path, sqlite3_errstr(copied));
    return nullptr;
  }
  if (!migrate(*copy, version, error)) {
    error = fmt::format("cannot read the audit database {} (schema version {}): {}", path, version, error);
    return nullptr;
  }
  note = fmt::format("the audit database {} has schema version {}: it is read through a copy migrated to version {} in "
                     "memory; the file is left as it is",
                     path, version, kSchemaVersion);
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(copy)));
}

int64_t AuditLog::add_to_chunk(std::string& chunk, std::string_view input, std::string_view input_text,
                               std::string_view output, std::string_view explanation) {
  const auto offset = static_cast<int64_t>(chunk.size());
  for (std::string_view f : {input, input_text, output, explanation}) append_field(chunk, f);
  return offset;
}

void AuditLog::RecordWriter::column(std::string_view text) { append_field(chunk_, text); }

std::string& AuditLog::RecordWriter::begin_column() {
  open_ = chunk_.size();
  chunk_.append(kInPlaceDigits, '0');
  chunk_ += ':';
  return chunk_;
}

std::string_view AuditLog::RecordWriter::end_column() {
  const size_t start = open_ + kInPlaceDigits + 1;
  size_t length = chunk_.size() - start;
  for (size_t k = kInPlaceDigits; k-- > 0; length /= 10) chunk_[open_ + k] = static_cast<char>('0' + length % 10);
  return std::string_view(chunk_).substr(start);
}

std::string_view AuditLog::output_in_chunk(std::string_view chunk, int64_t offset) {
  if (offset < 0 || static_cast<uint64_t>(offset) > chunk.size()) return {};
  size_t at = static_cast<size_t>(offset);
  std::string_view field;
  for (int i = 0; i < 3; ++i)  // input, input_text, output
    if (!next_field(chunk, at, field)) return {};
  return field;
}

bool AuditLog::append(std::vector<AuditEntry>& entries, std::string& error) {
  std::string& text = impl_->chunk_text;
  size_t size = 0;
  for (const AuditEntry& e : entries) size += e.input.size() + e.input_text.size() + e.output.size() + e.explanation.size() + 48;
  text.clear();
  text.reserve(size);
  for (AuditEntry& e : entries) e.chunk_offset = add_to_chunk(text, e.input, e.input_text, e.output, e.explanation);
  const std::string_view whole = text;
  return append_chunk(entries, std::span(&whole, 1), error);
}

bool AuditLog::append_chunk(std::vector<AuditEntry>& entries, std::span<const std::string_view> pieces, std::string& error) {
  if (entries.empty()) return true;
  // The chunk is compressed before the transaction, so that other writers wait only for the inserts.
  const std::string_view blob = compress(pieces, impl_->compressed, impl_->compressed_capacity);
  if (blob.empty()) {
    error = "the records could not be compressed";
    return false;
  }
  const std::string chunk_sha256 = sha256_hex(blob);

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
  int64_t chunk_id = 0;
  {
    Statement chunk(db, "INSERT INTO chunks(sha256, data) VALUES (?, ?)");
    if (!chunk.ok()) return fail(sqlite3_errmsg(db));
    chunk.bind(1, chunk_sha256);
    chunk.bind_blob(2, blob);
    if (chunk.step() != SQLITE_DONE) return fail(sqlite3_errmsg(db));
    chunk_id = sqlite3_last_insert_rowid(db);
  }
  Statement protocol(db, "INSERT OR IGNORE INTO protocols(sha256, id, version, file, text) VALUES (?, ?, ?, ?, ?)");
  Statement insert(db,
                   "INSERT INTO decisions(decision_id, recorded_at, command, as_of, patient_id, protocol_sha256, protocol_id,"
                   " protocol_version, engine_version, overrides, input, input_sha256, input_text, input_name, output,"
                   " explanation, requested_by, prev_hash, record_hash, request, protocol_file, chunk, chunk_offset)"
                   " VALUES (?,?,?,?,?,?,?,?,?,?,'',?,'',?,'','',?,?,?,?,?,?,?)");
  if (!protocol.ok() || !insert.ok()) return fail(sqlite3_errmsg(db));
  std::string last_protocol;
  const auto clock = std::chrono::system_clock::now();
  const std::string now = utc_now(clock);  // one time for the records committed together
  const auto unix_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(clock.time_since_epoch()).count());
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
    e.decision_id = uuid_v7(unix_ms);
    e.recorded_at = now;
    e.prev_hash = prev;
    e.file_per_record = true;
    e.chunk_sha256 = chunk_sha256;
    e.record_hash = audit_record_hash(e);
    const std::string* fields[] = {&e.decision_id, &e.recorded_at, &e.command, &e.as_of, &e.patient_id,
                                   &e.protocol_sha256, &e.protocol_id, &e.protocol_version, &e.engine_version,
                                   &e.overrides, &e.input_sha256, &e.input_name, &e.requested_by, &e.prev_hash,
                                   &e.record_hash, &e.request, &e.protocol_file};
    int column = 0;
    for (const std::string* f : fields) insert.bind(++column, *f);
    insert.bind(++column, chunk_id);
    insert.bind(++column, e.chunk_offset);
    if (insert.step() != SQLITE_DONE) return fail(sqlite3_errmsg(db));
    insert.reset();
    e.seq = sqlite3_last_insert_rowid(db);
    prev = e.record_hash;
  }
  if (!impl_->exec("COMMIT", error)) return fail(error);
  return true;
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
  while (s.step() == SQLITE_ROW) out.push_back(impl_->read_row(s));
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
  if (s.step() == SQLITE_ROW) return impl_->read_row(s);
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
  while (s.step() == SQLITE_ROW) f(impl_->read_row(s));
  return true;
}

VerifyReport AuditLog::verify(std::string& error) {
  VerifyReport r;
  // The file itself first: a damaged page can hide records from the queries below, which would
  // then find a shorter chain that is whole.
  {
    Statement check(impl_->db, "PRAGMA quick_check");
    std::string problems;
    while (check.ok() && check.step() == SQLITE_ROW) {
      std::string line = check.text(0);
      std::replace(line.begin(), line.end(), '\n', ' ');
      if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
    }
    if (!check.ok() || !problems.empty()) {
      r.ok = false;
      r.first_broken = fmt::format("the database file is damaged (SQLite: {})",
                                   check.ok() ? problems.substr(0, 300) : std::string(sqlite3_errmsg(impl_->db)));
      return r;
    }
  }
  std::string prev = kGenesis;
  int64_t last_seq = 0;
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
        last_seq = e.seq;
      },
      error);
  // Records taken from the end leave every link whole; SQLite's own count of the numbers it gave
  // (AUTOINCREMENT never reuses one) says how many there were.
  if (r.ok && error.empty()) {
    Statement given(impl_->db, "SELECT seq FROM sqlite_sequence WHERE name = 'decisions'");
    if (given.ok() && given.step() == SQLITE_ROW && given.integer(0) > last_seq) {
      r.ok = false;
      r.first_broken = last_seq == 0 ? fmt::format("all {} records are missing", given.integer(0))
                                     : fmt::format("the records after record {} are missing (the last one recorded was {})",
                                                   last_seq, given.integer(0));
    }
  }
  return r;
}

}  // namespace regimen
