// Email/query (RFC 8621 §4.4): the account's emails filtered, sorted, collapsed to threads
// and windowed in memory, over the account's cached email list (jmap/account_emails.h, which
// also keeps each query's result until the state moves); message bytes are read only when a
// filter or sort needs them. Every filter and sort the RFC defines is implemented; anything
// else is unsupportedFilter / unsupportedSort, never ignored. queryState is the Email state;
// canCalculateChanges is false (Email/queryChanges answers cannotCalculateChanges).
#include <algorithm>
#include <map>
#include <set>

#include "imap/message_date.h"
#include "imap/search_text.h"
#include "imap/sort_keys.h"
#include "jmap/account_emails.h"
#include "jmap/email_args.h"
#include "jmap/email_filter.h"
#include "jmap/email_keywords.h"
#include "jmap/email_methods.h"
#include "jmap/ids.h"
#include "mime/header.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

inline constexpr size_t kSortsMax = 16;

struct Comparator {
  std::string property;
  std::string keyword;
  bool ascending = true;
};

bool SortNeedsMessage(const Comparator& c) {
  return c.property == "from" || c.property == "to" || c.property == "subject" ||
         c.property == "sentAt";
}

// Parses `sort`; an error type ("unsupportedSort" / "invalidArguments") on failure.
std::string ParseSort(simdjson::dom::element json, std::vector<Comparator>& out) {
  simdjson::dom::array array;
  if (json.get_array().get(array) != simdjson::SUCCESS) return "invalidArguments";
  for (simdjson::dom::element e : array) {
    simdjson::dom::object o;
    std::string_view property;
    if (e.get_object().get(o) != simdjson::SUCCESS ||
        o["property"].get_string().get(property) != simdjson::SUCCESS || out.size() >= kSortsMax) {
      return "invalidArguments";
    }
    Comparator c{std::string(property), "", true};
    bool ascending = true;
    if (o["isAscending"].get_bool().get(ascending) == simdjson::SUCCESS) c.ascending = ascending;
    std::string_view collation;
    if (o["collation"].get_string().get(collation) == simdjson::SUCCESS &&
        collation != "i;unicode-casemap" && collation != "i;ascii-casemap") {
      return "unsupportedSort";
    }
    static constexpr std::string_view kPlain[] = {"receivedAt", "size",    "from",
                                                  "to",         "subject", "sentAt"};
    static constexpr std::string_view kKeyword[] = {"hasKeyword", "allInThreadHaveKeyword",
                                                    "someInThreadHaveKeyword"};
    if (std::find(std::begin(kKeyword), std::end(kKeyword), property) != std::end(kKeyword)) {
      std::string_view keyword;
      if (o["keyword"].get_string().get(keyword) != simdjson::SUCCESS || !ValidKeyword(keyword)) {
        return "invalidArguments";
      }
      c.keyword = std::string(keyword);
    } else if (std::find(std::begin(kPlain), std::end(kPlain), property) == std::end(kPlain)) {
      return "unsupportedSort";
    }
    out.push_back(std::move(c));
  }
  return "";
}

struct Candidate {
  EmailView view;
  std::vector<std::string> text_keys;  // per comparator (from, to, subject)
  std::vector<int64_t> number_keys;    // per comparator (the rest)
};

void MakeKeys(Candidate& c, const std::vector<Comparator>& sort) {
  const EmailRecord& r = *c.view.record;
  for (const Comparator& s : sort) {
    std::string text;
    int64_t number = 0;
    const std::string_view header =
        c.view.message ? c.view.message->tree.root().header.In(c.view.message->bytes) : "";
    if (s.property == "receivedAt") {
      number = r.received_at;
    } else if (s.property == "size") {
      number = static_cast<int64_t>(r.size);
    } else if (s.property == "from" || s.property == "to") {
      text = imap::DisplaySortKey(header, s.property == "from" ? "From" : "To");
    } else if (s.property == "subject") {
      std::optional<std::string_view> subject = mime::FindHeader(header, "Subject");
      text = imap::FoldCase(imap::ExtractBaseSubject(subject.value_or("")).text);
    } else if (s.property == "sentAt") {
      std::optional<std::string_view> date = mime::FindHeader(header, "Date");
      std::optional<imap::MessageDate> d;
      if (date) d = imap::ParseMessageDate(mime::Unfold(*date));
      number = d ? d->utc_seconds : r.received_at;
    } else if (s.property == "hasKeyword") {
      number = HasKeyword(r.flags, s.keyword) ? 1 : 0;
    } else {
      const bool all = s.property == "allInThreadHaveKeyword";
      bool result = all;
      for (const EmailRecord* t : *c.view.thread) {
        if (HasKeyword(t->flags, s.keyword) != all) result = !all;
      }
      number = result ? 1 : 0;
    }
    c.text_keys.push_back(std::move(text));
    c.number_keys.push_back(number);
  }
}

bool Before(const Candidate& a, const Candidate& b, const std::vector<Comparator>& sort) {
  for (size_t i = 0; i < sort.size(); ++i) {
    int cmp = a.text_keys[i].compare(b.text_keys[i]);
    if (cmp == 0)
      cmp = a.number_keys[i] < b.number_keys[i] ? -1 : (a.number_keys[i] > b.number_keys[i]);
    if (cmp != 0) return sort[i].ascending ? cmp < 0 : cmp > 0;
  }
  return a.view.record->id < b.view.record->id;  // a stable, total order
}

// The query's canonical form, the key of its cached results: what decides which ids match
// and in which order (not position, anchor or limit).
std::string QueryKey(const Args& args, bool collapse) {
  std::string key = collapse ? "c" : "-";
  for (std::string_view name : {"filter", "sort"}) {
    key += '\n';
    if (std::optional<simdjson::dom::element> e = args.Get(name)) key += simdjson::minify(*e);
  }
  return key;
}

