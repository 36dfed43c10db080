#include "regimen/common/suggest.h"

#include <algorithm>
#include <fmt/format.h>
#include <cctype>
#include <vector>

namespace regimen {

size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: insertions, deletions, substitutions and swaps of neighbours
  // ("wehn" is one edit from "when"). Three rows of the table, not all of it: a swap looks two
  // rows back.
  std::vector<size_t> two_back(b.size() + 1), previous(b.size() + 1), row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      row[j] = std::min({previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) row[j] = std::min(row[j], two_back[j - 2] + 1);
    }
    std::swap(two_back, previous);
    std::swap(previous, row);
  }
  return previous[b.size()];
}

namespace {
bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

std::optional<std::string> closest_match(std::string_view word, std::span<const std::string_view> candidates) {
  std::optional<std::string> best;
  size_t best_distance = std::max<size_t>(1, word.size() / 3) + 1;
  for (std::string_view c : candidates)
    if (c != word && equals_ignoring_case(c, word)) return std::string(c);
  // A word that is the start of exactly one candidate ("schedule" for "schedule_session").
  if (word.size() >= 4) {
    std::optional<std::string> prefixed;
    int matches = 0;
    for (std::string_view c : candidates)
      if (c.size() > word.size() && c.starts_with(word)) prefixed = std::string(c), ++matches;
    if (matches == 1) return prefixed;
  }
  for (std::string_view c : candidates) {
    if (c == word) continue;
    // The distance is at least the difference in length: a candidate that cannot come closer
    // than the best so far is not compared (a 70,000-character name against every declared
    // name took seconds and a gigabyte).
    const size_t length_gap = c.size() > word.size() ? c.size() - word.size() : word.size() - c.size();
    if (length_gap >= best_distance) continue;
    const size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(c);
    }
  }
  return best;
}

std::string join_alternatives(std::span<const std::string_view> items, std::string_view last_sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? last_sep : ", ";
    out += items[i];
  }
  return out;
}

std::string unknown_key_message(std::string_view key, std::span<const std::string_view> known, std::string_view where) {
  std::string message = "unknown key '" + std::string(key) + "' in " + std::string(where);
  if (auto s = closest_match(key, known)) return message + " (did you mean '" + *s + "'?)";
  return message + "; expected one of: " + join_alternatives(known, ", ");
}

KeyProblem check_key(std::string_view key, std::vector<std::string>& seen, std::span<const std::string_view> known,
                     std::string_view where) {
  if (std::find(seen.begin(), seen.end(), key) != seen.end())
    return {true, fmt::format("'{}' appears twice in {}", key, where)};
  seen.emplace_back(key);
  if (!known.empty() && std::find(known.begin(), known.end(), key) == known.end())
    return {false, unknown_key_message(key, known, where)};
  return {};
}

}  // namespace regimen
