// Internal to http_admin*.cc: the parsed request the admin endpoints work on, and the JSON
// helpers they share.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_writer.h"
#include "base/result.h"
#include "http/router.h"
#include "server/protocol_setup.h"

namespace ringmail::admin_api {

// One admin request, authenticated: its path split after "/api/" (percent-decoded).
struct Call {
  std::string method;  // HEAD is GET here
  std::vector<std::string> path;
  const http::Request* request;
  const MailServices* services;
  MetadataStore* store;
};

// The status for an operation's error: 400 invalid, 404 not found, 409 exists, 503
// unavailable or busy, 500 otherwise.
int StatusOf(const Error& error);
http::Response ErrorResponse(const Error& error);
http::Response Json(int status, std::string body);

// A request body that must be a JSON object with only the `allowed` members.
class JsonBody {
 public:
  // kInvalidArgument "invalid JSON: ..." / "expected a JSON object" / "unknown member 'x'".
  Result<void> Parse(std::string_view text, std::initializer_list<std::string_view> allowed);
  // Members; absent gives nullopt, the wrong type kInvalidArgument.
  Result<std::optional<std::string>> String(std::string_view key) const;
  Result<std::optional<std::vector<std::string>>> Strings(std::string_view key) const;
  Result<std::optional<bool>> Bool(std::string_view key) const;
  // A byte count: a number, or a string as the CLI's --quota ("10M").
  Result<std::optional<uint64_t>> Bytes(std::string_view key) const;

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::object object_;
};

// The endpoints' families. Each returns nullopt when the path is not its own.
Task<std::optional<http::Response>> Accounts(Call call);
Task<std::optional<http::Response>> Domains(Call call);
Task<std::optional<http::Response>> Queue(Call call);
// /api/accounts/NAME/keys... (http_admin_keys.cc).
Task<std::optional<http::Response>> ApiKeys(Call call);

}  // namespace ringmail::admin_api
