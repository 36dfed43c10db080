#pragma once
// SHA-256 of a text, as 64 lowercase hex digits (OpenSSL's libcrypto).

#include <string>
#include <string_view>

namespace regimen {

std::string sha256_hex(std::string_view data);

}  // namespace regimen
