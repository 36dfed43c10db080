#pragma once
// The audit trail: every recommendation recorded in an SQLite database (WAL), each record
// chained to the one before it by SHA-256, so that an altered byte anywhere is found, and
// replayable months later from the stored protocol text and input.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
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

  /// The large columns compressed, made by AuditLog::prepare() on any thread so that the append,
  /// which is one writer at a time, only writes. Empty: not prepared yet (append prepares).
  struct Packed {
    std::string input, input_text, output, explanation;
    bool ready = false;
  } packed;
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
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  /// Appends records in one transaction, each chained to the one before; fills their seq,
  /// decision id, time and hashes. Safe with other processes writing the same database.
  bool append(std::vector<AuditEntry>& entries, std::string& error);
  /// Compresses an entry's large columns (thread-safe, no database access): call it on worker
  /// threads before append() to take that work off the single writer.
  static void prepare(AuditEntry& entry);

  std::vector<AuditEntry> list(const AuditFilter& filter, std::string& error);
  std::optional<AuditEntry> get(const std::string& decision_id, std::string& error);
  VerifyReport verify(std::string& error);
  /// Every record, oldest first, calling `f` for each (for export).
  bool for_each(const std::function<void(const AuditEntry&)>& f, std::string& error);

  static constexpr int kSchemaVersion = 2;

 private:
  struct Impl;
  explicit AuditLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The hash that chains a record: SHA-256 over every recorded field and the previous hash.
std::string audit_record_hash(const AuditEntry& e);

}  // namespace regimen
