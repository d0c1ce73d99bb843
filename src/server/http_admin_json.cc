// The admin API's JSON request bodies (simdjson) and error answers.
#include "server/admin_ops.h"
#include "server/http_admin_internal.h"

namespace ringmail::admin_api {
namespace {

std::unexpected<Error> Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

}  // namespace

int StatusOf(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kLimitExceeded: return 413;
    case ErrorCode::kUnavailable:
    case ErrorCode::kBusy:
    case ErrorCode::kTimeout: return 503;
    default: return 500;
  }
}

http::Response ErrorResponse(const Error& error) {
  return http::JsonError(StatusOf(error), error.message);
}

http::Response Json(int status, std::string body) {
  body.push_back('\n');
  return http::Response::Json(status, std::move(body));
}

Result<void> JsonBody::Parse(std::string_view text,
                             std::initializer_list<std::string_view> allowed) {
  simdjson::dom::element root;
  if (auto error = parser_.parse(text.data(), text.size()).get(root); error) {
    return Invalid(std::string("invalid JSON: ") + simdjson::error_message(error));
  }
  if (root.get_object().get(object_) != simdjson::SUCCESS) {
    return Invalid("expected a JSON object");
  }
  for (auto field : object_) {
    if (std::find(allowed.begin(), allowed.end(), field.key) == allowed.end()) {
      return Invalid("unknown member '" + std::string(field.key) + "'");
    }
  }
  return {};
}

Result<std::optional<std::string>> JsonBody::String(std::string_view key) const {
  simdjson::dom::element e;
  if (object_[key].get(e) != simdjson::SUCCESS) return std::nullopt;
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) {
    return Invalid("'" + std::string(key) + "' must be a string");
  }
  return std::string(s);
}

Result<std::optional<std::vector<std::string>>> JsonBody::Strings(std::string_view key) const {
  simdjson::dom::element e;
  if (object_[key].get(e) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::array array;
  if (e.get_array().get(array) != simdjson::SUCCESS) {
    return Invalid("'" + std::string(key) + "' must be an array of strings");
  }
  std::vector<std::string> out;
  for (simdjson::dom::element item : array) {
    std::string_view s;
    if (item.get_string().get(s) != simdjson::SUCCESS) {
      return Invalid("'" + std::string(key) + "' must be an array of strings");
    }
    out.emplace_back(s);
  }
  return out;
}

Result<std::optional<bool>> JsonBody::Bool(std::string_view key) const {
  simdjson::dom::element e;
  if (object_[key].get(e) != simdjson::SUCCESS) return std::nullopt;
  bool b = false;
  if (e.get_bool().get(b) != simdjson::SUCCESS) {
    return Invalid("'" + std::string(key) + "' must be true or false");
  }
  return b;
}

Result<std::optional<uint64_t>> JsonBody::Bytes(std::string_view key) const {
  simdjson::dom::element e;
  if (object_[key].get(e) != simdjson::SUCCESS) return std::nullopt;
  uint64_t n = 0;
  if (e.get_uint64().get(n) == simdjson::SUCCESS) return n;
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) {
    return Invalid("'" + std::string(key) + "' must be a byte count (10485760 or \"10M\")");
  }
  return TRY(admin::ParseBytes(std::string(s)));
}

}  // namespace ringmail::admin_api
