// Email/changes (RFC 8621 §4.3) and Thread/changes (§3.2): the store's change history
// (MetadataStore::LoadChanges over the `changes` table; states are account modseqs).
#include <algorithm>

#include "base/json_writer.h"
#include "jmap/email_args.h"
#include "jmap/email_methods.h"
#include "jmap/ids.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

// A \Deleted email is not visible to JMAP (RFC 8621 §4.1.1): one that got the flag after the
// state was updated there and is destroyed for the client; one created since and already
// \Deleted was never seen. The store's history records flag changes as updates, so the flags
// now decide (LoadEmails of the changed ids: at most kChangesAnswerMax). What they cannot say
// is whether an email updated since was \Deleted at the state: one whose flag was cleared
// stays in `updated` (clients fetch an updated id they do not know, as for one they do).
Task<Result<void>> HideDeleted(const CallContext* context, ChangesResult* changes) {
  std::vector<int64_t> ids = changes->created;
  ids.insert(ids.end(), changes->updated.begin(), changes->updated.end());
  if (ids.empty()) co_return Result<void>();
  std::sort(ids.begin(), ids.end());
  Result<std::vector<EmailRecord>> emails =
      co_await context->services->stores->metadata->LoadEmails(context->account_id, std::move(ids));
  if (!emails) co_return std::unexpected(emails.error());
  std::vector<int64_t> deleted;
  for (const EmailRecord& e : *emails) {
    if (e.flags.deleted) deleted.push_back(e.id);  // ascending, as LoadEmails answers
  }
  if (deleted.empty()) co_return Result<void>();
  auto is_deleted = [&](int64_t id) {
    return std::binary_search(deleted.begin(), deleted.end(), id);
  };
  std::erase_if(changes->created, is_deleted);
  for (int64_t id : changes->updated) {
    if (is_deleted(id)) changes->destroyed.push_back(id);
  }
  std::erase_if(changes->updated, is_deleted);
  std::sort(changes->destroyed.begin(), changes->destroyed.end());
  co_return Result<void>();
}

// Email/changes' largest answer when the client gives no maxChanges (or a larger one).
inline constexpr size_t kChangesAnswerMax = 1000;

Task<MethodResponse> Changes(CallContext& context, simdjson::dom::object arguments,
                             std::string object_type, std::string method,
                             std::string (*format)(int64_t)) {
  Args args(arguments);
  args.Only({"accountId", "sinceState", "maxChanges"});
  std::optional<std::string_view> since = args.String("sinceState");
  std::optional<uint64_t> max = args.Uint("maxChanges");
  if (args.ok() && !since) args.Fail("'sinceState' is required");
  if (args.ok() && max && *max == 0) args.Fail("'maxChanges' must be positive");
  if (!args.ok()) co_return InvalidArguments(args.error());
  const bool object_type_is_email = object_type == "email";
  std::optional<uint64_t> state = ParseState(*since);
  if (!state) co_return MethodError("cannotCalculateChanges", "not a state of this server");
  const size_t limit =
      static_cast<size_t>(std::min<uint64_t>(max.value_or(kChangesAnswerMax), kChangesAnswerMax));
  Result<ChangesResult> changes = co_await context.services->stores->metadata->LoadChanges(
      context.account_id, std::move(object_type), *state, limit);
  if (!changes) co_return StoreFailure(changes.error());
  if (changes->cannot_calculate) co_return MethodError("cannotCalculateChanges");
  if (object_type_is_email) {
    Result<void> hidden = co_await HideDeleted(&context, &*changes);
    if (!hidden) co_return StoreFailure(hidden.error());
  }
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id);
  w.Key("oldState").String(*since).Key("newState").String(StateString(changes->new_state));
  w.Key("hasMoreChanges").Bool(changes->has_more_changes);
  for (const auto& [key, ids] :
       {std::pair{"created", &changes->created}, std::pair{"updated", &changes->updated},
        std::pair{"destroyed", &changes->destroyed}}) {
    w.Key(key).BeginArray();
    for (int64_t id : *ids) w.String(format(id));
    w.EndArray();
  }
  w.EndObject();
  co_return MethodResponse{std::move(method), std::move(out)};
}

}  // namespace

Task<MethodResponse> EmailChanges(CallContext& context, simdjson::dom::object arguments) {
  MethodResponse r = co_await Changes(context, arguments, "email", "Email/changes", EmailId);
  co_return r;
}

Task<MethodResponse> ThreadChanges(CallContext& context, simdjson::dom::object arguments) {
  MethodResponse r = co_await Changes(context, arguments, "thread", "Thread/changes", ThreadId);
  co_return r;
}

}  // namespace ringmail::jmap