// The ids of the account's emails that match `filter`, in `sort` order, one per thread with
// `collapse`; message bytes are read only when the filter or the sort needs them.
Task<Result<std::vector<int64_t>>> RunQuery(const CallContext& context,
                                            const AccountEmails& account,
                                            const std::optional<EmailFilter>& filter,
                                            const std::vector<Comparator>& sort, bool collapse) {
  std::vector<const EmailRecord*> emails;
  for (const EmailRecord& e : account.emails) {
    if (!e.flags.deleted) emails.push_back(&e);  // not visible to JMAP (RFC 8621 §4.1.1)
  }
  std::map<int64_t, std::vector<const EmailRecord*>> threads;
  for (const EmailRecord* e : emails) threads[e->thread_id].push_back(e);
  const bool needs_message = (filter && FilterNeedsMessage(*filter)) ||
                             std::any_of(sort.begin(), sort.end(), SortNeedsMessage);
  std::vector<LoadedMessage> messages(needs_message ? emails.size() : 0);
  std::vector<Candidate> matched;
  for (size_t i = 0; i < emails.size(); ++i) {
    const EmailRecord& e = *emails[i];
    if (needs_message) {
      Result<std::string> bytes = co_await context.services->stores->blobs->Get(e.blob);
      if (!bytes) co_return std::unexpected(bytes.error());
      messages[i].bytes = std::move(*bytes);
      messages[i].tree = mime::ParseMessage(messages[i].bytes);
    }
    Candidate c;
    c.view.record = &e;
    c.view.message = needs_message ? &messages[i] : nullptr;
    c.view.thread = &threads[e.thread_id];
    if (filter && !Matches(*filter, c.view)) continue;
    MakeKeys(c, sort);
    matched.push_back(std::move(c));
  }
  std::sort(matched.begin(), matched.end(),
            [&](const Candidate& a, const Candidate& b) { return Before(a, b, sort); });
  std::vector<int64_t> ids;
  std::set<int64_t> seen_threads;
  for (const Candidate& c : matched) {
    if (collapse && !seen_threads.insert(c.view.record->thread_id).second) continue;
    ids.push_back(c.view.record->id);
  }
  co_return ids;
}

}  // namespace

Task<MethodResponse> EmailQuery(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"accountId", "filter", "sort", "position", "anchor", "anchorOffset", "limit",
             "calculateTotal", "collapseThreads"});
  std::optional<EmailFilter> filter;
  if (std::optional<simdjson::dom::element> f = args.Get("filter")) {
    FilterParse parsed = ParseEmailFilter(*f);
    if (!parsed.filter) co_return MethodError(parsed.error_type, parsed.description);
    filter = std::move(parsed.filter);
  }
  std::vector<Comparator> sort;
  if (std::optional<simdjson::dom::element> s = args.Get("sort")) {
    const std::string error = ParseSort(*s, sort);
    if (!error.empty()) co_return MethodError(error, "sort");
  }
  const int64_t position = args.Int("position", 0);
  std::optional<std::string_view> anchor = args.String("anchor");
  const int64_t anchor_offset = args.Int("anchorOffset", 0);
  std::optional<uint64_t> limit = args.Uint("limit");
  const bool calculate_total = args.Bool("calculateTotal", false);
  const bool collapse = args.Bool("collapseThreads", false);
  if (!args.ok()) co_return InvalidArguments(args.error());
  Result<std::shared_ptr<AccountEmails>> account = co_await LoadAccountEmails(context);
  if (!account) co_return StoreFailure(account.error());
  AccountEmails& emails = **account;
  std::string key = QueryKey(args, collapse);
  std::vector<int64_t> uncached;  // the result when the cache is full
  const std::vector<int64_t>* ids = nullptr;
  auto hit = emails.queries.find(key);
  if (hit != emails.queries.end()) {
    ids = &hit->second;
  } else {
    Result<std::vector<int64_t>> found = co_await RunQuery(context, emails, filter, sort, collapse);
    if (!found) co_return StoreFailure(found.error());
    if (emails.queries.size() < kCachedQueriesMax) {
      ids = &emails.queries.emplace(std::move(key), std::move(*found)).first->second;
    } else {
      uncached = std::move(*found);
      ids = &uncached;
    }
  }
  const int64_t total = static_cast<int64_t>(ids->size());
  int64_t start = position < 0 ? std::max<int64_t>(0, total + position) : std::min(position, total);
  if (anchor) {
    auto it = std::find(ids->begin(), ids->end(), ParseEmailId(*anchor).value_or(-1));
    if (it == ids->end()) co_return MethodError("anchorNotFound");
    start = std::clamp<int64_t>((it - ids->begin()) + anchor_offset, 0, total);
  }
  const uint64_t count = std::min<uint64_t>(limit.value_or(kQueryLimitMax), kQueryLimitMax);
  const int64_t end = std::min<int64_t>(total, start + static_cast<int64_t>(count));
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id);
  w.Key("queryState").String(std::to_string(emails.state)).Key("canCalculateChanges").Bool(false);
  w.Key("position").Int(start).Key("ids").BeginArray();
  for (int64_t i = start; i < end; ++i) w.String(EmailId((*ids)[static_cast<size_t>(i)]));
  w.EndArray();
  if (calculate_total) w.Key("total").Int(total);
  if (!limit || *limit > kQueryLimitMax) w.Key("limit").Uint(count);
  w.EndObject();
  co_return MethodResponse{"Email/query", std::move(out)};
}

}  // namespace ringmail::jmap
