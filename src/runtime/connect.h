// Outbound TCP connections (the S3 client, the SMTP queue's smarthost, peers): the same
// Connection type as accepted ones, on the current reactor core.
#pragma once

#include <memory>

#include "base/result.h"
#include "base/socket_address.h"
#include "runtime/connection.h"
#include "runtime/task.h"

namespace ringmail {

// Connects to `address` within `timeout_ms` and starts receiving. The caller owns the
// connection and must co_await its Close() before destroying it; `options` must outlive it.
// Errors: kTimeout, kIo (refused, unreachable...). Runs on a reactor thread.
Task<Result<std::unique_ptr<Connection>>> Connect(SocketAddress address,
                                                  const ConnectionOptions* options,
                                                  uint64_t timeout_ms);

}  // namespace ringmail
