// Router: a Handler that sends each request to the handler registered for its method and
// the longest matching path prefix. JMAP, the admin API and autoconfig each register their
// prefixes on one router per listener.
//
// A prefix ending in '/' matches every path under it; any other prefix matches exactly that
// path. HEAD is routed as GET. No route for the path: 404; a route for the path but not the
// method: 405 with Allow. Built at start, then read-only; any core.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "http/server.h"

namespace ringmail::http {

class Router final : public Handler {
 public:
  // REQUIRES: `handler` outlives the router; method is a token ("GET", "POST", ...).
  void Add(std::string method, std::string prefix, Handler* handler);

  Task<Response> Handle(Request request) override;
  // The routed handler's answer; false when no route takes the request.
  bool StreamsBody(const Request& request) const override;

 private:
  struct Route {
    std::string method;
    std::string prefix;
    Handler* handler;
  };
  static bool Matches(const Route& route, std::string_view path);
  // The longest prefix of a route matching `path`, if any.
  std::optional<size_t> LongestPrefix(std::string_view path) const;
  // The handler of `method` among the routes with that prefix length; the methods they take
  // are appended to *allow (may be null).
  Handler* Find(std::string_view method, std::string_view path, size_t longest,
                std::string* allow) const;
  std::vector<Route> routes_;
};

// A JSON error body: {"error": {"status": N, "message": "..."}}.
Response JsonError(int status, std::string_view message);

}  // namespace ringmail::http
