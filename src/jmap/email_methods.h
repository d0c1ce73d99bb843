// The Email, Thread and SearchSnippet method families (RFC 8621 §3-5) over the metadata and
// blob stores. Each method is a jmap::MethodFunction (method.h); RegisterEmailMethods adds
// them to the server's table. The API layer has checked `using` and accountId already.
#pragma once

#include "jmap/email_args.h"
#include "jmap/email_render.h"
#include "jmap/method.h"

namespace ringmail::jmap {

// Email/query's largest window (its `limit` when the client gives none or more). Objects per
// Email/get and Email/set are the API's limits (CallContext::limits).
inline constexpr size_t kQueryLimitMax = 1000;

void RegisterEmailMethods(MethodTable* table);

// Reads Email/get's properties, bodyProperties, fetch*BodyValues and maxBodyValueBytes (also
// Email/parse's); false (with args failed) when one is invalid.
bool ReadEmailFetch(Args& args, EmailFetch& fetch);

Task<MethodResponse> EmailGet(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> EmailChanges(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> EmailQuery(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> EmailSet(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> ThreadGet(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> ThreadChanges(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> SearchSnippetGet(CallContext& context, simdjson::dom::object arguments);

}  // namespace ringmail::jmap
