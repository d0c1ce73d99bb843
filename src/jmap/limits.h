// The request limits of RFC 8620 §2 (urn:ietf:params:jmap:core): advertised in the session
// resource and enforced by the API layer (size, calls, concurrency) and by the methods
// (objects per /get and /set). Read-only after start; any core.
#pragma once

#include <cstdint>

namespace ringmail::jmap {

struct Limits {
  uint64_t max_size_upload = 50u << 20;   // bytes of one upload
  uint32_t max_concurrent_upload = 4;     // per account on this node
  uint64_t max_size_request = 10u << 20;  // bytes of one API request body
  uint32_t max_concurrent_requests = 4;   // per account on this node
  uint32_t max_calls_in_request = 64;     // methodCalls per request
  uint32_t max_objects_in_get = 1000;     // ids per /get
  uint32_t max_objects_in_set = 1000;     // create + update + destroy per /set
};

// How long an upload stays the account's (and keeps its blob from the collector) unless an
// email references it (RFC 8620 §6: at least an hour).
inline constexpr int64_t kUploadLifetimeS = 24 * 3600;

}  // namespace ringmail::jmap
