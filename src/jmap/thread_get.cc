// Thread/get (RFC 8621 §3.1): a thread's emails, oldest first (receivedAt, then id), from one
// cached email list (jmap/account_emails.h). Threads are the store's thread_id (docs/storage.md,
// "Threads").
#include <algorithm>
#include <map>

#include "base/json_writer.h"
#include "jmap/account_emails.h"
#include "jmap/email_args.h"
#include "jmap/email_methods.h"
#include "jmap/ids.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {

Task<MethodResponse> ThreadGet(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"accountId", "ids", "properties"});
  std::optional<std::vector<std::string>> ids = args.Strings("ids");
  std::optional<std::vector<std::string>> properties = args.Strings("properties");
  for (const std::string& p : properties.value_or(std::vector<std::string>())) {
    if (p != "id" && p != "emailIds") args.Fail("unknown property '" + p + "'");
  }
  if (!args.ok()) co_return InvalidArguments(args.error());
  if (ids && ids->size() > context.limits->max_objects_in_get)
    co_return MethodError("requestTooLarge");
  Result<std::shared_ptr<AccountEmails>> account = co_await LoadAccountEmails(context);
  if (!account) co_return StoreFailure(account.error());
  const std::string state = std::to_string((*account)->state);
  std::map<int64_t, std::vector<const EmailRecord*>> threads;
  for (const EmailRecord& e : (*account)->emails) {
    if (!e.flags.deleted) threads[e.thread_id].push_back(&e);
  }
  std::vector<std::string> wanted;
  if (ids) {
    wanted = *ids;
  } else {
    for (const auto& [id, list] : threads) wanted.push_back(ThreadId(id));
  }
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id).Key("state").String(state);
  w.Key("list").BeginArray();
  std::vector<std::string> not_found;
  for (const std::string& id : wanted) {
    std::optional<int64_t> n = ParseThreadId(id);
    auto it = n ? threads.find(*n) : threads.end();
    if (it == threads.end()) {
      not_found.push_back(id);
      continue;
    }
    std::vector<const EmailRecord*> list = it->second;
    std::sort(list.begin(), list.end(), [](const EmailRecord* a, const EmailRecord* b) {
      return a->received_at != b->received_at ? a->received_at < b->received_at : a->id < b->id;
    });
    w.BeginObject().Key("id").String(id).Key("emailIds").BeginArray();
    for (const EmailRecord* e : list) w.String(EmailId(e->id));
    w.EndArray().EndObject();
  }
  w.EndArray().Key("notFound").Strings(not_found).EndObject();
  co_return MethodResponse{"Thread/get", std::move(out)};
}

}  // namespace ringmail::jmap
