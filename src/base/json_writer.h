// JsonWriter: a small streaming JSON writer that appends to a caller's string (admin API
// answers, and JMAP's next). It tracks commas itself; the caller keeps the nesting right.
//
//   JsonWriter w(&out);
//   w.BeginObject().Key("name").String("alice").Key("quota").Uint(0).EndObject();
//
// Strings are escaped per RFC 8259 (quote, backslash, control bytes as \u00XX); bytes that are
// not valid UTF-8 are replaced by U+FFFD so the output is always valid JSON. Pure code; any
// core.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ringmail {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // An object member's name. REQUIRES: inside an object, before its value.
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A value that is JSON already (stored JSON, a minified simdjson element), copied as is.
  // REQUIRES: `json` is one valid JSON value.
  JsonWriter& Raw(std::string_view json);
  // An array of strings.
  JsonWriter& Strings(const std::vector<std::string>& values);

  // Appends `value` as a JSON string literal, quotes included.
  static void AppendQuoted(std::string* out, std::string_view value);

 private:
  void BeforeValue();

  std::string* out_;
  bool need_comma_ = false;  // a value was written at this level
  bool after_key_ = false;   // the next value belongs to a key just written
};

}  // namespace ringmail
