// The JSON writer's strings: what needs an escape gets one, wherever it falls in the string (the
// writer scans 8 bytes at a time), and everything else is copied as it is, UTF-8 included.

#include <catch2/catch.hpp>
#include <string>

#include "regimen/common/json_writer.h"

using regimen::append_json_string;

namespace {

// The same escaping, one byte at a time: what the writer must agree with.
std::string reference(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
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

}  // namespace

TEST_CASE("strings are escaped where needed, at any place in the string", "[json]") {
  CHECK(written("") == "\"\"");
  CHECK(written("phq9") == "\"phq9\"");
  CHECK(written("a \"quoted\" word") == "\"a \\\"quoted\\\" word\"");
  CHECK(written("C:\\path") == "\"C:\\\\path\"");
  CHECK(written("line\nbreak\ttab") == "\"line\\nbreak\\ttab\"");
  CHECK(written(std::string("nul\0byte", 8)) == "\"nul\\u0000byte\"");
  CHECK(written("caf\xc3\xa9 \xe2\x80\x94 ok") == "\"caf\xc3\xa9 \xe2\x80\x94 ok\"");  // UTF-8 as is
  // Every special byte at every place of strings around the 8-byte steps.
  for (const char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
    for (size_t length = 1; length <= 25; ++length) {
      for (size_t at = 0; at < length; ++at) {
        std::string s(length, 'x');
        s[at] = special;
        INFO("length " << length << ", special byte " << static_cast<int>(special) << " at " << at);
        REQUIRE(written(s) == reference(s));
      }
    }
  }
  // Bytes that look special in one bit-trick or another but are not: 0x20, 0x7f, 0x80-0xff.
  std::string edge;
  for (int c = 0x20; c < 0x100; ++c) edge += static_cast<char>(c);
  CHECK(written(edge) == reference(edge));
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
