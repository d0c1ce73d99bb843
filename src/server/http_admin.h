// The admin API under /api/ (docs/http.md, "Admin API"): REST/JSON over the operations the
// CLI runs too (admin_ops.h), for administrators only: HTTP Basic checked by the directory's
// Authenticator (rate limited as every login), as the fallback administrator. Bearer tokens
// are reserved for API keys (none exist yet: 401). Every operation is logged (who, what,
// outcome) as event=admin_api.
#pragma once

#include <memory>

#include "http/router.h"
#include "server/protocol_setup.h"

namespace ringmail {

// Registers /api/ on `router`, served by the handler it returns.
// REQUIRES: the services outlive the handler.
std::unique_ptr<http::Handler> AddAdminRoutes(http::Router* router, const MailServices& services);

}  // namespace ringmail
