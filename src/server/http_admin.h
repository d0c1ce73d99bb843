// The admin API under /api/ (docs/http.md, "Admin API"): REST/JSON over the operations the
// CLI runs too (admin_ops.h), for administrators only — the fallback administrator or an
// account with the admin role — authenticated with HTTP Basic or an API key (Bearer), both
// checked by the directory's Authenticator (rate limited as every login); other accounts get
// 403. Every operation is logged (who, with which key, what, outcome) as event=admin_api.
#pragma once

#include <memory>

#include "http/router.h"
#include "server/protocol_setup.h"

namespace ringmail {

// Registers /api/ on `router`, served by the handler it returns.
// REQUIRES: the services outlive the handler.
std::unique_ptr<http::Handler> AddAdminRoutes(http::Router* router, const MailServices& services);

}  // namespace ringmail
