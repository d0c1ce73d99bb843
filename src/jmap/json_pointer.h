// RFC 6901 JSON Pointer with JMAP's "*" extension (RFC 8620 §3.7), for ResultReference
// resolution: evaluates `pointer` against a parsed method response and returns the value it
// names as JSON text. A "*" token on an array applies the rest of the pointer to every item
// and gathers the results in one array, an item whose result is itself an array adding its
// contents instead. Pure code; any core.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmail::jmap {

inline constexpr size_t kPointerTokensMax = 32;  // deeper pointers are refused

// kInvalidArgument when the pointer is malformed (not "" and not starting with '/', a bad
// "~" escape, too deep) or names nothing (a missing member, an index out of range or not a
// number, a token applied to a string or number).
Result<std::string> EvaluatePointer(simdjson::dom::element root, std::string_view pointer);

}  // namespace ringmail::jmap
