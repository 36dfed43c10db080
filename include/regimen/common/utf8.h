#pragma once
// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing past U+10FFFF. Inputs
// are checked when they are read (JSON and YAML must be UTF-8), and JSON output never carries an
// invalid byte, whatever reached it.

#include <cstddef>
#include <optional>
#include <string_view>

namespace regimen {

/// The length of the well-formed character that starts at `s[i]` (1 to 4), or 0 if none does.
size_t utf8_char_length(std::string_view s, size_t i);

/// The offset of the first byte that does not begin a well-formed character, if any.
std::optional<size_t> first_invalid_utf8(std::string_view s);

}  // namespace regimen
