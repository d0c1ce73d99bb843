// Reading a method's arguments (a simdjson object) into values, with the RFC 8620 errors a
// method answers for bad ones: typed getters that remember the first problem as an
// invalidArguments description, so a method reads all it needs and checks ok() once. Absent
// and null read the same (RFC 8620: null is the default). Pure code; any core.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jmap/method.h"

namespace ringmail::jmap {

class Args {
 public:
  explicit Args(simdjson::dom::object object) : object_(object) {}

  // Fails on a member not in `known` (RFC 8620 §3.6.2 invalidArguments).
  void Only(std::initializer_list<std::string_view> known);
  // The member, nullopt when absent or null.
  std::optional<simdjson::dom::element> Get(std::string_view key) const;
  std::optional<std::string_view> String(std::string_view key);
  std::optional<std::vector<std::string>> Strings(std::string_view key);
  bool Bool(std::string_view key, bool default_value);
  // An Int (RFC 8620 §1.3: -2^53+1..2^53-1).
  int64_t Int(std::string_view key, int64_t default_value);
  // An UnsignedInt (0..2^53-1).
  std::optional<uint64_t> Uint(std::string_view key);

  void Fail(std::string description) {
    if (error_.empty()) error_ = std::move(description);
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  simdjson::dom::object object_;
  std::string error_;
};

// An array of strings from an element; nullopt when it is something else.
std::optional<std::vector<std::string>> StringArray(simdjson::dom::element e);

// The invalidArguments method error.
MethodResponse InvalidArguments(std::string_view description);

// The arguments of a Foo/changes call (RFC 8620 §5.2): accountId, sinceState (required) and
// maxChanges (positive, when given). Views into `arguments`.
struct ChangesArguments {
  std::string_view since_state;
  std::optional<uint64_t> max_changes;
};
// The arguments, or the invalidArguments response.
std::optional<ChangesArguments> ReadChangesArguments(simdjson::dom::object arguments,
                                                     MethodResponse* error);

}  // namespace ringmail::jmap
