// ListenerPorts: the port each configured listener actually listens on (its first bind
// address), for what tells clients where to connect (autoconfig files). A configured port
// of 0 becomes the kernel's choice once the engine has bound it. Set on the main thread,
// read from any core.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "server/config.h"

namespace ringmail {

class ListenerPorts {
 public:
  // Starts with the configured ports of config.listeners.
  explicit ListenerPorts(const Config& config);

  // REQUIRES: index < config.listeners.size().
  uint16_t Get(size_t index) const { return ports_[index].load(std::memory_order_relaxed); }
  void Set(size_t index, uint16_t port) { ports_[index].store(port, std::memory_order_relaxed); }

 private:
  std::unique_ptr<std::atomic<uint16_t>[]> ports_;
};

}  // namespace ringmail
