// Client autodiscovery and policy files served by `http` listeners (docs/http.md):
// Thunderbird autoconfig, Outlook autodiscover (POX and the JSON v1.0 form), an Apple
// configuration profile, and the MTA-STS policy. Each file is generated at request time from
// the configured listeners (protocol, bound port, TLS mode) and `[server] hostname`, so it is
// always true; a domain the directory does not host gets 404, never another domain's data.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "directory/directory.h"
#include "http/router.h"
#include "server/config.h"
#include "server/listener_ports.h"

namespace ringmail {

// Where a mail client connects: the best listener of a kind (implicit TLS over STARTTLS
// over plain text, RFC 8314), or none.
struct ClientEndpoint {
  bool offered = false;
  uint16_t port = 0;
  TlsMode tls = TlsMode::kNone;
};
struct ClientEndpoints {
  std::string hostname;
  ClientEndpoint imap;
  ClientEndpoint submission;
  std::string autodiscover_url;  // the POX endpoint on the best http listener
};
// `ports`: bound ports (null: the configured ones).
ClientEndpoints EndpointsOf(const Config& config, const ListenerPorts* ports);

// The files, for a hosted domain / address (already validated and normalized).
std::string ThunderbirdConfig(const ClientEndpoints& e, std::string_view domain);
std::string OutlookPoxResponse(const ClientEndpoints& e, std::string_view address);
std::string AppleMobileConfig(const ClientEndpoints& e, std::string_view address);
std::string MtaStsPolicy(const HttpConfig& http, std::string_view mx_host);

// Registers the routes of all of them on `router`, served by one handler it returns.
// REQUIRES: config, ports and directory outlive the handler.
std::unique_ptr<http::Handler> AddAutoconfigRoutes(http::Router* router, const Config* config,
                                                   const ListenerPorts* ports,
                                                   Directory* directory);

}  // namespace ringmail
