#pragma once
// "Did you mean …?" suggestions for misspelt names.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace regimen {

/// Edit distance between two byte strings, counting a swap of neighbours as one edit.
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, when it is close enough to be a plausible typo:
/// a case-insensitive match, or within a third of the word's length in edits.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string_view> candidates);

/// Formats candidates for a message: "a, b or c".
std::string join_alternatives(std::span<const std::string_view> items, std::string_view last_sep = " or ");

/// "unknown key 'flag' in 'expect' (did you mean 'flags'?)", or with the keys it may be when
/// none is close: one wording for every YAML document read (protocols, test files, scenarios).
std::string unknown_key_message(std::string_view key, std::span<const std::string_view> known, std::string_view where);

/// What is wrong with the next key of a mapping read in turn: given before (a YAML reader would
/// silently keep only the first), or not among `known` when `known` is not empty. A key given for
/// the first time is added to `seen`. An empty message: nothing is wrong.
struct KeyProblem {
  bool repeated = false;
  std::string message;
};
KeyProblem check_key(std::string_view key, std::vector<std::string>& seen, std::span<const std::string_view> known,
                     std::string_view where);

}  // namespace regimen
