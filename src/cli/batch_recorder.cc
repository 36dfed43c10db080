#include "batch_recorder.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <iostream>

#include "cli.h"
#include "line_blocks.h"

namespace regimen::cli {
namespace {

constexpr size_t kMaxQueued = 1;

}  // namespace

BatchRecorder::BatchRecorder(AuditLog& log, std::string log_name, int out_fd, std::string output_name, bool write_results,
                             const std::string& protocol_text)
    : log_(log), log_name_(std::move(log_name)), out_fd_(out_fd), output_name_(std::move(output_name)),
      write_results_(write_results), protocol_text_(protocol_text), thread_([this] { run(); }) {}

BatchRecorder::~BatchRecorder() { finish(); }

BatchRecorder::Block BatchRecorder::spare() {
  const std::lock_guard lock(mutex_);
  if (spares_.empty()) return {};
  Block out = std::move(spares_.back());
  spares_.pop_back();
  return out;
}

bool BatchRecorder::submit(Block block) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return queue_.size() < kMaxQueued || failure_; });
  if (failure_) return false;
  queue_.push_back(std::move(block));
  changed_.notify_all();
  return true;
}

RunError BatchRecorder::finish() {
  {
    const std::lock_guard lock(mutex_);
    closing_ = true;
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  return failure_;
}

void BatchRecorder::run() {
  for (;;) {
    Block block;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (queue_.empty()) return;
      block = std::move(queue_.front());
    }
    RunError problem = record(block);
    const std::lock_guard lock(mutex_);
    queue_.pop_front();  // popped only now: the queue's bound counts the block being recorded
    if (problem) {
      failure_ = std::move(problem);
      queue_.clear();
      changed_.notify_all();
      return;
    }
    if (spares_.size() < kMaxQueued) {
      block.records.clear();
      for (std::string& piece : block.pieces) piece.clear();
      for (std::string& piece : block.results) piece.clear();
      block.errors.clear();
      spares_.push_back(std::move(block));
    }
    changed_.notify_all();
  }
}

RunError BatchRecorder::record(Block& block) {
  std::string& results = results_;
  results.clear();
  if (!block.records.empty()) {
    block.records.front().protocol_text = protocol_text_;  // stored once per hash
    std::vector<std::string_view> pieces(block.pieces.begin(), block.pieces.end());
    std::string error;
    if (!log_.append_chunk(block.records, pieces, error))
      return {"audit.io", log_name_, "the decisions could not be recorded, so the run stops: " + error};
    if (write_results_ && !block.results.empty()) {
      size_t piece = 0, at = 0;  // the next result line: at `at` in block.results[piece]
      for (const AuditEntry& e : block.records) {
        while (piece < block.results.size() && at == block.results[piece].size()) ++piece, at = 0;
        const size_t newline = piece < block.results.size() ? block.results[piece].find('\n', at) : std::string::npos;
        if (newline == std::string::npos) return {"internal", "", "internal error: a recorded decision has no result line"};
        const std::string_view line = std::string_view(block.results[piece]).substr(at, newline + 1 - at);
        append_with_decision_id(results, line, e.decision_id, /*pretty=*/false);  // compact JSON: no raw newline inside
        at = newline + 1;
      }
    } else if (write_results_) {
      size_t piece = 0;
      int64_t base = 0;  // where `piece` starts in the chunk
      for (const AuditEntry& e : block.records) {
        while (e.chunk_offset >= base + static_cast<int64_t>(pieces[piece].size())) base += static_cast<int64_t>(pieces[piece++].size());
        append_with_decision_id(results, AuditLog::output_in_chunk(pieces[piece], e.chunk_offset - base), e.decision_id,
                                /*pretty=*/false);
      }
    }
  }
  if (!block.errors.empty()) std::cerr << block.errors;
  if (!write_all(out_fd_, results))
    return {"output.io", output_name_, fmt::format("cannot write {}: {}", output_name_, std::strerror(errno))};
  return {};
}

}  // namespace regimen::cli
