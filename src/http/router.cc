#include "http/router.h"

#include "base/json_writer.h"

namespace ringmail::http {

void Router::Add(std::string method, std::string prefix, Handler* handler) {
  routes_.push_back({std::move(method), std::move(prefix), handler});
}

bool Router::Matches(const Route& route, std::string_view path) {
  if (route.prefix.ends_with('/')) return path.starts_with(route.prefix);
  return path == route.prefix;
}

std::optional<size_t> Router::LongestPrefix(std::string_view path) const {
  std::optional<size_t> longest;
  for (const Route& route : routes_) {
    if (Matches(route, path) && (!longest || route.prefix.size() > *longest)) {
      longest = route.prefix.size();
    }
  }
  return longest;
}

Handler* Router::Find(std::string_view method, std::string_view path, size_t longest,
                      std::string* allow) const {
  if (method == "HEAD") method = "GET";
  Handler* handler = nullptr;
  for (const Route& route : routes_) {
    if (!Matches(route, path) || route.prefix.size() != longest) continue;
    if (route.method == method) handler = route.handler;
    if (allow != nullptr) *allow += allow->empty() ? route.method : ", " + route.method;
  }
  return handler;
}

bool Router::StreamsBody(const Request& request) const {
  const std::optional<size_t> longest = LongestPrefix(request.path);
  if (!longest) return false;
  const Handler* handler = Find(request.method, request.path, *longest, nullptr);
  return handler != nullptr && handler->StreamsBody(request);
}

Task<Response> Router::Handle(Request request) {
  const std::optional<size_t> longest = LongestPrefix(request.path);
  if (!longest) co_return Response::Text(404, "not found\n");
  std::string allow;
  Handler* handler = Find(request.method, request.path, *longest, &allow);
  if (handler == nullptr) {
    Response r = Response::Text(405, "method not allowed\n");
    r.With("Allow", allow);
    co_return r;
  }
  Response r = co_await handler->Handle(std::move(request));
  co_return r;
}

Response JsonError(int status, std::string_view message) {
  std::string body;
  JsonWriter w(&body);
  w.BeginObject().Key("error").BeginObject();
  w.Key("status").Int(status).Key("message").String(message);
  w.EndObject().EndObject();
  body.push_back('\n');
  return Response::Json(status, std::move(body));
}

}  // namespace ringmail::http
