// Reading a method's arguments (simdjson objects) into values, with the RFC 8620 errors a
// method answers for bad ones: each reader returns the value, nullopt when the member is
// absent (or null, where the RFC allows null), or fails with the invalidArguments message.
// Pure code; any core.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ringmail::jmap {

// A member that is a string (absent or null: nullopt).
Result<std::optional<std::string>> StringArg(simdjson::dom::object args, std::string_view key);
// A member that is an array of strings (absent or null: nullopt).
Result<std::optional<std::vector<std::string>>> StringsArg(simdjson::dom::object args,
                                                           std::string_view key);
Result<std::optional<bool>> BoolArg(simdjson::dom::object args, std::string_view key);
// An UnsignedInt (RFC 8620 §1.3: 0..2^53-1).
Result<std::optional<uint64_t>> UintArg(simdjson::dom::object args, std::string_view key);
// A signed Int (position).
Result<std::optional<int64_t>> IntArg(simdjson::dom::object args, std::string_view key);

}  // namespace ringmail::jmap
