// Mailbox/query and Mailbox/queryChanges (RFC 8621 §2.3–2.4, RFC 8620 §5.5–5.6).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "jmap/args.h"
#include "jmap/ids.h"
#include "jmap/mailbox_tree.h"

namespace ringmail::jmap {
namespace {

constexpr int kFilterDepthMax = 16;

struct QueryError {
  std::string type;  // unsupportedFilter, unsupportedSort, invalidArguments
  std::string description;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Whether `node` matches the FilterOperator or FilterCondition `filter`.
std::expected<bool, QueryError> Matches(simdjson::dom::object filter, const MailboxNode& node,
                                        int depth) {
  if (depth > kFilterDepthMax) return std::unexpected(QueryError{"unsupportedFilter", "too deep"});
  std::string_view op;
  if (filter["operator"].get_string().get(op) == simdjson::SUCCESS) {
    simdjson::dom::array conditions;
    if (filter["conditions"].get_array().get(conditions) != simdjson::SUCCESS ||
        (op != "AND" && op != "OR" && op != "NOT")) {
      return std::unexpected(QueryError{"unsupportedFilter", "bad FilterOperator"});
    }
    bool any = false, all = true;
    for (simdjson::dom::element c : conditions) {
      simdjson::dom::object sub;
      if (c.get_object().get(sub) != simdjson::SUCCESS) {
        return std::unexpected(QueryError{"unsupportedFilter", "conditions are objects"});
      }
      std::expected<bool, QueryError> m = Matches(sub, node, depth + 1);
      if (!m) return m;
      any = any || *m;
      all = all && *m;
    }
    return op == "AND" ? all : op == "OR" ? any : !any;
  }
  for (auto field : filter) {
    const std::string_view key = field.key;
    const simdjson::dom::element v = field.value;
    std::string_view s;
    bool b = false;
    if (key == "parentId") {
      if (v.is_null()) {
        if (node.parent_id != 0) return false;
      } else if (v.get_string().get(s) != simdjson::SUCCESS ||
                 ParseMailboxId(s) != std::optional<int64_t>(node.parent_id)) {
        return false;
      }
    } else if (key == "name" && v.get_string().get(s) == simdjson::SUCCESS) {
      if (Lower(node.name).find(Lower(s)) == std::string::npos) return false;
    } else if (key == "role") {
      if (v.is_null() ? !node.role.empty()
                      : (v.get_string().get(s) != simdjson::SUCCESS || s != node.role)) {
        return false;
      }
    } else if (key == "hasAnyRole" && v.get_bool().get(b) == simdjson::SUCCESS) {
      if (b == node.role.empty()) return false;
    } else if (key == "isSubscribed" && v.get_bool().get(b) == simdjson::SUCCESS) {
      if (b != node.record.subscribed) return false;
    } else {
      return std::unexpected(
          QueryError{"unsupportedFilter", "cannot filter on '" + std::string(key) + "'"});
    }
  }
  return true;
}

struct Comparator {
  bool by_name = true;  // else sortOrder (0 for every mailbox here)
  bool ascending = true;
};

std::expected<std::vector<Comparator>, QueryError> ParseSort(simdjson::dom::object args) {
  std::vector<Comparator> out;
  simdjson::dom::element e;
  if (args["sort"].get(e) != simdjson::SUCCESS || e.is_null()) return out;
  simdjson::dom::array array;
  if (e.get_array().get(array) != simdjson::SUCCESS) {
    return std::unexpected(QueryError{"invalidArguments", "'sort' must be an array"});
  }
  for (simdjson::dom::element c : array) {
    std::string_view property;
    simdjson::dom::object o;
    if (c.get_object().get(o) != simdjson::SUCCESS ||
        o["property"].get_string().get(property) != simdjson::SUCCESS ||
        (property != "name" && property != "sortOrder")) {
      return std::unexpected(QueryError{"unsupportedSort", "sort by name or sortOrder"});
    }
    bool ascending = true;
    if (o["isAscending"].get_bool().get(ascending) != simdjson::SUCCESS) ascending = true;
    out.push_back(Comparator{property == "name", ascending});
  }
  return out;
}

// Depth-first from the roots (mailboxes whose parent is not in `sorted`), siblings in
// `sorted`'s order.
std::vector<const MailboxNode*> AsTree(const std::vector<const MailboxNode*>& sorted) {
  std::set<int64_t> present;
  for (const MailboxNode* n : sorted) present.insert(n->record.id);
  std::map<int64_t, std::vector<const MailboxNode*>> children;
  for (const MailboxNode* n : sorted) {
    children[present.contains(n->parent_id) ? n->parent_id : 0].push_back(n);
  }
  std::vector<const MailboxNode*> out;
  std::vector<const MailboxNode*> stack(children[0].rbegin(), children[0].rend());
  while (!stack.empty()) {
    const MailboxNode* n = stack.back();
    stack.pop_back();
    out.push_back(n);
    auto it = children.find(n->record.id);
    if (it != children.end()) stack.insert(stack.end(), it->second.rbegin(), it->second.rend());
  }
  return out;
}

}  // namespace

Task<MethodResponse> MailboxQuery(CallContext& context, simdjson::dom::object arguments) {
  simdjson::dom::object filter;
  simdjson::dom::element fe;
  const bool filtered = arguments["filter"].get(fe) == simdjson::SUCCESS && !fe.is_null();
  if (filtered && fe.get_object().get(filter) != simdjson::SUCCESS) {
    co_return MethodError("invalidArguments", "'filter' must be an object");
  }
  std::expected<std::vector<Comparator>, QueryError> sort = ParseSort(arguments);
  if (!sort) co_return MethodError(sort.error().type, sort.error().description);
  Args args(arguments);
  int64_t start = args.Int("position", 0);
  const std::optional<uint64_t> limit = args.Uint("limit");
  const bool as_tree = args.Bool("sortAsTree", false);
  const bool filter_tree = args.Bool("filterAsTree", false);
  const bool total = args.Bool("calculateTotal", false);
  const std::optional<std::string_view> anchor = args.String("anchor");
  const int64_t anchor_offset = args.Int("anchorOffset", 0);
  if (!args.ok()) co_return InvalidArguments(args.error());
  Result<MailboxTree> tree = co_await LoadMailboxTree(&context);
  if (!tree) co_return StoreFailure(tree.error());
  std::set<int64_t> matching;
  for (const MailboxNode& n : tree->nodes) {
    std::expected<bool, QueryError> m = filtered ? Matches(filter, n, 0) : true;
    if (!m) co_return MethodError(m.error().type, m.error().description);
    if (*m) matching.insert(n.record.id);
  }
  std::vector<const MailboxNode*> result;
  for (const MailboxNode& n : tree->nodes) {
    bool keep = matching.contains(n.record.id);
    // filterAsTree: every ancestor must match too.
    for (const MailboxNode* p = &n; keep && filter_tree && p->parent_id != 0;) {
      p = tree->Find(p->parent_id);
      keep = p != nullptr && matching.contains(p->record.id);
    }
    if (keep) result.push_back(&n);
  }
  std::stable_sort(result.begin(), result.end(), [&](const MailboxNode* a, const MailboxNode* b) {
    for (const Comparator& c : *sort) {
      if (!c.by_name || a->name == b->name) continue;
      return (a->name < b->name) == c.ascending;
    }
    return false;
  });
  if (as_tree) result = AsTree(result);
  const int64_t count = static_cast<int64_t>(result.size());
  if (anchor) {
    const std::optional<int64_t> id = ParseMailboxId(*anchor);
    auto it = std::find_if(result.begin(), result.end(),
                           [&](const MailboxNode* n) { return id == n->record.id; });
    if (it == result.end()) co_return MethodError("anchorNotFound");
    start = (it - result.begin()) + anchor_offset;
  } else if (start < 0) {
    start += count;
  }
  start = std::clamp<int64_t>(start, 0, count);
  const int64_t end =
      limit ? std::min<int64_t>(count, start + static_cast<int64_t>(*limit)) : count;
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id);
  w.Key("queryState").String(StateString(tree->state)).Key("canCalculateChanges").Bool(false);
  w.Key("position").Int(start).Key("ids").BeginArray();
  for (int64_t i = start; i < end; ++i) w.String(MailboxId(result[i]->record.id));
  w.EndArray();
  if (total) w.Key("total").Uint(static_cast<uint64_t>(count));
  if (limit) w.Key("limit").Uint(*limit);
  w.EndObject();
  co_return MethodResponse{"Mailbox/query", std::move(out)};
}

// Query results are not tracked per state: RFC 8620 §5.6 allows cannotCalculateChanges,
// and Mailbox/query says canCalculateChanges false.
Task<MethodResponse> MailboxQueryChanges(CallContext& /*context*/,
                                         simdjson::dom::object /*arguments*/) {
  co_return MethodError("cannotCalculateChanges", "query changes are not kept; query again");
}

}  // namespace ringmail::jmap
