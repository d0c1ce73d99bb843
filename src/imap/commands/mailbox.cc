// CREATE (CREATE-SPECIAL-USE), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, STATUS (STATUS=SIZE,
// DELETED, DELETED-STORAGE),
// NAMESPACE (RFC 9051 §6.3, RFC 6154, RFC 8438, RFC 2342). Every mailbox id comes from this
// account's ListMailboxes: a client's name never reaches another account.
#include <algorithm>

#include "base/ascii.h"
#include "imap/session.h"

namespace ringmail::imap {
namespace {

bool KnownSpecialUse(std::string_view use) {
  static constexpr std::string_view kUses[] = {"\\All",       "\\Archive", "\\Drafts", "\\Flagged",
                                               "\\Important", "\\Junk",    "\\Sent",   "\\Trash"};
  for (std::string_view u : kUses) {
    if (EqualsIgnoreCase(u, use)) return true;
  }
  return false;
}

}  // namespace

Task<void> Session::Create(Command c) {
  CreateArgs& args = std::get<CreateArgs>(c.args);
  std::optional<std::string> name = StoreMailboxName(args.mailbox);
  if (!name || name->find_first_of("%*") != std::string::npos) {
    Tagged(c.tag, "NO", "[CANNOT] Invalid mailbox name");
    co_return;
  }
  if (args.special_use.size() > 1) {
    Tagged(c.tag, "NO", "[USEATTR] One special use per mailbox");
    co_return;
  }
  std::string use;
  if (!args.special_use.empty()) {
    if (!KnownSpecialUse(args.special_use[0])) {
      Tagged(c.tag, "NO", "[USEATTR] Unknown special use");
      co_return;
    }
    use = args.special_use[0];
    use[1] = static_cast<char>(use[1] & ~0x20);
    for (size_t i = 2; i < use.size(); ++i) use[i] = AsciiLower(use[i]);
  }
  Result<std::vector<MailboxRecord>> all = co_await Mailboxes();
  if (!all) {
    StoreFailure(c.tag, all.error());
    co_return;
  }
  auto exists = [&](std::string_view n) {
    return std::any_of(all->begin(), all->end(),
                       [&](const MailboxRecord& m) { return m.name == n; });
  };
  if (exists(*name)) {
    Tagged(c.tag, "NO", "[ALREADYEXISTS] Mailbox already exists");
    co_return;
  }
  // Superior levels that do not exist yet are created too (RFC 9051 §6.3.4).
  for (size_t slash = name->find('/'); slash != std::string::npos;
       slash = name->find('/', slash + 1)) {
    std::string parent = name->substr(0, slash);
    if (exists(parent)) continue;
    Result<MailboxRecord> made =
        co_await services_->metadata->CreateMailbox(account_id_, parent, "");
    if (!made && made.error().code != ErrorCode::kAlreadyExists) {
      StoreFailure(c.tag, made.error());
      co_return;
    }
  }
  Result<MailboxRecord> made = co_await services_->metadata->CreateMailbox(account_id_, *name, use);
  if (!made) {
    StoreFailure(c.tag, made.error());
    co_return;
  }
  Notify(made->id);  // JMAP push: the account's Mailbox state moved on
  // OBJECTID (RFC 8474 §4.1).
  Tagged(c.tag, "OK", "[MAILBOXID (F" + std::to_string(made->id) + ")] CREATE completed");
}

Task<void> Session::Delete(Command c) {
  MailboxArgs& args = std::get<MailboxArgs>(c.args);
  std::optional<std::string> name = StoreMailboxName(args.mailbox);
  if (name && *name == "INBOX") {
    Tagged(c.tag, "NO", "[CANNOT] INBOX cannot be deleted");
    co_return;
  }
  std::optional<MailboxRecord> found =
      co_await MailboxOrReply(c.tag, args.mailbox, "[NONEXISTENT] No such mailbox");
  if (!found) co_return;
  const int64_t id = found->id;
  Result<void> r = co_await services_->metadata->DeleteMailbox(account_id_, id);
  if (!r) {
    StoreFailure(c.tag, r.error());
    co_return;
  }
  if (selected_ && selected_->mailbox_id == id) {
    Deselect();
    state_ = State::kAuthenticated;
  }
  Notify(id);
  Tagged(c.tag, "OK", "DELETE completed");
}

Task<void> Session::Rename(Command c) {
  RenameArgs& args = std::get<RenameArgs>(c.args);
  std::optional<std::string> from = StoreMailboxName(args.from);
  std::optional<std::string> to = StoreMailboxName(args.to);
  if (!to || to->find_first_of("%*") != std::string::npos) {
    Tagged(c.tag, "NO", "[CANNOT] Invalid mailbox name");
    co_return;
  }
  if (from && *from == "INBOX") {
    Tagged(c.tag, "NO", "[CANNOT] Renaming INBOX is not supported");
    co_return;
  }
  Result<std::vector<MailboxRecord>> all = co_await Mailboxes();
  if (!all) {
    StoreFailure(c.tag, all.error());
    co_return;
  }
  const MailboxRecord* source = nullptr;
  for (const MailboxRecord& m : *all) {
    if (from && m.name == *from) source = &m;
    if (m.name == *to) {
      Tagged(c.tag, "NO", "[ALREADYEXISTS] Target mailbox already exists");
      co_return;
    }
  }
  if (source == nullptr) {
    Tagged(c.tag, "NO", "[NONEXISTENT] No such mailbox");
    co_return;
  }
  if (to->starts_with(*from + "/")) {
    Tagged(c.tag, "NO", "[CANNOT] Cannot move a mailbox into itself");
    co_return;
  }
  const int64_t id = source->id;
  Result<void> r = co_await services_->metadata->RenameMailbox(account_id_, id, *to);
  if (!r) {
    StoreFailure(c.tag, r.error());
    co_return;
  }
  if (selected_ && selected_->mailbox_id == id) selected_->name = *to;
  Notify(id);
  Tagged(c.tag, "OK", "RENAME completed");
}

Task<void> Session::Subscribe(Command c) {
  MailboxArgs& args = std::get<MailboxArgs>(c.args);
  std::optional<MailboxRecord> found =
      co_await MailboxOrReply(c.tag, args.mailbox, "[NONEXISTENT] No such mailbox");
  if (!found) co_return;
  const bool subscribe = c.name == CommandName::kSubscribe;
  Result<void> set = co_await services_->metadata->SetSubscribed(account_id_, found->id, subscribe);
  if (!set) {
    StoreFailure(c.tag, set.error());
    co_return;
  }
  Notify(found->id);
  Tagged(c.tag, "OK", subscribe ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed");
}

void Session::AppendStatusItems(std::string* out, const MailboxRecord& m, uint16_t items,
                                const DeletedUsage& deleted) const {
  std::string list;
  auto add = [&](const char* item, uint64_t value) {
    if (!list.empty()) list += ' ';
    list += item;
    list += ' ';
    list += std::to_string(value);
  };
  if (items & kStatusMessages) add("MESSAGES", m.message_count);
  if (items & kStatusUidNext) add("UIDNEXT", m.uid_next);
  if (items & kStatusUidValidity) add("UIDVALIDITY", m.uid_validity);
  if (items & kStatusUnseen) add("UNSEEN", m.unseen_count);
  if (items & kStatusDeleted) add("DELETED", deleted.messages);
  // RFC 9208 §4.2.1: in the STORAGE resource's unit, KiB (rounded up, as its usage).
  if (items & kStatusDeletedStorage) add("DELETED-STORAGE", (deleted.bytes + 1023) / 1024);
  if (items & kStatusSize) add("SIZE", m.total_bytes);
  if (items & kStatusRecent) add("RECENT", 0);
  if (items & kStatusHighestModseq) add("HIGHESTMODSEQ", m.highest_modseq);
  if (items & kStatusAppendLimit) add("APPENDLIMIT", services_->limits.reader.append_size_max);
  if (items & kStatusMailboxId) {
    if (!list.empty()) list += ' ';
    list += "MAILBOXID (F" + std::to_string(m.id) + ")";
  }
  *out += "STATUS ";
  AppendMailboxName(out, m.name);
  *out += " (" + list + ")";
}

Task<Result<Session::DeletedUsage>> Session::LoadDeleted(int64_t mailbox_id, uint16_t items) {
  DeletedUsage d;
  if (!(items & (kStatusDeleted | kStatusDeletedStorage))) co_return d;
  Result<MailboxIndex> index = co_await services_->metadata->LoadMailboxIndex(mailbox_id);
  if (!index) co_return std::unexpected(index.error());
  std::vector<uint32_t> uids;
  for (const IndexEntry& e : index->messages) {
    if (e.flag_bits & kFlagBitDeleted) uids.push_back(e.uid);
  }
  d.messages = uids.size();
  if (!(items & kStatusDeletedStorage) || uids.empty()) co_return d;
  Result<std::vector<MessageRecord>> records =
      co_await services_->metadata->LoadMessages(mailbox_id, std::move(uids));
  if (!records) co_return std::unexpected(records.error());
  for (const MessageRecord& r : *records) d.bytes += r.size;
  co_return d;
}

Task<void> Session::Status(Command c) {
  StatusArgs& args = std::get<StatusArgs>(c.args);
  std::optional<MailboxRecord> found =
      co_await MailboxOrReply(c.tag, args.mailbox, "[NONEXISTENT] No such mailbox");
  if (!found) co_return;
  MailboxRecord m = std::move(*found);
  Result<DeletedUsage> deleted = co_await LoadDeleted(m.id, args.items);
  if (!deleted) {
    StoreFailure(c.tag, deleted.error());
    co_return;
  }
  if (args.items & kStatusHighestModseq) condstore_ = true;
  std::string line;
  AppendStatusItems(&line, m, args.items, *deleted);
  Untagged(line);
  Tagged(c.tag, "OK", "STATUS completed");
}

Task<void> Session::Namespace(Command c) {
  Untagged("NAMESPACE ((\"\" \"/\")) NIL NIL");
  Tagged(c.tag, "OK", "NAMESPACE completed");
  co_return;
}

}  // namespace ringmail::imap
