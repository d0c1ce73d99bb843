// `queue list`, `queue retry ID|--all`, `queue remove ID` (docs/queue.md, "CLI"): the outbound
// queue as the metadata store holds it, for every node sharing it.
#include <cstdio>
#include <ctime>
#include <string>

#include "server/admin_ops.h"
#include "server/cli_commands.h"
#include "server/server.h"

namespace ringmail::cli {
namespace {

std::string Time(int64_t t) { return admin::FormatTime(t); }

void PrintMessage(const QueuedMessageRecord& m) {
  std::printf("%lld  from <%s>  %llu bytes  queued %s  expires %s\n", static_cast<long long>(m.id),
              m.sender.c_str(), static_cast<unsigned long long>(m.size), Time(m.created_at).c_str(),
              Time(m.expires_at).c_str());
  for (const QueueRecipientRecord& r : m.recipients) {
    std::printf("    <%s>  %s  attempts %u", r.address.c_str(), admin::QueueStateName(r.state),
                r.attempts);
    if (r.state == QueueRecipientState::kPending) {
      std::printf("  next %s", Time(r.next_attempt_at).c_str());
    }
    if (!r.last_reply.empty()) std::printf("  last: %s", r.last_reply.c_str());
    std::printf("\n");
  }
}

Task<int> List(MetadataStore* store) {
  Result<std::vector<QueuedMessageRecord>> all = co_await admin::ListQueue(store);
  if (!all) co_return Refused(all.error());
  for (const QueuedMessageRecord& m : *all) PrintMessage(m);
  if (all->empty()) std::printf("the queue is empty\n");
  co_return kExitOk;
}

}  // namespace

Task<int> QueueCommand(MetadataStore* store, std::vector<std::string> words) {
  Result<Args> args = ParseArgs(words, {}, {"--all"});
  if (!args) co_return Refused(args.error());
  const std::vector<std::string>& p = args->positional;
  const std::string verb = p.size() > 1 ? p[1] : "";
  if (verb == "list" && p.size() == 2) {
    int code = co_await List(store);
    co_return code;
  }
  if (verb == "retry" && ((p.size() == 3) != args->Flag("--all"))) {
    int64_t id = 0;
    if (p.size() == 3) {
      Result<int64_t> parsed = admin::ParseQueueId(p[2]);
      if (!parsed) co_return Refused(parsed.error());
      id = *parsed;
    }
    Result<size_t> n = co_await admin::RetryQueue(store, id);
    if (!n) co_return Refused(n.error());
    std::printf("%zu recipient(s) due now\n", *n);
    co_return kExitOk;
  }
  if (verb == "remove" && p.size() == 3) {
    Result<int64_t> parsed = admin::ParseQueueId(p[2]);
    if (!parsed) co_return Refused(parsed.error());
    Result<void> removed = co_await store->RemoveQueued(*parsed);
    if (!removed) co_return Refused(removed.error());
    co_return kExitOk;
  }
  co_return Usage("queue list | queue retry ID|--all | queue remove ID");
}

}  // namespace ringmail::cli
