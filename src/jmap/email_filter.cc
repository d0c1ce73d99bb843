#include "jmap/email_filter.h"

#include <algorithm>

#include "imap/search_text.h"
#include "jmap/email_args.h"
#include "jmap/email_body.h"
#include "jmap/email_headers.h"
#include "jmap/email_keywords.h"
#include "jmap/ids.h"

namespace ringmail::jmap {
namespace {

struct Parser {
  FilterParse out;
  size_t nodes = 0;

  bool Fail(std::string type, std::string description) {
    if (out.error_type.empty()) {
      out.error_type = std::move(type);
      out.description = std::move(description);
    }
    return false;
  }
  bool String(simdjson::dom::element e, std::string_view key, std::optional<std::string>& to,
              bool fold) {
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) {
      return Fail("invalidArguments", "'" + std::string(key) + "' must be a string");
    }
    to = fold ? imap::FoldCase(s) : std::string(s);
    return true;
  }
  bool Keyword(simdjson::dom::element e, std::string_view key, std::optional<std::string>& to) {
    if (!String(e, key, to, false)) return false;
    if (!ValidKeyword(*to)) return Fail("invalidArguments", "invalid keyword '" + *to + "'");
    return true;
  }
  bool Date(simdjson::dom::element e, std::string_view key, std::optional<int64_t>& to) {
    std::optional<std::string> s;
    if (!String(e, key, s, false)) return false;
    to = ParseUtcDate(*s);
    if (!to) return Fail("invalidArguments", "'" + std::string(key) + "' must be a UTCDate");
    return true;
  }
  bool Size(simdjson::dom::element e, std::string_view key, std::optional<uint64_t>& to) {
    uint64_t n = 0;
    if (e.get_uint64().get(n) != simdjson::SUCCESS) {
      return Fail("invalidArguments", "'" + std::string(key) + "' must be an unsigned integer");
    }
    to = n;
    return true;
  }
  bool Mailbox(simdjson::dom::element e, std::optional<int64_t>& to) {
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) {
      return Fail("invalidArguments", "'inMailbox' must be an id");
    }
    to = ParseMailboxId(s).value_or(-1);  // an unknown id matches nothing
    return true;
  }
  bool Header(simdjson::dom::element e, EmailCondition& c) {
    std::optional<std::vector<std::string>> parts = StringArray(e);
    if (!parts || parts->empty() || parts->size() > 2) {
      return Fail("invalidArguments", "'header' must be [name] or [name, value]");
    }
    c.header_name = (*parts)[0];
    if (parts->size() == 2) c.header_value = imap::FoldCase((*parts)[1]);
    return true;
  }
  bool Condition(simdjson::dom::object o, EmailCondition& c);
  bool Node(simdjson::dom::element e, EmailFilter& f, size_t depth);
};

