// The http protocol family's handler (protocol_setup.h): one http::ServerSession per
// connection over a router holding the autoconfig files, the MTA-STS policy and the admin
// API (docs/http.md), and JMAP (docs/jmap.md).
#include <memory>
#include <vector>

#include "http/router.h"
#include "http/server.h"
#include "server/http_admin.h"
#include "server/http_autoconfig.h"
#include "server/http_jmap.h"
#include "server/protocol_setup.h"

namespace ringmail {
namespace {

class HttpHandler final : public SessionHandler {
 public:
  HttpHandler(const ListenerConfig& listener, const MailServices& services) {
    const HttpConfig& c = services.config->http;
    limits_.head.head_size_max = listener.input_max;
    limits_.head.header_count_max = c.header_count_max;
    limits_.head.target_size_max =
        std::min<size_t>(limits_.head.target_size_max, listener.input_max);
    limits_.body_size_max = c.body_size_max;
    limits_.idle_timeout_ms = listener.idle_timeout_ms;
    limits_.request_timeout_ms = c.request_timeout_ms;
    endpoints_.push_back(AddAutoconfigRoutes(&router_, services.config, services.ports,
                                             services.directory->directory.get()));
    if (c.admin_api) endpoints_.push_back(AddAdminRoutes(&router_, services));
    endpoints_.push_back(AddJmapRoutes(&router_, services));
  }

  Task<void> Serve(Stream& stream, StreamUpgrader* /*starttls*/) override {
    http::ServerSession session(&stream, &router_, &limits_);
    co_await session.Run();
  }

 private:
  http::ServerLimits limits_;
  http::Router router_;
  std::vector<std::unique_ptr<http::Handler>> endpoints_;  // the router points into them
};

}  // namespace

Result<std::unique_ptr<SessionHandler>> MakeHttpHandler(const ListenerConfig& listener,
                                                        const MailServices& services) {
  return std::unique_ptr<SessionHandler>(new HttpHandler(listener, services));
}

}  // namespace ringmail
