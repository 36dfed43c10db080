#pragma once
// An audited batch records each block's decisions on a thread of its own, so that compressing
// and appending them overlaps the evaluation of the next blocks. A block's results are written
// only after its records are committed, each with its decision id: no result is ever output
// without its record.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "regimen/audit/audit_log.h"
#include "run_error.h"

namespace regimen::cli {

class BatchRecorder {
 public:
  /// One block: its records (without their large columns), those columns as a chunk's text in
  /// pieces (AuditLog::add_to_chunk; the records' offsets count from the first piece), and its
  /// bad lines' messages, in input order.
  struct Block {
    std::vector<AuditEntry> records;
    std::vector<std::string> pieces;
    /// The result lines, one per record in order, in pieces, when they differ from the recorded
    /// outputs (a run without the trace); empty: the results are the recorded outputs.
    std::vector<std::string> results;
    std::string errors;
  };

  /// Records into `log` (the database `log_name`); writes each block's result lines to `out_fd`
  /// unless `write_results` is false (the worklist replaces them). `protocol_text` is stored with
  /// the first record of each append (once per hash in the database).
  BatchRecorder(AuditLog& log, std::string log_name, int out_fd, std::string output_name, bool write_results,
                const std::string& protocol_text);
  ~BatchRecorder();
  BatchRecorder(const BatchRecorder&) = delete;
  BatchRecorder& operator=(const BatchRecorder&) = delete;

  /// An empty block whose pieces' buffers have the capacity of one recorded before (swap them
  /// with the workers' buffers): a run reuses a few blocks' memory rather than allocating and
  /// copying a chunk per block.
  Block spare();
  /// Hands over one block. Waits while a block is already queued, which keeps memory
  /// bounded. False once recording failed.
  bool submit(Block block);
  /// Waits until every block handed over is recorded and written; the first failure, if any.
  RunError finish();

 private:
  void run();
  RunError record(Block& block);

  AuditLog& log_;
  const std::string log_name_;
  const int out_fd_;
  const std::string output_name_;
  const bool write_results_;
  const std::string& protocol_text_;
  std::string results_;  ///< the recorder thread's output buffer

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Block> queue_;
  std::vector<Block> spares_;
  bool closing_ = false;
  RunError failure_;
  std::thread thread_;  // last: started once every member above is made
};

}  // namespace regimen::cli
