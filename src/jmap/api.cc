#include "jmap/api.h"

#include <memory>
#include <vector>

#include "base/json_writer.h"
#include "jmap/json_pointer.h"

namespace ringmail::jmap {
namespace {

constexpr std::string_view kErrorPrefix = "urn:ietf:params:jmap:error:";
constexpr size_t kCapabilitiesMax = 64;  // entries of `using`

struct Invocation {
  std::string name;
  std::string arguments;  // JSON object text
  std::string call_id;
};

// The parsed Request object; its views point into `parser`.
struct ParsedRequest {
  std::vector<std::string_view> using_;
  simdjson::dom::array calls;
  bool has_created_ids = false;
};

bool Lists(const std::vector<std::string_view>& capabilities, std::string_view capability) {
  for (std::string_view c : capabilities) {
    if (c == capability) return true;
  }
  return false;
}

// A request-level problem, or success.
std::optional<ApiAnswer> Parse(simdjson::dom::parser& parser, std::string_view body,
                               const Limits& limits, CallContext* context, ParsedRequest* out) {
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) {
    return RequestError("notJSON", "the request is not valid JSON");
  }
  simdjson::dom::object request;
  simdjson::dom::array using_array;
  if (root.get_object().get(request) != simdjson::SUCCESS ||
      request["using"].get_array().get(using_array) != simdjson::SUCCESS ||
      request["methodCalls"].get_array().get(out->calls) != simdjson::SUCCESS) {
    return RequestError("notRequest", "expected an object with 'using' and 'methodCalls' arrays");
  }
  for (simdjson::dom::element u : using_array) {
    std::string_view capability;
    if (u.get_string().get(capability) != simdjson::SUCCESS ||
        out->using_.size() == kCapabilitiesMax) {
      return RequestError("notRequest", "'using' must be an array of capability strings");
    }
    out->using_.push_back(capability);
  }
  for (std::string_view capability : out->using_) {
    if (capability != kCoreCapability && capability != kMailCapability &&
        capability != kSubmissionCapability && capability != kVacationCapability) {
      return RequestError("unknownCapability",
                          "unknown capability '" + std::string(capability) + "'");
    }
  }
  if (out->calls.size() > limits.max_calls_in_request) {
    return RequestError("limit", "too many method calls", "maxCallsInRequest");
  }
  for (simdjson::dom::element call : out->calls) {
    simdjson::dom::array triple;
    std::string_view s;
    simdjson::dom::object o;
    if (call.get_array().get(triple) != simdjson::SUCCESS || triple.size() != 3 ||
        triple.at(0).get_string().get(s) != simdjson::SUCCESS ||
        triple.at(1).get_object().get(o) != simdjson::SUCCESS ||
        triple.at(2).get_string().get(s) != simdjson::SUCCESS) {
      return RequestError("notRequest", "each method call is [name, arguments, call id]");
    }
  }
  simdjson::dom::element created;
  if (request["createdIds"].get(created) == simdjson::SUCCESS) {
    simdjson::dom::object ids;
    if (created.get_object().get(ids) != simdjson::SUCCESS) {
      return RequestError("notRequest", "'createdIds' must be an object");
    }
    for (auto field : ids) {
      std::string_view id;
      if (field.value.get_string().get(id) != simdjson::SUCCESS) {
        return RequestError("notRequest", "'createdIds' values must be ids");
      }
      context->created_ids.insert_or_assign(std::string(field.key), std::string(id));
    }
    out->has_created_ids = true;
  }
  return std::nullopt;
}

// Rewrites `arguments` with every "#name" ResultReference replaced by "name": the value it
// points at. nullopt when there is none; a method error response when one does not resolve.
Result<std::optional<std::string>> Resolve(simdjson::dom::object arguments,
                                           const std::vector<Invocation>& done,
                                           MethodResponse* error) {
  bool any = false;
  for (auto field : arguments) any = any || field.key.starts_with("#");
  if (!any) return std::optional<std::string>();
  std::string out = "{";
  bool first = true;
  for (auto field : arguments) {
    std::string_view key = field.key;
    std::string value;
    if (key.starts_with("#")) {
      key.remove_prefix(1);
      simdjson::dom::element plain;
      if (arguments.at_key(key).get(plain) == simdjson::SUCCESS) {
        *error = MethodError("invalidArguments",
                             "'" + std::string(key) + "' is given both plain and as a reference");
        return MakeError(ErrorCode::kInvalidArgument, "");
      }
      std::string_view result_of, name, path;
      simdjson::dom::object ref;
      if (field.value.get_object().get(ref) != simdjson::SUCCESS ||
          ref["resultOf"].get_string().get(result_of) != simdjson::SUCCESS ||
          ref["name"].get_string().get(name) != simdjson::SUCCESS ||
          ref["path"].get_string().get(path) != simdjson::SUCCESS) {
        *error = MethodError("invalidResultReference",
                             "a ResultReference needs resultOf, "
                             "name and path strings");
        return MakeError(ErrorCode::kInvalidArgument, "");
      }
      const Invocation* source = nullptr;
      for (const Invocation& i : done) {
        if (i.call_id == result_of) {
          source = &i;
          break;
        }
      }
      if (source == nullptr || source->name != name) {
        *error = MethodError("invalidResultReference", "no earlier '" + std::string(name) +
                                                           "' response with call id '" +
                                                           std::string(result_of) + "'");
        return MakeError(ErrorCode::kInvalidArgument, "");
      }
      simdjson::dom::parser parser;
      simdjson::dom::element root;
      if (parser.parse(source->arguments).get(root) != simdjson::SUCCESS) {
        *error = MethodError("serverFail", "an earlier response is not JSON");
        return MakeError(ErrorCode::kInternal, "");
      }
      Result<std::string> resolved = EvaluatePointer(root, path);
      if (!resolved) {
        *error = MethodError("invalidResultReference", resolved.error().message);
        return MakeError(ErrorCode::kInvalidArgument, "");
      }
      value = std::move(*resolved);
    } else {
      value = simdjson::minify(field.value);
    }
    if (!first) out.push_back(',');
    first = false;
    JsonWriter::AppendQuoted(&out, key);
    out.push_back(':');
    out += value;
  }
  out.push_back('}');
  return std::optional<std::string>(std::move(out));
}

// The method's response to one call (an error response included).
Task<MethodResponse> Call(const MethodTable* table, CallContext* context,
                          const ParsedRequest* request, std::string_view name,
                          simdjson::dom::object arguments, const std::vector<Invocation>* done) {
  const MethodTable::Entry* entry = table->Find(name);
  if (entry == nullptr || !Lists(request->using_, entry->capability)) {
    co_return MethodError("unknownMethod",
                          entry == nullptr ? "no such method" : "its capability is not in 'using'");
  }
  MethodResponse error;
  Result<std::optional<std::string>> resolved = Resolve(arguments, *done, &error);
  if (!resolved) co_return error;
  simdjson::dom::parser parser;  // holds the resolved arguments while the method runs
  if (resolved->has_value()) {
    simdjson::dom::element root;
    if (parser.parse(**resolved).get(root) != simdjson::SUCCESS ||
        root.get_object().get(arguments) != simdjson::SUCCESS) {
      co_return MethodError("serverFail", "resolved arguments are not an object");
    }
  }
  simdjson::dom::element account;
  if (arguments["accountId"].get(account) == simdjson::SUCCESS) {
    std::string_view id;
    if (account.get_string().get(id) != simdjson::SUCCESS) {
      co_return MethodError("invalidArguments", "'accountId' must be a string");
    }
    if (id != context->jmap_account_id) co_return MethodError("accountNotFound");
  }
  MethodResponse response = co_await entry->function(*context, arguments);
  co_return response;
}

void AppendInvocation(std::string* out, const Invocation& i) {
  out->push_back('[');
  JsonWriter::AppendQuoted(out, i.name);
  out->push_back(',');
  *out += i.arguments;
  out->push_back(',');
  JsonWriter::AppendQuoted(out, i.call_id);
  out->push_back(']');
}

std::string ResponseBody(const std::vector<Invocation>& done, const CallContext& context,
                         bool created_ids, std::string_view session_state) {
  std::string out = "{\"methodResponses\":[";
  for (size_t i = 0; i < done.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendInvocation(&out, done[i]);
  }
  out += "]";
  if (created_ids) {
    out += ",\"createdIds\":";
    JsonWriter w(&out);
    w.BeginObject();
    for (const auto& [k, v] : context.created_ids) w.Key(k).String(v);
    w.EndObject();
  }
  out += ",\"sessionState\":";
  JsonWriter::AppendQuoted(&out, session_state);
  out += "}";
  return out;
}

Task<MethodResponse> Echo(CallContext& /*context*/, simdjson::dom::object arguments) {
  co_return MethodResponse{"Core/echo", simdjson::minify(arguments)};
}

}  // namespace

