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

Task<Response> Router::Handle(Request request) {
  std::string_view method = request.method;
  if (method == "HEAD") method = "GET";
  bool any = false;
  size_t longest = 0;
  for (const Route& route : routes_) {
    if (Matches(route, request.path) && (!any || route.prefix.size() > longest)) {
      any = true;
      longest = route.prefix.size();
    }
  }
  if (!any) co_return Response::Text(404, "not found\n");
  std::string allow;
  Handler* handler = nullptr;
  for (const Route& route : routes_) {
    if (!Matches(route, request.path) || route.prefix.size() != longest) continue;
    if (route.method == method) handler = route.handler;
    allow += allow.empty() ? route.method : ", " + route.method;
  }
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
