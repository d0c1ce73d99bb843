// RegisterEmailMethods, and the methods that only answer what this server cannot do.
#include "jmap/email_methods.h"

#include "jmap/email_args.h"

namespace ringmail::jmap {
namespace {

// Email/queryChanges (RFC 8621 §4.5): queries are not tracked (Email/query says
// canCalculateChanges: false), so a client re-runs its query.
Task<MethodResponse> EmailQueryChanges(CallContext& /*context*/,
                                       simdjson::dom::object /*arguments*/) {
  co_return MethodError("cannotCalculateChanges", "re-run Email/query");
}

}  // namespace

void RegisterEmailMethods(MethodTable* table) {
  table->Add("Email/get", kMailCapability, EmailGet);
  table->Add("Email/changes", kMailCapability, EmailChanges);
  table->Add("Email/query", kMailCapability, EmailQuery);
  table->Add("Email/queryChanges", kMailCapability, EmailQueryChanges);
  table->Add("Email/set", kMailCapability, EmailSet);
  table->Add("Thread/get", kMailCapability, ThreadGet);
  table->Add("Thread/changes", kMailCapability, ThreadChanges);
  table->Add("SearchSnippet/get", kMailCapability, SearchSnippetGet);
}

}  // namespace ringmail::jmap
