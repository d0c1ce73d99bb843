// Process-level set-up for the runtime: resource limits, CPU pinning, systemd notification.
#pragma once

#include <string_view>
#include <vector>

#include "base/result.h"

namespace ringmail {

// Raises RLIMIT_NOFILE and RLIMIT_MEMLOCK to their hard limits (as root, NOFILE up to
// fs.nr_open). Returns the resulting NOFILE soft limit.
uint64_t RaiseResourceLimits();

// Indices of the CPUs this process may run on.
std::vector<int> AllowedCores();

// Pins the calling thread to `core`.
Result<void> PinToCore(int core);

// Sends `state` (e.g. "READY=1", "STOPPING=1", "WATCHDOG=1") to systemd when NOTIFY_SOCKET
// is set; a no-op otherwise.
void SdNotify(std::string_view state);

// The watchdog interval systemd asked for (WATCHDOG_USEC), or 0.
uint64_t SdWatchdogUsec();

}  // namespace ringmail
