#include "jmap/args.h"

namespace ringmail::jmap {
namespace {

std::unexpected<Error> Bad(std::string_view key, std::string_view what) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "'" + std::string(key) + "' must be " + std::string(what));
}

// The member, or nullopt when absent or null.
std::optional<simdjson::dom::element> Member(simdjson::dom::object args, std::string_view key) {
  simdjson::dom::element e;
  if (args.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  return e;
}

constexpr uint64_t kMaxSafe = (uint64_t{1} << 53) - 1;

}  // namespace

Result<std::optional<std::string>> StringArg(simdjson::dom::object args, std::string_view key) {
  std::optional<simdjson::dom::element> e = Member(args, key);
  if (!e) return std::nullopt;
  std::string_view s;
  if (e->get_string().get(s) != simdjson::SUCCESS) return Bad(key, "a string");
  return std::string(s);
}

Result<std::optional<std::vector<std::string>>> StringsArg(simdjson::dom::object args,
                                                           std::string_view key) {
  std::optional<simdjson::dom::element> e = Member(args, key);
  if (!e) return std::nullopt;
  simdjson::dom::array array;
  if (e->get_array().get(array) != simdjson::SUCCESS) return Bad(key, "an array of strings");
  std::vector<std::string> out;
  for (simdjson::dom::element item : array) {
    std::string_view s;
    if (item.get_string().get(s) != simdjson::SUCCESS) return Bad(key, "an array of strings");
    out.emplace_back(s);
  }
  return out;
}

Result<std::optional<bool>> BoolArg(simdjson::dom::object args, std::string_view key) {
  std::optional<simdjson::dom::element> e = Member(args, key);
  if (!e) return std::nullopt;
  bool b = false;
  if (e->get_bool().get(b) != simdjson::SUCCESS) return Bad(key, "true or false");
  return b;
}

Result<std::optional<uint64_t>> UintArg(simdjson::dom::object args, std::string_view key) {
  std::optional<simdjson::dom::element> e = Member(args, key);
  if (!e) return std::nullopt;
  uint64_t n = 0;
  if (e->get_uint64().get(n) != simdjson::SUCCESS || n > kMaxSafe) {
    return Bad(key, "an unsigned integer");
  }
  return n;
}

Result<std::optional<int64_t>> IntArg(simdjson::dom::object args, std::string_view key) {
  std::optional<simdjson::dom::element> e = Member(args, key);
  if (!e) return std::nullopt;
  int64_t n = 0;
  if (e->get_int64().get(n) != simdjson::SUCCESS || n > static_cast<int64_t>(kMaxSafe) ||
      n < -static_cast<int64_t>(kMaxSafe)) {
    return Bad(key, "an integer");
  }
  return n;
}

}  // namespace ringmail::jmap
