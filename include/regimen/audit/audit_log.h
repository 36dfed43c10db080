#pragma once
// The audit trail: every recommendation recorded in an SQLite database (WAL), each record
// chained to the one before it by SHA-256, so that an altered byte anywhere is found, and
// replayable months later from the stored protocol text and input.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace regimen {

/// What is recorded for one decision.
struct AuditEntry {
  std::string decision_id;   ///< a random UUID (v4)
  std::string recorded_at;   ///< UTC, ISO 8601 (the audit's clock; evaluation reads none)
  std::string command;       ///< evaluate | explain | whatif | plan | batch
  std::string as_of;
  std::string patient_id;
  std::string protocol_id, protocol_version, protocol_sha256, protocol_file;
  std::string protocol_text;  ///< stored once per hash: needed on the first record of an append that uses a new protocol
  std::string engine_version;
  std::string overrides;      ///< JSON object of parameter overrides
  std::string input;          ///< the timeline in canonical JSON
  std::string input_sha256;
  std::string input_text;     ///< the timeline as it was given (replay reads exactly this)
  std::string input_name;     ///< the file name it was given under
  std::string output;         ///< the full JSON output, with its trace
  std::string explanation;    ///< the explanation for a person, as it was printed or would be
  std::string requested_by;
  std::string request;        ///< whatif and plan: the question as data (see evaluate/requests.h); else empty
  int64_t seq = 0;
  std::string prev_hash, record_hash;
  std::string damaged;        ///< read back: a stored column that could not be decoded (verify reports it)
  bool file_per_record = false;  ///< schema 2 records keep protocol_file themselves (and hash it)
  /// Schema 3: the large columns (input, input_text, output, explanation) of the records of one
  /// append are stored together in one compressed chunk; the record keeps the chunk's SHA-256
  /// and where in it its own columns start, and its hash covers those instead of the text.
  /// Empty: the record keeps its columns itself (schemas 1 and 2).
  std::string chunk_sha256;
  int64_t chunk_offset = 0;
};

struct AuditFilter {
  std::string patient, protocol;
  std::string since;  ///< recorded on or after this day (YYYY-MM-DD)
};

struct VerifyReport {
  int64_t records = 0;
  bool ok = true;
  std::string first_broken;  ///< "record 17 (decision …): …"
};

class AuditLog {
 public:
  /// Opens (creating with permissions 0600 and migrating as needed) the database at `path`.
  /// On failure returns nothing and sets `error`.
  static std::unique_ptr<AuditLog> open(const std::string& path, std::string& error);
  /// Opens an existing database to read it (verify, list, show, replay, export) without writing
  /// a byte to it: a missing or empty file is an error, not a new database. A database of an
  /// older schema is read through a copy in memory migrated to the current one (said on `note`);
  /// one in a read-only folder is read as immutable when it has no write-ahead log to lose.
  static std::unique_ptr<AuditLog> open_to_read(const std::string& path, std::string& error, std::string& note);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  /// Appends records in one transaction, each chained to the one before; fills their seq,
  /// decision id, time and hashes. Their large columns are compressed together into one chunk
  /// before the transaction starts. Safe with other processes writing the same database.
  bool append(std::vector<AuditEntry>& entries, std::string& error);
  /// The same for records whose large columns are already laid out by add_to_chunk() in
  /// `chunk`, the concatenation of its pieces, each entry's chunk_offset saying where in it its
  /// own start (batch: each worker writes them straight into a buffer of its own, which is not
  /// copied again). The entries' own large columns are not read.
  bool append_chunk(std::vector<AuditEntry>& entries, std::span<const std::string_view> chunk, std::string& error);
  /// Appends one record's large columns to a chunk's text; returns where they start.
  static int64_t add_to_chunk(std::string& chunk, std::string_view input, std::string_view input_text,
                              std::string_view output, std::string_view explanation);
  /// Writes one record's large columns into a chunk's text where they are made, in add_to_chunk's
  /// layout, for a caller that would otherwise make them elsewhere and copy them in (batch writes
  /// the canonical input and the output straight into a worker's buffer). Columns in add_to_chunk's
  /// order: input, input_text, output, explanation. A column written in place has its length
  /// written as ten digits, zero-padded: still its length in decimal, read like any other.
  class RecordWriter {
   public:
    explicit RecordWriter(std::string& chunk) : chunk_(chunk), offset_(static_cast<int64_t>(chunk.size())) {}
    /// Where the record's columns start in the chunk.
    int64_t offset() const { return offset_; }
    /// A column given whole.
    void column(std::string_view text);
    /// Starts a column: append its bytes to the string returned, then call end_column(), which
    /// returns them (valid until the chunk grows).
    std::string& begin_column();
    std::string_view end_column();

   private:
    std::string& chunk_;
    const int64_t offset_;
    size_t open_ = 0;  ///< where the open column's length goes
  };
  /// The output column of the record whose columns start at `offset` (empty if not there).
  static std::string_view output_in_chunk(std::string_view chunk, int64_t offset);
  std::vector<AuditEntry> list(const AuditFilter& filter, std::string& error);
  std::optional<AuditEntry> get(const std::string& decision_id, std::string& error);
  VerifyReport verify(std::string& error);
  /// Every record, oldest first, calling `f` for each (for export).
  bool for_each(const std::function<void(const AuditEntry&)>& f, std::string& error);

  static constexpr int kSchemaVersion = 3;

 private:
  struct Impl;
  explicit AuditLog(std::unique_ptr<Impl> impl);
  /// Brings the schema from `version` to the current one (explicit migrations, in order).
  static bool migrate(Impl& impl, int version, std::string& error);
  std::unique_ptr<Impl> impl_;
};

/// The hash that chains a record: SHA-256 over every recorded field and the previous hash (for a
/// record stored in a chunk, over the chunk's hash and its offset instead of its large columns).
std::string audit_record_hash(const AuditEntry& e);

}  // namespace regimen