bool Parser::Condition(simdjson::dom::object o, EmailCondition& c) {
  for (auto [key, value] : o) {
    if (value.is_null()) continue;
    bool ok = true;
    if (key == "inMailbox") {
      ok = Mailbox(value, c.in_mailbox);
    } else if (key == "inMailboxOtherThan") {
      std::optional<std::vector<std::string>> ids = StringArray(value);
      if (!ids) return Fail("invalidArguments", "'inMailboxOtherThan' must be an array of ids");
      c.has_other_than = true;
      for (const std::string& id : *ids)
        c.in_mailbox_other_than.push_back(ParseMailboxId(id).value_or(-1));
    } else if (key == "before") {
      ok = Date(value, key, c.before);
    } else if (key == "after") {
      ok = Date(value, key, c.after);
    } else if (key == "minSize") {
      ok = Size(value, key, c.min_size);
    } else if (key == "maxSize") {
      ok = Size(value, key, c.max_size);
    } else if (key == "allInThreadHaveKeyword") {
      ok = Keyword(value, key, c.all_in_thread_have);
    } else if (key == "someInThreadHaveKeyword") {
      ok = Keyword(value, key, c.some_in_thread_have);
    } else if (key == "noneInThreadHaveKeyword") {
      ok = Keyword(value, key, c.none_in_thread_have);
    } else if (key == "hasKeyword") {
      ok = Keyword(value, key, c.has_keyword);
    } else if (key == "notKeyword") {
      ok = Keyword(value, key, c.not_keyword);
    } else if (key == "hasAttachment") {
      bool b = false;
      if (value.get_bool().get(b) != simdjson::SUCCESS) {
        return Fail("invalidArguments", "'hasAttachment' must be true or false");
      }
      c.has_attachment = b;
    } else if (key == "text") {
      ok = String(value, key, c.text, true);
    } else if (key == "from") {
      ok = String(value, key, c.from, true);
    } else if (key == "to") {
      ok = String(value, key, c.to, true);
    } else if (key == "cc") {
      ok = String(value, key, c.cc, true);
    } else if (key == "bcc") {
      ok = String(value, key, c.bcc, true);
    } else if (key == "subject") {
      ok = String(value, key, c.subject, true);
    } else if (key == "body") {
      ok = String(value, key, c.body, true);
    } else if (key == "header") {
      ok = Header(value, c);
    } else {
      return Fail("unsupportedFilter", "unsupported filter property '" + std::string(key) + "'");
    }
    if (!ok) return false;
  }
  return true;
}

bool Parser::Node(simdjson::dom::element e, EmailFilter& f, size_t depth) {
  if (++nodes > kFilterNodesMax || depth > kFilterDepthMax) {
    return Fail("unsupportedFilter", "the filter is too large");
  }
  simdjson::dom::object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) {
    return Fail("invalidArguments", "a filter must be an object");
  }
  simdjson::dom::element op;
  if (o["operator"].get(op) != simdjson::SUCCESS) return Condition(o, f.condition);
  std::string_view name;
  simdjson::dom::array conditions;
  if (op.get_string().get(name) != simdjson::SUCCESS ||
      o["conditions"].get_array().get(conditions) != simdjson::SUCCESS || o.size() != 2) {
    return Fail("invalidArguments", "a FilterOperator is {operator, conditions}");
  }
  if (name == "AND") {
    f.kind = EmailFilter::Kind::kAnd;
  } else if (name == "OR") {
    f.kind = EmailFilter::Kind::kOr;
  } else if (name == "NOT") {
    f.kind = EmailFilter::Kind::kNot;
  } else {
    return Fail("unsupportedFilter", "unknown operator '" + std::string(name) + "'");
  }
  for (simdjson::dom::element child : conditions) {
    f.children.emplace_back();
    if (!Node(child, f.children.back(), depth + 1)) return false;
  }
  return true;
}

bool ConditionNeedsMessage(const EmailCondition& c) {
  return c.has_attachment || c.text || c.from || c.to || c.cc || c.bcc || c.subject || c.body ||
         c.header_name;
}

// all: whether every email of e's thread has `keyword`; else whether some email has it.
bool ThreadHas(const EmailView& e, const std::string& keyword, bool all) {
  for (const EmailRecord* r : *e.thread) {
    if (HasKeyword(r->flags, keyword) != all) return !all;
  }
  return all;
}

bool InMailbox(const EmailRecord& r, int64_t mailbox) {
  return std::any_of(r.placements.begin(), r.placements.end(),
                     [&](const EmailPlacement& p) { return p.mailbox_id == mailbox; });
}

