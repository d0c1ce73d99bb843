// Server: wires a Config into running reactors. Runs on the main thread:
//
//   1. opens every listening socket (one per core per address), so a port in use or a bad
//      address is reported before anything is served;
//   2. starts one pinned reactor thread per configured core, each with its own ring and its
//      own listener on every socket group;
//   3. logs `ready` and notifies systemd once every listener accepts;
//   4. waits for SIGTERM/SIGINT, then asks every reactor to drain and joins them.
#pragma once

#include "base/result.h"
#include "server/config.h"

namespace ringmail {

// Exit codes of `ringmail serve` (CONTRACT.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitConfig = 2;

// Serves `config` until SIGTERM or SIGINT; returns the process exit code. Config problems
// found while setting up (a port in use, a protocol this build lacks) are printed and give
// kExitConfig.
int Serve(const Config& config);

}  // namespace ringmail
