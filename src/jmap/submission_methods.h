// The Identity, EmailSubmission and VacationResponse families (RFC 8621 §6-8):
// jmap::MethodFunction's (method.h) over the metadata store, the directory and the outbound
// queue; RegisterSubmissionMethods adds them to the server's table. docs/jmap_email.md,
// "Identities, submissions, vacation responses".
#pragma once

#include "jmap/method.h"

namespace ringmail::jmap {

void RegisterSubmissionMethods(MethodTable* table);

Task<MethodResponse> IdentityGet(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> IdentityChanges(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> IdentitySetMethod(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> SubmissionGet(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> SubmissionChanges(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> SubmissionQuery(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> SubmissionSet(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> VacationGet(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> VacationSet(CallContext& context, simdjson::dom::object arguments);

}  // namespace ringmail::jmap
