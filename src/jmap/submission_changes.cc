// EmailSubmission/changes (RFC 8620 §5.2 for RFC 8621 §7): from the states kept on each
// submission (created_state, updated_state: its creation, and the last change — a delivery
// attempt written by jmap/submission_tracker.h) and the account's destroyed_state (the last
// submission destroyed or forgotten). Destructions are not listed one by one: a state from
// before the last one is cannotCalculateChanges, as is one from before migration 14.
#include <algorithm>
#include <tuple>

#include "base/json_writer.h"
#include "jmap/args.h"
#include "jmap/email_args.h"
#include "jmap/ids.h"
#include "jmap/submission_methods.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

// Changes per answer when the client gives no maxChanges (or a larger one).
inline constexpr size_t kSubmissionChangesMax = 1000;

struct Change {
  uint64_t state = 0;  // the submission's last change
  int64_t id = 0;
  bool created = false;  // created after the client's state
};

// The changes after `since`, in state order, cut to at most `max` at a state boundary;
// *new_state is where they bring the client (the list's state when nothing was cut). An empty
// answer with *more set: one state changed more than `max` submissions.
std::vector<Change> ChangesSince(const SubmissionList& list, uint64_t since, size_t max,
                                 uint64_t* new_state, bool* more) {
  std::vector<Change> out;
  for (const SubmissionRecord& s : list.submissions) {
    if (s.updated_state > since) out.push_back({s.updated_state, s.id, s.created_state > since});
  }
  std::sort(out.begin(), out.end(), [](const Change& a, const Change& b) {
    return std::tie(a.state, a.id) < std::tie(b.state, b.id);
  });
  *new_state = list.state;
  *more = out.size() > max;
  if (!*more) return out;
  const uint64_t cut = out[max].state;  // the first state left out, whole
  while (!out.empty() && out.back().state >= cut) out.pop_back();
  *new_state = out.empty() ? since : out.back().state;
  return out;
}

}  // namespace

Task<MethodResponse> SubmissionChanges(CallContext& context, simdjson::dom::object arguments) {
  MethodResponse bad;
  const std::optional<ChangesArguments> read = ReadChangesArguments(arguments, &bad);
  if (!read) co_return bad;
  const std::string_view since = read->since_state;
  const std::optional<uint64_t> max = read->max_changes;
  Result<SubmissionList> list =
      co_await context.services->stores->metadata->ListSubmissions(context.account_id);
  if (!list) co_return StoreFailure(list.error());
  const std::optional<uint64_t> state = ParseState(since);
  if (!state || *state > list->state || *state < list->destroyed_state) {
    co_return MethodError("cannotCalculateChanges", "re-fetch the submissions");
  }
  const size_t limit = static_cast<size_t>(
      std::min<uint64_t>(max.value_or(kSubmissionChangesMax), kSubmissionChangesMax));
  uint64_t new_state = 0;
  bool more = false;
  const std::vector<Change> changes = ChangesSince(*list, *state, limit, &new_state, &more);
  if (more && changes.empty()) co_return MethodError("cannotCalculateChanges", "too many at once");
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id);
  w.Key("oldState").String(since).Key("newState").String(StateString(new_state));
  w.Key("hasMoreChanges").Bool(more);
  for (const bool created : {true, false}) {
    w.Key(created ? "created" : "updated").BeginArray();
    for (const Change& c : changes) {
      if (c.created == created) w.String(SubmissionId(c.id));
    }
    w.EndArray();
  }
  w.Key("destroyed").BeginArray().EndArray().EndObject();
  co_return MethodResponse{"EmailSubmission/changes", std::move(out)};
}

}  // namespace ringmail::jmap
