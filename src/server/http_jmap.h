// JMAP over the HTTP server (docs/jmap.md): GET /.well-known/jmap (a redirect), the session
// resource GET /jmap/session, the API endpoint POST /jmap/api/, the event source
// GET /jmap/eventsource/ and blob download GET /jmap/download/. Every endpoint but the
// redirect takes HTTP Basic checked by the directory's Authenticator (as IMAP and SMTP logins:
// plain-text policy, rate limiter) and serves the account of the user who logged in.
#pragma once

#include <memory>

#include "http/router.h"
#include "server/protocol_setup.h"

namespace ringmail {

// Registers the JMAP routes on `router`, served by the handler it returns.
// REQUIRES: the services outlive the handler.
std::unique_ptr<http::Handler> AddJmapRoutes(http::Router* router, const MailServices& services);

}  // namespace ringmail
