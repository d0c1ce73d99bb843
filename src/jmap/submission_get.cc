// EmailSubmission/get, /query, /queryChanges (RFC 8621 §7.1-7.4) over the stored submissions
// (the newest kSubmissionsMax per account), and RegisterSubmissionMethods (/changes is
// submission_changes.cc). Submissions are final once created; deliveryStatus is kept with the
// submission and written by each delivery attempt (jmap/submission_tracker.h), and brought up
// to date from the outbound queue for recipients still queued (jmap/submission_status.h).
#include <algorithm>

#include "jmap/email_args.h"
#include "jmap/email_headers.h"
#include "jmap/ids.h"
#include "jmap/submission_common.h"
#include "jmap/submission_methods.h"
#include "jmap/submission_status.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

// A stored submission with its envelope column decoded.
struct SubmissionView {
  int64_t id = 0;
  const SubmissionRecord* record = nullptr;
  SubmissionState state;
};

void WriteSubmission(JsonWriter& w, const SubmissionView& v) {
  const SubmissionRecord& s = *v.record;
  w.BeginObject().Key("id").String(SubmissionId(s.id));
  w.Key("identityId").String(IdentityId(s.identity_id)).Key("emailId").String(EmailId(s.email_id));
  w.Key("threadId").String(ThreadId(s.thread_id)).Key("envelope").Raw(v.state.envelope);
  w.Key("sendAt").String(UtcDate(s.send_at)).Key("undoStatus").String("final");
  w.Key("deliveryStatus");
  WriteDeliveryStatus(w, v.state.delivery);
  w.Key("dsnBlobIds").BeginArray().EndArray().Key("mdnBlobIds").BeginArray().EndArray();
  w.EndObject();
}

// Updates the views whose recipients are still queued from one read of the queue, from the
// oldest of their messages on (kSubmissionQueueLookupMax messages at most: a message past
// what was read keeps its last known state).
Task<Result<void>> FollowQueue(const CallContext* context, std::vector<SubmissionView>* views) {
  int64_t oldest = 0;
  for (const SubmissionView& v : *views) {
    if (AwaitsQueue(v.state) && (oldest == 0 || v.state.queue_id < oldest)) {
      oldest = v.state.queue_id;
    }
  }
  if (oldest == 0) co_return Result<void>();
  Result<std::vector<QueuedMessageRecord>> queue =
      co_await context->services->stores->metadata->ListQueue(oldest - 1,
                                                              kSubmissionQueueLookupMax);
  if (!queue) co_return std::unexpected(queue.error());
  const bool whole = queue->size() < kSubmissionQueueLookupMax;
  const int64_t last = queue->empty() ? 0 : queue->back().id;
  for (SubmissionView& v : *views) {
    if (!AwaitsQueue(v.state)) continue;
    auto it = std::find_if(queue->begin(), queue->end(),
                           [&](const QueuedMessageRecord& m) { return m.id == v.state.queue_id; });
    if (it != queue->end()) {
      ApplyQueueState(&*it, &v.state);
    } else if (whole || v.state.queue_id < last) {
      ApplyQueueState(nullptr, &v.state);  // it left the queue
    }
  }
  co_return Result<void>();
}

// Whether a submission passes an EmailSubmission/query filter (RFC 8621 §7.3); `bad` set when
// the filter is malformed.
bool Matches(const SubmissionRecord& s, simdjson::dom::object filter, bool* bad) {
  for (auto [key, value] : filter) {
    if (key == "identityIds" || key == "emailIds" || key == "threadIds") {
      std::optional<std::vector<std::string>> ids = StringArray(value);
      if (!ids) return *bad = true, false;
      const std::string mine = key == "identityIds" ? IdentityId(s.identity_id)
                               : key == "emailIds"  ? EmailId(s.email_id)
                                                    : ThreadId(s.thread_id);
      if (std::find(ids->begin(), ids->end(), mine) == ids->end()) return false;
    } else if (key == "undoStatus") {
      std::string_view status;
      if (value.get_string().get(status) != simdjson::SUCCESS) return *bad = true, false;
      if (status != "final") return false;
    } else if (key == "before" || key == "after") {
      std::string_view text;
      std::optional<int64_t> t;
      if (value.get_string().get(text) == simdjson::SUCCESS) t = ParseUtcDate(text);
      if (!t) return *bad = true, false;
      if (key == "before" ? s.send_at >= *t : s.send_at < *t) return false;
    } else {
      return *bad = true, false;
    }
  }
  return true;
}