ApiAnswer RequestError(std::string_view type, std::string_view detail, std::string_view limit,
                       int status) {
  ApiAnswer a{status, "application/problem+json", {}};
  JsonWriter w(&a.body);
  w.BeginObject().Key("type").String(std::string(kErrorPrefix) + std::string(type));
  w.Key("status").Int(status).Key("detail").String(detail);
  if (!limit.empty()) w.Key("limit").String(limit);
  w.EndObject();
  return a;
}

Task<ApiAnswer> ProcessRequest(const MethodTable* table, CallContext* context, std::string body,
                               std::string session_state) {
  if (body.size() > context->limits->max_size_request) {
    co_return RequestError("limit", "the request is too large", "maxSizeRequest");
  }
  simdjson::dom::parser parser;
  ParsedRequest request;
  if (std::optional<ApiAnswer> problem = Parse(parser, body, *context->limits, context, &request)) {
    co_return std::move(*problem);
  }
  std::vector<Invocation> done;
  for (simdjson::dom::element call : request.calls) {
    simdjson::dom::array triple = call.get_array().value_unsafe();
    const std::string_view name = triple.at(0).get_string().value_unsafe();
    const simdjson::dom::object arguments = triple.at(1).get_object().value_unsafe();
    const std::string_view call_id = triple.at(2).get_string().value_unsafe();
    MethodResponse r = co_await Call(table, context, &request, name, arguments, &done);
    done.push_back(Invocation{std::move(r.name), std::move(r.arguments), std::string(call_id)});
    for (MethodResponse& then : context->implicit_responses) {
      done.push_back(
          Invocation{std::move(then.name), std::move(then.arguments), std::string(call_id)});
    }
    context->implicit_responses.clear();
  }
  co_return ApiAnswer{200, "application/json",
                      ResponseBody(done, *context, request.has_created_ids, session_state)};
}

void RegisterCoreMethods(MethodTable* table) { table->Add("Core/echo", kCoreCapability, Echo); }

bool ConcurrencyGate::Enter(int64_t account_id, uint32_t max) {
  std::atomic<uint32_t>& slot = in_flight_[static_cast<uint64_t>(account_id) % kSlots];
  uint32_t n = slot.load(std::memory_order_relaxed);
  do {
    if (n >= max) return false;
  } while (!slot.compare_exchange_weak(n, n + 1, std::memory_order_acq_rel));
  return true;
}

void ConcurrencyGate::Leave(int64_t account_id) {
  in_flight_[static_cast<uint64_t>(account_id) % kSlots].fetch_sub(1, std::memory_order_acq_rel);
}

}  // namespace ringmail::jmap
