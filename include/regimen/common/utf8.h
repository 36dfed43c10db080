#pragma once
// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing past U+10FFFF. Inputs
// are checked when they are read (JSON and YAML must be UTF-8), and JSON output never carries an
// invalid byte, whatever reached it.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace regimen {

/// The length of the well-formed character that starts at `s[i]` (1 to 4), or 0 if none does.
size_t utf8_char_length(std::string_view s, size_t i);

/// The offset of the first byte that does not begin a well-formed character, if any.
std::optional<size_t> first_invalid_utf8(std::string_view s);

/// Text as a terminal can show it, for output meant for a person (a patient id in a table, a
/// quoted source line): a control character (C0, DEL, C1: an escape sequence would set the window
/// title or clear the screen) or a byte that is not UTF-8 becomes '?', one column as a caret
/// counts it; a stray continuation byte, which counts none, is left out. A tab becomes '?' too (it
/// would break a table's columns), unless `keep_tabs` (a source line, whose caret line repeats
/// its tabs, or a block of text).
std::string printable(std::string_view s, bool keep_tabs = false);

}  // namespace regimen
