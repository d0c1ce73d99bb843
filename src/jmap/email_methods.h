// The Email, Thread and SearchSnippet method families (RFC 8621 §3-5) over the metadata and
// blob stores. Each method is a jmap::MethodFunction (method.h); RegisterEmailMethods adds
// them to the server's table. The API layer has checked `using` and accountId already.
#pragma once

#include "jmap/method.h"

namespace ringmail::jmap {

inline constexpr size_t kEmailGetMax = 500;     // ids per Email/get (maxObjectsInGet)
inline constexpr size_t kEmailSetMax = 500;     // operations per Email/set (maxObjectsInSet)
inline constexpr size_t kQueryLimitMax = 1000;  // Email/query limit when the client gives none

void RegisterEmailMethods(MethodTable& table);

Task<MethodResponse> EmailGet(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> EmailQuery(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> EmailSet(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> ThreadGet(CallContext& context, simdjson::dom::object arguments);

}  // namespace ringmail::jmap
