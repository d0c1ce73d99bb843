#include "jmap/args.h"

#include <algorithm>

namespace ringmail::jmap {
namespace {

constexpr int64_t kSafeMax = (int64_t{1} << 53) - 1;  // RFC 8620 §1.3

}  // namespace

void Args::Only(std::initializer_list<std::string_view> known) {
  for (auto field : object_) {
    if (std::find(known.begin(), known.end(), field.key) == known.end()) {
      Fail("unknown argument '" + std::string(field.key) + "'");
    }
  }
}

std::optional<simdjson::dom::element> Args::Get(std::string_view key) const {
  simdjson::dom::element e;
  if (object_[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  return e;
}

std::optional<std::string_view> Args::String(std::string_view key) {
  std::optional<simdjson::dom::element> e = Get(key);
  if (!e) return std::nullopt;
  std::string_view s;
  if (e->get_string().get(s) != simdjson::SUCCESS) {
    Fail("'" + std::string(key) + "' must be a string");
    return std::nullopt;
  }
  return s;
}

std::optional<std::vector<std::string>> StringArray(simdjson::dom::element e) {
  simdjson::dom::array array;
  if (e.get_array().get(array) != simdjson::SUCCESS) return std::nullopt;
  std::vector<std::string> out;
  for (simdjson::dom::element item : array) {
    std::string_view s;
    if (item.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
    out.emplace_back(s);
  }
  return out;
}

std::optional<std::vector<std::string>> Args::Strings(std::string_view key) {
  std::optional<simdjson::dom::element> e = Get(key);
  if (!e) return std::nullopt;
  std::optional<std::vector<std::string>> out = StringArray(*e);
  if (!out) Fail("'" + std::string(key) + "' must be an array of strings");
  return out;
}

bool Args::Bool(std::string_view key, bool default_value) {
  std::optional<simdjson::dom::element> e = Get(key);
  if (!e) return default_value;
  bool b = false;
  if (e->get_bool().get(b) != simdjson::SUCCESS) {
    Fail("'" + std::string(key) + "' must be true or false");
    return default_value;
  }
  return b;
}

int64_t Args::Int(std::string_view key, int64_t default_value) {
  std::optional<simdjson::dom::element> e = Get(key);
  if (!e) return default_value;
  int64_t n = 0;
  if (e->get_int64().get(n) != simdjson::SUCCESS || n > kSafeMax || n < -kSafeMax) {
    Fail("'" + std::string(key) + "' must be an integer");
    return default_value;
  }
  return n;
}

std::optional<uint64_t> Args::Uint(std::string_view key) {
  std::optional<simdjson::dom::element> e = Get(key);
  if (!e) return std::nullopt;
  uint64_t n = 0;
  if (e->get_uint64().get(n) != simdjson::SUCCESS || n > uint64_t{kSafeMax}) {
    Fail("'" + std::string(key) + "' must be an unsigned integer");
    return std::nullopt;
  }
  return n;
}

MethodResponse InvalidArguments(std::string_view description) {
  return MethodError("invalidArguments", description);
}

std::optional<ChangesArguments> ReadChangesArguments(simdjson::dom::object arguments,
                                                     MethodResponse* error) {
  Args args(arguments);
  args.Only({"accountId", "sinceState", "maxChanges"});
  std::optional<std::string_view> since = args.String("sinceState");
  std::optional<uint64_t> max = args.Uint("maxChanges");
  if (args.ok() && !since) args.Fail("'sinceState' is required");
  if (args.ok() && max && *max == 0) args.Fail("'maxChanges' must be positive");
  if (!args.ok()) {
    *error = InvalidArguments(args.error());
    return std::nullopt;
  }
  return ChangesArguments{*since, max};
}

}  // namespace ringmail::jmap
