// Client sockets for the load generator: source-address lists and connecting from them.
#pragma once

#include <netinet/in.h>

#include <string_view>
#include <vector>

namespace ringmail::bench {

// Parses "127.0.0.1", "127.0.0.1,127.0.0.2" or the range "127.0.0.1-127.0.0.8" (the last
// octet varies). False on anything else.
bool ParseSourceIps(std::string_view text, std::vector<in_addr>* out);

// Connects (blocking) to `destination` from `source`, with the local port chosen at connect
// time (IP_BIND_ADDRESS_NO_PORT), so each source address has its own ephemeral-port range
// per destination. Then sets TCP_NODELAY and, when `nonblocking`, O_NONBLOCK.
// Returns the descriptor, or -1 with errno set.
int ConnectFrom(const sockaddr_in& destination, in_addr source, bool nonblocking);

}  // namespace ringmail::bench
