#include "jmap/mailbox_tree.h"

#include <algorithm>
#include <cctype>

#include "jmap/ids.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

bool Wants(const std::vector<std::string>& properties, std::string_view p) {
  return properties.empty() ||
         std::find(properties.begin(), properties.end(), p) != properties.end();
}

void WriteRights(JsonWriter& w, bool inbox) {
  w.BeginObject();
  for (const char* right : {"mayReadItems", "mayAddItems", "mayRemoveItems", "maySetSeen",
                            "maySetKeywords", "mayCreateChild", "maySubmit"}) {
    w.Key(right).Bool(true);
  }
  w.Key("mayRename").Bool(!inbox).Key("mayDelete").Bool(!inbox).EndObject();
}

}  // namespace

const MailboxNode* MailboxTree::Find(int64_t id) const {
  for (const MailboxNode& n : nodes) {
    if (n.record.id == id) return &n;
  }
  return nullptr;
}

bool MailboxTree::HasChild(std::string_view path) const {
  for (const MailboxNode& n : nodes) {
    if (n.record.name.size() > path.size() && n.record.name.starts_with(path) &&
        n.record.name[path.size()] == '/') {
      return true;
    }
  }
  return false;
}

std::string RoleOf(const MailboxRecord& m) {
  if (m.name == "INBOX") return "inbox";
  if (m.special_use.size() < 2 || m.special_use[0] != '\\') return "";
  std::string role = m.special_use.substr(1);
  for (char& c : role) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return role;
}

std::string SpecialUseOf(std::string_view role) {
  if (role.empty() || role == "inbox") return "";
  std::string use = "\\" + std::string(role);
  use[1] = static_cast<char>(std::toupper(static_cast<unsigned char>(use[1])));
  return use;
}

Task<Result<uint64_t>> AccountState(CallContext* context) {
  Result<AccountRecord> account =
      co_await context->services->stores->metadata->GetAccount(context->account_name);
  if (!account) co_return std::unexpected(account.error());
  co_return account->highest_modseq;
}

Task<Result<MailboxTree>> LoadMailboxTree(CallContext* context) {
  MetadataStore* store = context->services->stores->metadata.get();
  // The state first: a change between the two reads is seen again, never missed.
  Result<uint64_t> state = co_await AccountState(context);
  if (!state) co_return std::unexpected(state.error());
  Result<std::vector<MailboxRecord>> list = co_await store->ListMailboxes(context->account_id);
  if (!list) co_return std::unexpected(list.error());
  std::sort(list->begin(), list->end(),
            [](const MailboxRecord& a, const MailboxRecord& b) { return a.name < b.name; });
  MailboxTree tree{*state, {}};
  for (MailboxRecord& m : *list) {
    MailboxNode node;
    node.role = RoleOf(m);
    // The nearest ancestor that exists: the longest earlier path that prefixes this one.
    size_t cut = 0;
    for (const MailboxNode& other : tree.nodes) {
      const std::string& p = other.record.name;
      if (p.size() + 1 < m.name.size() && m.name.starts_with(p) && m.name[p.size()] == '/' &&
          p.size() + 1 > cut) {
        cut = p.size() + 1;
        node.parent_id = other.record.id;
      }
    }
    node.name = m.name.substr(cut);
    node.record = std::move(m);
    tree.nodes.push_back(std::move(node));
  }
  co_return tree;
}

void WriteMailbox(JsonWriter& w, const MailboxNode& node,
                  const std::vector<std::string>& properties) {
  const MailboxRecord& m = node.record;
  w.BeginObject().Key("id").String(MailboxId(m.id));
  if (Wants(properties, "name")) w.Key("name").String(node.name);
  if (Wants(properties, "parentId")) {
    w.Key("parentId");
    node.parent_id == 0 ? w.Null() : w.String(MailboxId(node.parent_id));
  }
  if (Wants(properties, "role")) {
    w.Key("role");
    node.role.empty() ? w.Null() : w.String(node.role);
  }
  if (Wants(properties, "sortOrder")) w.Key("sortOrder").Uint(0);
  // Threads are counted as emails: every email is its own thread here.
  if (Wants(properties, "totalEmails")) w.Key("totalEmails").Uint(m.message_count);
  if (Wants(properties, "unreadEmails")) w.Key("unreadEmails").Uint(m.unseen_count);
  if (Wants(properties, "totalThreads")) w.Key("totalThreads").Uint(m.message_count);
  if (Wants(properties, "unreadThreads")) w.Key("unreadThreads").Uint(m.unseen_count);
  if (Wants(properties, "myRights")) {
    w.Key("myRights");
    WriteRights(w, m.name == "INBOX");
  }
  if (Wants(properties, "isSubscribed")) w.Key("isSubscribed").Bool(m.subscribed);
  w.EndObject();
}

void RegisterMailboxMethods(MethodTable* table) {
  table->Add("Mailbox/get", kMailCapability, MailboxGet);
  table->Add("Mailbox/changes", kMailCapability, MailboxChanges);
  table->Add("Mailbox/query", kMailCapability, MailboxQuery);
  table->Add("Mailbox/queryChanges", kMailCapability, MailboxQueryChanges);
  table->Add("Mailbox/set", kMailCapability, MailboxSet);
}

}  // namespace ringmail::jmap
