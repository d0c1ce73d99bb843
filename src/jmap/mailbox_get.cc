// Mailbox/get and Mailbox/changes (RFC 8621 §2.1–2.2, RFC 8620 §5.1–5.2).
#include <algorithm>
#include <unordered_map>

#include "jmap/account_emails.h"
#include "jmap/args.h"
#include "jmap/ids.h"
#include "jmap/mailbox_tree.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

constexpr std::string_view kProperties[] = {
    "id",           "name",         "parentId",      "role",     "sortOrder",   "totalEmails",
    "unreadEmails", "totalThreads", "unreadThreads", "myRights", "isSubscribed"};

void WriteIds(JsonWriter& w, const std::vector<int64_t>& ids) {
  w.BeginArray();
  for (int64_t id : ids) w.String(MailboxId(id));
  w.EndArray();
}

bool WantsCounts(const std::vector<std::string>& properties) {
  return properties.empty() || std::any_of(properties.begin(), properties.end(), [](auto& p) {
           return p.ends_with("Emails") || p.ends_with("Threads");
         });
}

// Sets every mailbox's counts to the emails JMAP shows: the store's counts include
// \Deleted messages, which JMAP must not show (RFC 8621 §4.1.1). From the account's cached
// emails (account_emails.h), which Email/query reads too.
Task<Result<void>> CountVisibleEmails(CallContext* context, MailboxTree* tree) {
  Result<std::shared_ptr<AccountEmails>> account = co_await LoadAccountEmails(*context);
  if (!account) co_return std::unexpected(account.error());
  std::unordered_map<int64_t, std::pair<uint64_t, uint64_t>> counts;  // mailbox: total, unseen
  for (const EmailRecord& e : (*account)->emails) {
    if (e.flags.deleted) continue;
    for (const EmailPlacement& p : e.placements) {
      auto& [total, unseen] = counts[p.mailbox_id];
      ++total;
      unseen += e.flags.seen ? 0 : 1;
    }
  }
  for (MailboxNode& node : tree->nodes) {
    auto it = counts.find(node.record.id);
    node.record.message_count = it == counts.end() ? 0 : it->second.first;
    node.record.unseen_count = it == counts.end() ? 0 : it->second.second;
  }
  co_return Result<void>();
}

}  // namespace

Task<MethodResponse> MailboxGet(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  const std::optional<std::vector<std::string>> ids = args.Strings("ids");
  const std::optional<std::vector<std::string>> props = args.Strings("properties");
  if (!args.ok()) co_return InvalidArguments(args.error());
  std::vector<std::string> properties = props.value_or(std::vector<std::string>());
  for (const std::string& p : properties) {
    if (std::find(std::begin(kProperties), std::end(kProperties), p) == std::end(kProperties)) {
      co_return MethodError("invalidArguments", "unknown property '" + p + "'");
    }
  }
  if (props && properties.empty()) properties.push_back("id");
  if (ids && ids->size() > context.limits->max_objects_in_get) {
    co_return MethodError("requestTooLarge", "more ids than maxObjectsInGet");
  }
  Result<MailboxTree> tree = co_await LoadMailboxTree(&context);
  if (!tree) co_return StoreFailure(tree.error());
  if (WantsCounts(properties)) {
    Result<void> counted = co_await CountVisibleEmails(&context, &*tree);
    if (!counted) co_return StoreFailure(counted.error());
  }
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id);
  w.Key("state").String(StateString(tree->state)).Key("list").BeginArray();
  std::vector<std::string> not_found;
  if (!ids) {
    for (const MailboxNode& n : tree->nodes) WriteMailbox(w, n, properties);
  } else {
    for (std::string id : *ids) {
      if (id.starts_with("#")) {
        auto it = context.created_ids.find(id.substr(1));
        if (it != context.created_ids.end()) id = it->second;
      }
      std::optional<int64_t> n = ParseMailboxId(id);
      const MailboxNode* node = n ? tree->Find(*n) : nullptr;
      if (node == nullptr) {
        not_found.push_back(id);
      } else {
        WriteMailbox(w, *node, properties);
      }
    }
  }
  w.EndArray().Key("notFound").Strings(not_found).EndObject();
  co_return MethodResponse{"Mailbox/get", std::move(out)};
}

Task<MethodResponse> MailboxChanges(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  const std::optional<std::string_view> since = args.String("sinceState");
  const std::optional<uint64_t> max = args.Uint("maxChanges");
  if (!args.ok()) co_return InvalidArguments(args.error());
  if (!since) co_return InvalidArguments("'sinceState' is required");
  if (max && *max == 0) co_return InvalidArguments("maxChanges must be > 0");
  const std::optional<uint64_t> state = ParseState(*since);
  if (!state) co_return MethodError("cannotCalculateChanges", "not a state of this server");
  const size_t limit = std::min<uint64_t>(max.value_or(kChangesMax), kChangesMax);
  Result<ChangesResult> changes = co_await context.services->stores->metadata->LoadChanges(
      context.account_id, "mailbox", *state, limit);
  if (!changes) co_return StoreFailure(changes.error());
  if (changes->cannot_calculate) co_return MethodError("cannotCalculateChanges");
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id);
  w.Key("oldState").String(*since).Key("newState").String(StateString(changes->new_state));
  w.Key("hasMoreChanges").Bool(changes->has_more_changes);
  w.Key("created");
  WriteIds(w, changes->created);
  w.Key("updated");
  WriteIds(w, changes->updated);
  w.Key("destroyed");
  WriteIds(w, changes->destroyed);
  // The history does not say which changes only moved counts: every property may have.
  w.Key("updatedProperties").Null().EndObject();
  co_return MethodResponse{"Mailbox/changes", std::move(out)};
}

}  // namespace ringmail::jmap
