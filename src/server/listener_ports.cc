#include "server/listener_ports.h"

namespace ringmail {

ListenerPorts::ListenerPorts(const Config& config)
    : ports_(new std::atomic<uint16_t>[config.listeners.size()]) {
  for (size_t i = 0; i < config.listeners.size(); ++i)
    Set(i, config.listeners[i].bind.front().port());
}

}  // namespace ringmail