bool MatchesCondition(const EmailCondition& c, const EmailView& e) {
  const EmailRecord& r = *e.record;
  if (c.in_mailbox && !InMailbox(r, *c.in_mailbox)) return false;
  if (c.has_other_than) {
    const bool other =
        std::any_of(r.placements.begin(), r.placements.end(), [&](const EmailPlacement& p) {
          return std::find(c.in_mailbox_other_than.begin(), c.in_mailbox_other_than.end(),
                           p.mailbox_id) == c.in_mailbox_other_than.end();
        });
    if (!other) return false;
  }
  if (c.before && !(r.received_at < *c.before)) return false;
  if (c.after && !(r.received_at >= *c.after)) return false;
  if (c.min_size && r.size < *c.min_size) return false;
  if (c.max_size && r.size >= *c.max_size) return false;
  if (c.has_keyword && !HasKeyword(r.flags, *c.has_keyword)) return false;
  if (c.not_keyword && HasKeyword(r.flags, *c.not_keyword)) return false;
  if (c.all_in_thread_have && !ThreadHas(e, *c.all_in_thread_have, true)) return false;
  if (c.some_in_thread_have && !ThreadHas(e, *c.some_in_thread_have, false)) return false;
  if (c.none_in_thread_have && ThreadHas(e, *c.none_in_thread_have, false)) return false;
  if (c.has_attachment && HasAttachment(PickBodyParts(e.message->tree)) != *c.has_attachment) {
    return false;
  }
  auto contains = [&](std::string_view what, const std::optional<std::string>& needle) {
    return !needle || imap::ContainsFolded(e.Folded(what), *needle);
  };
  if (!contains("header:from", c.from) || !contains("header:to", c.to) ||
      !contains("header:cc", c.cc) || !contains("header:bcc", c.bcc) ||
      !contains("header:subject", c.subject) || !contains("body", c.body) ||
      !contains("text", c.text)) {
    return false;
  }
  if (c.header_name) {
    std::optional<std::string> values = imap::FoldedHeaderValues(
        e.message->tree.root().header.In(e.message->bytes), *c.header_name);
    if (!values) return false;
    if (c.header_value && !imap::ContainsFolded(*values, *c.header_value)) return false;
  }
  return true;
}

}  // namespace

FilterParse ParseEmailFilter(simdjson::dom::element json) {
  Parser p;
  EmailFilter f;
  if (p.Node(json, f, 0)) p.out.filter = std::move(f);
  return std::move(p.out);
}

bool FilterNeedsMessage(const EmailFilter& f) {
  if (f.kind == EmailFilter::Kind::kCondition) return ConditionNeedsMessage(f.condition);
  return std::any_of(f.children.begin(), f.children.end(), FilterNeedsMessage);
}

const std::string& EmailView::Folded(std::string_view what) const {
  auto it = folded.find(what);
  if (it != folded.end()) return it->second;
  const std::string_view header = message->tree.root().header.In(message->bytes);
  std::string value;
  if (what == "body") {
    value = imap::FoldedBodyText(message->bytes, message->tree);
  } else if (what == "text") {
    value = Folded("header:from") + "\n" + Folded("header:to") + "\n" + Folded("header:cc") + "\n" +
            Folded("header:bcc") + "\n" + Folded("header:subject") + "\n" + Folded("body");
  } else {
    value = imap::FoldedHeaderValues(header, what.substr(7)).value_or("");
  }
  return folded.emplace(std::string(what), std::move(value)).first->second;
}

bool Matches(const EmailFilter& f, const EmailView& e) {
  switch (f.kind) {
    case EmailFilter::Kind::kCondition: return MatchesCondition(f.condition, e);
    case EmailFilter::Kind::kAnd:
      return std::all_of(f.children.begin(), f.children.end(),
                         [&](const EmailFilter& c) { return Matches(c, e); });
    case EmailFilter::Kind::kOr:
      return std::any_of(f.children.begin(), f.children.end(),
                         [&](const EmailFilter& c) { return Matches(c, e); });
    case EmailFilter::Kind::kNot:
      return std::none_of(f.children.begin(), f.children.end(),
                          [&](const EmailFilter& c) { return Matches(c, e); });
  }
  return false;
}

}  // namespace ringmail::jmap
