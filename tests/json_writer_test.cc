// The JSON writer's strings: what needs an escape gets one, wherever it falls in the string (the
// writer scans 16 bytes at a time), and everything else is copied as it is, UTF-8 included.

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fmt/format.h>
#include <random>
#include <string>

#include "regimen/common/json_writer.h"

using regimen::append_json_string;

namespace {

// The length of the UTF-8 character at s[i] by decoding it and checking the code point (RFC 3629:
// the shortest form, no surrogates, at most U+10FFFF); 0 if it is not one. A different method
// from the writer's byte ranges.
size_t decoded_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (n == 0 || c >= 0xF8 || i + n > s.size()) return 0;
  uint32_t cp = c & (0xFF >> (n + 1));
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  const uint32_t shortest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < shortest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// The same escaping, one byte at a time: what the writer must agree with.
std::string reference(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      const size_t n = decoded_length(s, i);
      if (n == 0) {
        out += "\\ufffd";
      } else {
        out += s.substr(i, n);
        i += n - 1;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char u[8];
          std::snprintf(u, sizeof u, "\\u%04x", c);
          out += u;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string written(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// The same string through the writer's own path, which first looks whether anything needs an
// escape (most strings need none, and are copied whole).
std::string written_as_value(std::string_view s) {
  regimen::JsonWriter w;
  w.value(s);
  return w.take();
}

}  // namespace

TEST_CASE("strings are escaped where needed, at any place in the string", "[json]") {
  CHECK(written("") == "\"\"");
  CHECK(written("phq9") == "\"phq9\"");
  CHECK(written("a \"quoted\" word") == "\"a \\\"quoted\\\" word\"");
  CHECK(written("C:\\path") == "\"C:\\\\path\"");
  CHECK(written("line\nbreak\ttab") == "\"line\\nbreak\\ttab\"");
  CHECK(written(std::string("nul\0byte", 8)) == "\"nul\\u0000byte\"");
  CHECK(written("caf\xc3\xa9 \xe2\x80\x94 ok") == "\"caf\xc3\xa9 \xe2\x80\x94 ok\"");  // UTF-8 as is
  // Every special byte at every place of strings around the 16-byte blocks the scan reads
  // (and the last block, which overlaps the one before it).
  for (const char special : {'"', '\\', '\n', '\x01', '\x1f', '\0'}) {
    for (size_t length = 1; length <= 50; ++length) {
      for (size_t at = 0; at < length; ++at) {
        std::string s(length, 'x');
        s[at] = special;
        INFO("length " << length << ", special byte " << static_cast<int>(special) << " at " << at);
        REQUIRE(written(s) == reference(s));
        REQUIRE(written_as_value(s) == reference(s));
      }
    }
  }
  // Bytes that look special in one bit-trick or another but are not: 0x20, 0x7f. Alone, the
  // bytes from 0x80 are not UTF-8: each is written as U+FFFD.
  std::string edge;
  for (int c = 0x20; c < 0x100; ++c) edge += static_cast<char>(c);
  CHECK(written(edge) == reference(edge));
  CHECK(written("\xff") == "\"\\ufffd\"");
}

TEST_CASE("output is always UTF-8: well-formed characters as they are, any other byte as U+FFFD", "[json]") {
  // Characters of every length, at every place around the 8-byte steps.
  for (const std::string_view character : {"\xc3\xa9", "\xe2\x80\x94", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf"}) {
    for (size_t length = 1; length <= 40; ++length) {
      for (size_t at = 0; at < length; ++at) {
        std::string s(length, 'x');
        s.insert(at, character);
        INFO("length " << length << " at " << at);
        REQUIRE(written(s) == "\"" + s + "\"");
        REQUIRE(written_as_value(s) == "\"" + s + "\"");
        // A character, then a byte to escape further on, in the same block or a later one.
        for (size_t later = at + character.size(); later < s.size(); later += 7) {
          std::string t = s;
          t[later] = '"';
          REQUIRE(written_as_value(t) == reference(t));
        }
      }
    }
  }
  // Not UTF-8: a lone continuation byte, an overlong form, a surrogate, past U+10FFFF, a
  // character cut short (in the middle and at the end), bytes no character starts with.
  for (const std::string_view bad : {"\x80", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                     "\xe2\x82", "\xf0\x9f\x98", "\xf5\x80\x80\x80", "\xfe", "\xff"}) {
    for (size_t at = 0; at <= 33; ++at) {
      std::string s = std::string(at, 'y') + std::string(bad) + "z";
      INFO("bad bytes at " << at);
      const std::string out = written(s);
      REQUIRE(out == reference(s));
      REQUIRE(written_as_value(s) == out);
      REQUIRE(out.find("\\ufffd") != std::string::npos);
      for (const char c : out) REQUIRE(static_cast<unsigned char>(c) < 0x80);  // nothing of the bad bytes is left
    }
  }
  // The writer's own string path (it checks first whether anything needs an escape) agrees.
  regimen::JsonWriter w;
  w.begin_array().value(std::string_view("caf\xc3\xa9")).value(std::string_view("x\xffy\xc3")).end_array();
  CHECK(w.take_line() == "[\"caf\xc3\xa9\",\"x\\ufffdy\\ufffd\"]\n");
}

TEST_CASE("a writer into a target string leaves it exact after each document", "[json]") {
  std::string out = "before\n";
  {
    regimen::JsonWriter w(out, regimen::JsonWriter::Style::kCompact);
    w.begin_object().key("a").value(1).key("b").begin_array().value("x").null().end_array().end_object();
    // The document is complete: the string holds it exactly, and the caller may append to it.
    CHECK(out == "before\n{\"a\":1,\"b\":[\"x\",null]}");
    out += '\n';
    w.begin_object().key("c").value(true).end_object();  // the writer goes on after the caller's text
  }
  CHECK(out == "before\n{\"a\":1,\"b\":[\"x\",null]}\n{\"c\":true}");
}

TEST_CASE("a document read before it is finished shows only what was written", "[json]") {
  regimen::JsonWriter w(regimen::JsonWriter::Style::kPretty);
  w.begin_object().key("name");
  CHECK(w.str() == "{\n  \"name\": ");
  w.value("x").key("list").begin_array().value(2.5).end_array().end_object();
  CHECK(w.str() == "{\n  \"name\": \"x\",\n  \"list\": [\n    2.5\n  ]\n}");
}

TEST_CASE("keys written in the program and keys that need an escape", "[json]") {
  regimen::JsonWriter w;
  char buffer[16] = "ab";  // not a literal: only its text before the NUL is the key
  w.begin_object().key("plain").value(1).key("quote\"d").value(2).key(buffer).value(3);
  w.json_key("\"pre\"").json_value("[1]").end_object();
  CHECK(w.str() == R"({"plain":1,"quote\"d":2,"ab":3,"pre":[1]})");
}

TEST_CASE("long documents grow the buffer without losing bytes", "[json]") {
  regimen::JsonWriter w;
  std::string expected = "[";
  w.begin_array();
  for (int i = 0; i < 5000; ++i) {
    const std::string s(static_cast<size_t>(i % 97), static_cast<char>('a' + i % 26));
    w.value(s);
    expected += (i ? ",\"" : "\"") + s + "\"";
  }
  w.end_array();
  CHECK(w.take_line() == expected + "]\n");
}

TEST_CASE("pieces already in JSON are copied whole, whatever their length", "[json]") {
  // Short pieces are copied by overlapping moves: every length around their bounds.
  for (size_t length = 1; length <= 40; ++length) {
    std::string number;
    for (size_t i = 0; i < length; ++i) number += static_cast<char>('1' + i % 9);
    regimen::JsonWriter w;
    w.begin_array().json_value(number).json_value(number).end_array();
    INFO("length " << length);
    REQUIRE(w.str() == "[" + number + "," + number + "]");
  }
}

TEST_CASE("numbers are written in the shortest form that reads back to them", "[json]") {
  auto written_number = [](double d) {
    regimen::JsonWriter w;
    w.value(d);
    return w.take();
  };
  CHECK(written_number(-33.33) == "-33.33");
  CHECK(written_number(81.5) == "81.5");
  CHECK(written_number(0.05) == "0.05");
  CHECK(written_number(-0.5) == "-0.5");
  CHECK(written_number(22.0) == "22");
  CHECK(written_number(0.1 + 0.2) == "0.30000000000000004");
  CHECK(written_number(1.0 / 3) == "0.3333333333333333");
  // Numbers of hundredths take a short way (no general algorithm); it must agree with fmt's
  // shortest form, which every other number takes, over every hundredth to +-2,000 and around
  // the limit of the short way, and random numbers of every size.
  for (int64_t r = -200000; r <= 200000; ++r) {
    const double d = static_cast<double>(r) / 100;
    INFO(r << " hundredths");
    REQUIRE(written_number(d) == fmt::format("{}", d));
  }
  for (int64_t r = 100000000 - 20000; r <= 100000000 + 20000; ++r) {  // 999,800.00 to 1,000,200.00
    const double d = static_cast<double>(r) / 100;
    REQUIRE(written_number(d) == fmt::format("{}", d));
  }
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> unit(-1, 1);
  std::uniform_int_distribution<int> exponent(-12, 20);
  for (int i = 0; i < 200000; ++i) {
    const double d = unit(random) * std::pow(10.0, exponent(random));
    const double cents = std::round(d * 100) / 100 + 0.0;  // and hundredths near it (+ 0.0: not -0, written 0)
    INFO(fmt::format("{} and {}", d, cents));
    REQUIRE(written_number(d) == fmt::format("{}", d));
    if (std::fabs(cents) < 1e15) REQUIRE(written_number(cents) == fmt::format("{}", cents));
  }
}
