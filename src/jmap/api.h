// JMAP API request processing (RFC 8620 §3.3–3.7): the body of a POST to the API endpoint
// in, the Response object (or a request-level error) out. Parses the Request with simdjson,
// checks `using` and the limits, then runs each method call in order: resolves its
// ResultReferences ("#name" arguments, jmap/json_pointer.h), checks its accountId, calls the
// method from the MethodTable and collects the response invocation. createdIds go in and out
// through CallContext::created_ids.
//
// Runs on the connection's core; methods may suspend on the store.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "jmap/method.h"
#include "runtime/task.h"

namespace ringmail::jmap {

// The HTTP answer to one API request: 200 with a Response object, or 400 with a problem
// details object (RFC 7807) for a request-level error (RFC 8620 §3.6.1).
struct ApiAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// A request-level error: `type` is the part after "urn:ietf:params:jmap:error:" (notJSON,
// notRequest, unknownCapability, limit); `limit` names the limit for "limit".
// `status` is the HTTP status (400; the upload endpoint answers 413 and 403 too).
ApiAnswer RequestError(std::string_view type, std::string_view detail, std::string_view limit = {},
                       int status = 400);

// Processes one API request. `session_state` is the session resource's state
// (Response.sessionState). REQUIRES: context->limits set, context authenticated; table and
// context outlive the task.
Task<ApiAnswer> ProcessRequest(const MethodTable* table, CallContext* context, std::string body,
                               std::string session_state);

// Registers Core/echo (RFC 8620 §4).
void RegisterCoreMethods(MethodTable* table);

// Requests (or uploads) in flight per account on this node, for maxConcurrentRequests and
// maxConcurrentUpload. Lock-free: accounts hash to kSlots counters, so two accounts sharing a
// slot share its budget (only when many accounts are busy at once). Any core.
class ConcurrencyGate {
 public:
  static constexpr size_t kSlots = 4096;
  // false (and nothing taken) when the account's slot already has `max` in flight.
  bool Enter(int64_t account_id, uint32_t max);
  // REQUIRES: a successful Enter for the same account.
  void Leave(int64_t account_id);

 private:
  std::array<std::atomic<uint32_t>, kSlots> in_flight_{};
};

// One slot of a ConcurrencyGate held for its scope (Leave when destroyed, also when the
// holding coroutine is destroyed early).
class GateSlot {
 public:
  // Holds nothing when the gate is full: check held().
  GateSlot(ConcurrencyGate* gate, int64_t account_id, uint32_t max)
      : gate_(gate->Enter(account_id, max) ? gate : nullptr), account_id_(account_id) {}
  ~GateSlot() {
    if (gate_ != nullptr) gate_->Leave(account_id_);
  }
  GateSlot(const GateSlot&) = delete;
  GateSlot& operator=(const GateSlot&) = delete;
  bool held() const { return gate_ != nullptr; }

 private:
  ConcurrencyGate* gate_;
  int64_t account_id_;
};

}  // namespace ringmail::jmap
