// Email/changes (RFC 8621 §4.3) and Thread/changes (§3.2): the store's change history
// (MetadataStore::LoadChanges over the `changes` table; states are account modseqs).
#include <algorithm>
#include <set>

#include "base/json_writer.h"
#include "jmap/account_emails.h"
#include "jmap/email_args.h"
#include "jmap/email_methods.h"
#include "jmap/ids.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

// A \Deleted email is not visible to JMAP (RFC 8621 §4.1.1). The store's history records an
// email getting the flag as destroyed and losing it as created (docs/storage.md), so the
// fold already says what the client saw; the flags now are the safety net for history
// written before that (migration 14): an email created or updated since the state and
// \Deleted now is dropped or destroyed (LoadEmails of the changed ids: at most
// kChangesAnswerMax).
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

// Thread/changes' counterpart, from the account's emails now (jmap/account_emails.h, as
// Thread/get reads them): a thread with no visible email is dropped from `created` and moved
// from `updated` to `destroyed`; one recorded destroyed that still has a visible email (another
// email of it was \Deleted) is `updated`.
Task<Result<void>> HideDeletedThreads(const CallContext* context, ChangesResult* changes) {
  Result<std::shared_ptr<AccountEmails>> account = co_await LoadAccountEmails(*context);
  if (!account) co_return std::unexpected(account.error());
  std::set<int64_t> visible;
  for (const EmailRecord& e : (*account)->emails) {
    if (!e.flags.deleted) visible.insert(e.thread_id);
  }
  auto hidden = [&](int64_t id) { return !visible.contains(id); };
  std::erase_if(changes->created, hidden);
  for (int64_t id : changes->updated) {
    if (hidden(id)) changes->destroyed.push_back(id);
  }
  std::erase_if(changes->updated, hidden);
  for (int64_t id : changes->destroyed) {
    if (!hidden(id)) changes->updated.push_back(id);
  }
  std::erase_if(changes->destroyed, [&](int64_t id) { return !hidden(id); });
  std::sort(changes->updated.begin(), changes->updated.end());
  std::sort(changes->destroyed.begin(), changes->destroyed.end());
  co_return Result<void>();
}

// Email/changes' largest answer when the client gives no maxChanges (or a larger one).
inline constexpr size_t kChangesAnswerMax = 1000;

Task<MethodResponse> Changes(CallContext& context, simdjson::dom::object arguments,
                             std::string object_type, std::string method,
                             std::string (*format)(int64_t)) {
  MethodResponse bad;
  const std::optional<ChangesArguments> read = ReadChangesArguments(arguments, &bad);
  if (!read) co_return bad;
  const std::string_view since = read->since_state;
  const std::optional<uint64_t> max = read->max_changes;
  const bool object_type_is_email = object_type == "email";
  std::optional<uint64_t> state = ParseState(since);
  if (!state) co_return MethodError("cannotCalculateChanges", "not a state of this server");
  const size_t limit =
      static_cast<size_t>(std::min<uint64_t>(max.value_or(kChangesAnswerMax), kChangesAnswerMax));
  Result<ChangesResult> changes = co_await context.services->stores->metadata->LoadChanges(
      context.account_id, std::move(object_type), *state, limit);
  if (!changes) co_return StoreFailure(changes.error());
  if (changes->cannot_calculate) co_return MethodError("cannotCalculateChanges");
  Result<void> hidden;
  if (object_type_is_email) {
    hidden = co_await HideDeleted(&context, &*changes);
  } else {
    hidden = co_await HideDeletedThreads(&context, &*changes);
  }
  if (!hidden) co_return StoreFailure(hidden.error());
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id);
  w.Key("oldState").String(since).Key("newState").String(StateString(changes->new_state));
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