// Query-changes are not tracked: a client re-runs its query.
Task<MethodResponse> SubmissionQueryChanges(CallContext& /*context*/,
                                            simdjson::dom::object /*arguments*/) {
  co_return MethodError("cannotCalculateChanges", "re-run EmailSubmission/query");
}

}  // namespace

Task<MethodResponse> SubmissionGet(CallContext& context, simdjson::dom::object arguments) {
  std::optional<std::vector<std::string>> ids;
  if (std::optional<MethodResponse> bad = ReadGetArguments(context, arguments, &ids)) {
    co_return std::move(*bad);
  }
  Result<SubmissionList> list =
      co_await context.services->stores->metadata->ListSubmissions(context.account_id);
  if (!list) co_return StoreFailure(list.error());
  std::vector<SubmissionView> views;
  for (const SubmissionRecord& s : list->submissions) {
    if (ids && std::find(ids->begin(), ids->end(), SubmissionId(s.id)) == ids->end()) continue;
    views.push_back({s.id, &s, DecodeSubmissionState(s.envelope)});
  }
  Result<void> followed = co_await FollowQueue(&context, &views);
  if (!followed) co_return StoreFailure(followed.error());
  co_return MethodResponse{"EmailSubmission/get", GetAnswer(context, list->state, views, ids,
                                                            SubmissionId, WriteSubmission)};
}

Task<MethodResponse> SubmissionQuery(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"accountId", "filter", "sort", "position", "limit", "calculateTotal"});
  std::optional<simdjson::dom::element> filter = args.Get("filter");
  std::optional<simdjson::dom::element> sort = args.Get("sort");
  const int64_t position = args.Int("position", 0);
  const int64_t limit = args.Int("limit", 1000);
  const bool total = args.Bool("calculateTotal", false);
  simdjson::dom::object f;
  if (filter && filter->get_object().get(f) != simdjson::SUCCESS) args.Fail("bad 'filter'");
  if (!args.ok()) co_return InvalidArguments(args.error());
  if (position < 0 || limit < 0) co_return InvalidArguments("negative position or limit");
  // Sorted by sendAt (= creation order): any sort asked for by sentAt ascends or descends.
  bool descending = false;
  simdjson::dom::array comparators;
  if (sort && sort->get_array().get(comparators) == simdjson::SUCCESS) {
    for (simdjson::dom::element c : comparators) {
      bool ascending = true;
      if (c["isAscending"].get_bool().get(ascending) == simdjson::SUCCESS) descending = !ascending;
      break;
    }
  }
  Result<SubmissionList> list =
      co_await context.services->stores->metadata->ListSubmissions(context.account_id);
  if (!list) co_return StoreFailure(list.error());
  std::vector<std::string> ids;
  bool bad = false;
  for (const SubmissionRecord& s : list->submissions) {
    if (!filter || Matches(s, f, &bad)) ids.push_back(SubmissionId(s.id));
  }
  if (bad) co_return MethodError("unsupportedFilter");
  if (descending) std::reverse(ids.begin(), ids.end());
  const size_t count = ids.size();
  const size_t from = std::min(count, static_cast<size_t>(position));
  const size_t to = std::min(count, from + static_cast<size_t>(limit));
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id);
  w.Key("queryState").String(StateString(list->state)).Key("canCalculateChanges").Bool(false);
  w.Key("position").Uint(from);
  w.Key("ids").Strings(std::vector<std::string>(ids.begin() + from, ids.begin() + to));
  if (total) w.Key("total").Uint(count);
  w.EndObject();
  co_return MethodResponse{"EmailSubmission/query", std::move(out)};
}

void RegisterSubmissionMethods(MethodTable* table) {
  table->Add("Identity/get", kSubmissionCapability, IdentityGet);
  table->Add("Identity/changes", kSubmissionCapability, IdentityChanges);
  table->Add("Identity/set", kSubmissionCapability, IdentitySetMethod);
  table->Add("EmailSubmission/get", kSubmissionCapability, SubmissionGet);
  table->Add("EmailSubmission/changes", kSubmissionCapability, SubmissionChanges);
  table->Add("EmailSubmission/query", kSubmissionCapability, SubmissionQuery);
  table->Add("EmailSubmission/queryChanges", kSubmissionCapability, SubmissionQueryChanges);
  table->Add("EmailSubmission/set", kSubmissionCapability, SubmissionSet);
  table->Add("VacationResponse/get", kVacationCapability, VacationGet);
  table->Add("VacationResponse/set", kVacationCapability, VacationSet);
}

}  // namespace ringmail::jmap
