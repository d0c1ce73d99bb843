// Router: a Handler that sends each request to the handler registered for its method and
// the longest matching path prefix. JMAP, the admin API and autoconfig each register their
// prefixes on one router per listener.
//
// A prefix ending in '/' matches every path under it; any other prefix matches exactly that
// path. HEAD is routed as GET. No route for the path: 404; a route for the path but not the
// method: 405 with Allow. Built at start, then read-only; any core.
#pragma once

#include <string>
#include <vector>

#include "http/server.h"

namespace ringmail::http {

class Router final : public Handler {
 public:
  // REQUIRES: `handler` outlives the router; method is a token ("GET", "POST", ...).
  void Add(std::string method, std::string prefix, Handler* handler);

  Task<Response> Handle(Request request) override;

 private:
  struct Route {
    std::string method;
    std::string prefix;
    Handler* handler;
  };
  static bool Matches(const Route& route, std::string_view path);
  std::vector<Route> routes_;
};

// A JSON error body: {"error": {"status": N, "message": "..."}}.
Response JsonError(int status, std::string_view message);

}  // namespace ringmail::http
