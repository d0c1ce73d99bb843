#include "jmap/json_pointer.h"

#include <charconv>
#include <span>
#include <vector>

namespace ringmail::jmap {
namespace {

std::unexpected<Error> NoValue(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

Result<std::vector<std::string>> Tokens(std::string_view pointer) {
  std::vector<std::string> out;
  if (pointer.empty()) return out;
  if (pointer[0] != '/') return NoValue("a pointer starts with '/'");
  pointer.remove_prefix(1);
  while (true) {
    if (out.size() == kPointerTokensMax) return NoValue("the pointer is too deep");
    const size_t slash = pointer.find('/');
    std::string_view raw = pointer.substr(0, slash);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '~') {
        token.push_back(raw[i]);
      } else if (i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token.push_back(raw[++i] == '0' ? '~' : '/');
      } else {
        return NoValue("bad '~' escape in the pointer");
      }
    }
    out.push_back(std::move(token));
    if (slash == std::string_view::npos) break;
    pointer.remove_prefix(slash + 1);
  }
  return out;
}

// What part of a pointer names: one value, or the gathered results of a "*".
struct Value {
  bool gathered = false;
  std::vector<simdjson::dom::element> items;
};

Result<Value> Evaluate(simdjson::dom::element e, std::span<const std::string> tokens) {
  if (tokens.empty()) return Value{false, {e}};
  const std::string& token = tokens.front();
  const std::span<const std::string> rest = tokens.subspan(1);
  simdjson::dom::array array;
  if (e.get_array().get(array) == simdjson::SUCCESS) {
    if (token == "*") {
      Value out{true, {}};
      for (simdjson::dom::element item : array) {
        Value sub = TRY(Evaluate(item, rest));
        simdjson::dom::array inner;
        if (!sub.gathered && sub.items[0].get_array().get(inner) == simdjson::SUCCESS) {
          for (simdjson::dom::element x : inner) out.items.push_back(x);
        } else {
          out.items.insert(out.items.end(), sub.items.begin(), sub.items.end());
        }
      }
      return out;
    }
    size_t index = 0;
    auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
    if (token.empty() || ec != std::errc() || end != token.data() + token.size() ||
        (token.size() > 1 && token[0] == '0')) {
      return NoValue("'" + token + "' is not an array index");
    }
    simdjson::dom::element item;
    if (array.at(index).get(item) != simdjson::SUCCESS) {
      return NoValue("index " + token + " is out of range");
    }
    return Evaluate(item, rest);
  }
  simdjson::dom::object object;
  if (e.get_object().get(object) == simdjson::SUCCESS) {
    simdjson::dom::element member;
    if (object.at_key(token).get(member) != simdjson::SUCCESS) {
      return NoValue("no member '" + token + "'");
    }
    return Evaluate(member, rest);
  }
  return NoValue("'" + token + "' applied to a value that is neither object nor array");
}

}  // namespace

Result<std::string> EvaluatePointer(simdjson::dom::element root, std::string_view pointer) {
  const std::vector<std::string> tokens = TRY(Tokens(pointer));
  const Value value = TRY(Evaluate(root, tokens));
  if (!value.gathered) return simdjson::minify(value.items[0]);
  std::string out = "[";
  for (size_t i = 0; i < value.items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += simdjson::minify(value.items[i]);
  }
  out.push_back(']');
  return out;
}

}  // namespace ringmail::jmap
