// LIST and LSUB (RFC 9051 §6.3.9, RFC 3501 §6.3.9): LIST-EXTENDED selection and return
// options (RFC 5258), LIST-STATUS (RFC 5819), CHILDREN (RFC 3348), SPECIAL-USE (RFC 6154).
// The hierarchy delimiter is "/"; "INBOX" matches in any case. Levels that do not exist but
// have children that do (left by DELETE) are listed as \NonExistent (\Noselect in IMAP4rev1).
#include <algorithm>
#include <map>

#include "base/ascii.h"
#include "imap/session.h"

namespace ringmail::imap {
namespace {

// '*' matches anything, '%' anything but the delimiter (RFC 9051 §6.3.9).
bool Match(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return name.empty();
  const char p = pattern.front();
  if (p == '*' || p == '%') {
    for (size_t i = 0; i <= name.size(); ++i) {
      if (Match(pattern.substr(1), name.substr(i))) return true;
      if (i < name.size() && p == '%' && name[i] == '/') return false;
    }
    return false;
  }
  return !name.empty() && name.front() == p && Match(pattern.substr(1), name.substr(1));
}

std::string NormalizePattern(std::string pattern) {
  if (pattern.size() >= 5 && EqualsIgnoreCase(std::string_view(pattern).substr(0, 5), "INBOX") &&
      (pattern.size() == 5 || pattern[5] == '/')) {
    pattern.replace(0, 5, "INBOX");
  }
  return pattern;
}

struct Entry {
  const MailboxRecord* mailbox = nullptr;  // null: a level that does not exist
  bool has_children = false;
};

}  // namespace

Task<void> Session::List(Command c) {
  ListArgs& args = std::get<ListArgs>(c.args);
  const bool lsub = c.name == CommandName::kLsub;
  if (!lsub && args.selection == 0 && args.returns == 0 && args.patterns.size() == 1 &&
      args.patterns[0].empty()) {
    Untagged("LIST (\\Noselect) \"/\" \"\"");
    Tagged(c.tag, "OK", "LIST completed");
    co_return;
  }
  Result<std::vector<MailboxRecord>> all = co_await Mailboxes();
  if (!all) {
    StoreFailure(c.tag, all.error());
    co_return;
  }
  // Every mailbox and every level above one, sorted with INBOX first.
  std::map<std::string, Entry> names;
  for (const MailboxRecord& m : *all) {
    names[m.name].mailbox = &m;
    for (size_t slash = m.name.find('/'); slash != std::string::npos;
         slash = m.name.find('/', slash + 1)) {
      names[m.name.substr(0, slash)].has_children = true;
    }
  }
  std::vector<std::string> patterns;
  for (std::string& p : args.patterns) patterns.push_back(NormalizePattern(args.reference + p));
  const bool subscribed_only = lsub || (args.selection & kListSelectSubscribed);
  const bool special_only = (args.selection & kListSelectSpecialUse) != 0;
  const bool show_subscribed =
      !lsub && ((args.returns & kListReturnSubscribed) || (args.selection & kListSelectSubscribed));
  // Each LIST line with the mailbox whose STATUS follows it (written after the walk: the
  // STATUS of DELETED items reads the store).
  std::vector<std::pair<std::string, const MailboxRecord*>> lines;
  auto emit = [&](const std::string& name, const Entry& e) {
    std::string attrs;
    auto add = [&](std::string_view a) {
      if (!attrs.empty()) attrs += ' ';
      attrs += a;
    };
    if (e.mailbox == nullptr) add(rev2_ && !lsub ? "\\NonExistent" : "\\Noselect");
    add(e.has_children ? "\\HasChildren" : "\\HasNoChildren");
    if (e.mailbox != nullptr && !e.mailbox->special_use.empty()) add(e.mailbox->special_use);
    if (show_subscribed && e.mailbox != nullptr && e.mailbox->subscribed) add("\\Subscribed");
    std::string line = lsub ? "LSUB (" : "LIST (";
    line += attrs + ") \"/\" ";
    AppendMailboxName(&line, name);
    const bool status = (args.returns & kListReturnStatus) && e.mailbox != nullptr;
    lines.emplace_back(std::move(line), status ? e.mailbox : nullptr);
  };
  auto visit = [&](const std::string& name, const Entry& e) {
    if (e.mailbox == nullptr && (subscribed_only || special_only)) return;
    if (e.mailbox != nullptr && subscribed_only && !e.mailbox->subscribed) return;
    if (special_only && e.mailbox->special_use.empty()) return;
    for (const std::string& p : patterns) {
      if (Match(p, name)) {
        emit(name, e);
        return;
      }
    }
  };
  if (auto inbox = names.find("INBOX"); inbox != names.end()) visit(inbox->first, inbox->second);
  for (const auto& [name, e] : names) {
    if (name != "INBOX") visit(name, e);
  }
  for (const auto& [line, status_of] : lines) {
    Untagged(line);
    if (status_of == nullptr) continue;
    Result<DeletedUsage> deleted = co_await LoadDeleted(status_of->id, args.status_items);
    if (!deleted) {
      StoreFailure(c.tag, deleted.error());
      co_return;
    }
    std::string status;
    AppendStatusItems(&status, *status_of, args.status_items, *deleted);
    Untagged(status);
  }
  if (args.returns & kListReturnStatus)
    condstore_ |= (args.status_items & kStatusHighestModseq) != 0;
  Tagged(c.tag, "OK", lsub ? "LSUB completed" : "LIST completed");
}

}  // namespace ringmail::imap
