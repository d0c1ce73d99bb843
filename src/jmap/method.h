// The seam between JMAP's request processing (RFC 8620 §3: jmap/api.*) and the method
// families (jmap/mailbox_*.cc, jmap/email_*.cc, jmap/thread_*.cc, ...): what a method is
// given and what it answers.
//
// The API layer parses the request, checks `using`, resolves ResultReferences ("#name"
// arguments) into plain arguments, checks that `accountId` (when the method takes one) is the
// authenticated account's, and calls the method with its arguments as a simdjson object. A
// method answers one response invocation (its own name, or "error"); the API layer adds the
// call id. Methods run on the connection's core; they may suspend on the store.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "jmap/limits.h"
#include "runtime/task.h"

namespace ringmail {
struct MailServices;
}

namespace ringmail::jmap {

// Capability URIs (RFC 8620 §2, RFC 8621 §1.3).
inline constexpr std::string_view kCoreCapability = "urn:ietf:params:jmap:core";
inline constexpr std::string_view kMailCapability = "urn:ietf:params:jmap:mail";
inline constexpr std::string_view kSubmissionCapability = "urn:ietf:params:jmap:submission";
inline constexpr std::string_view kVacationCapability = "urn:ietf:params:jmap:vacationresponse";

// One response invocation's name and arguments (a JSON object, as text).
struct MethodResponse {
  std::string name;       // the method's name, or "error"
  std::string arguments;  // e.g. {"accountId":"a1","state":"5","list":[],"notFound":[]}
};

// Who is calling and with what. One per API request, shared by its method calls.
struct CallContext {
  const MailServices* services = nullptr;
  int64_t account_id = 0;       // the store's id of the authenticated account
  std::string account_name;     // the directory's name of it
  std::string jmap_account_id;  // the opaque id the session resource gives it
  // Creation ids ("k1") to the ids they created, across the request's calls (RFC 8620
  // §3.3 createdIds); "#k1" in an id argument means the id created for "k1".
  std::map<std::string, std::string, std::less<>> created_ids;
  // The server's limits (maxObjectsInGet, maxObjectsInSet); never null inside a method.
  const Limits* limits = nullptr;
  // Responses a method adds after its own, under its call id (RFC 8621 §7.5: the implicit
  // Email/set of EmailSubmission/set); the API layer moves them out after each call.
  std::vector<MethodResponse> implicit_responses;
};

// A method-level error (RFC 8620 §3.6.2): name "error", {"type": type[, "description"]}.
MethodResponse MethodError(std::string_view type, std::string_view description = {});
// The method error for a failed store operation: serverUnavailable for a temporary failure
// (kUnavailable, kBusy, kTimeout), serverFail otherwise (RFC 8620 §3.6.2).
MethodResponse StoreFailure(const Error& error);

using MethodFunction = Task<MethodResponse> (*)(CallContext& context,
                                                simdjson::dom::object arguments);

// The methods the server knows: name -> capability and function. Filled at start by each
// family's Register*Methods, then read-only (any core).
class MethodTable {
 public:
  struct Entry {
    std::string name;        // "Mailbox/get"
    std::string capability;  // the capability the request's `using` must list
    MethodFunction function = nullptr;
  };
  void Add(std::string name, std::string_view capability, MethodFunction function);
  // nullptr when unknown (the API layer answers unknownMethod).
  const Entry* Find(std::string_view name) const;

 private:
  std::vector<Entry> entries_;
};

}  // namespace ringmail::jmap
