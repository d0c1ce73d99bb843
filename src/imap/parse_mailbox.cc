// SELECT/EXAMINE (RFC 9051, RFC 7162 CONDSTORE/QRESYNC), CREATE (RFC 6154 USE), DELETE,
// RENAME, SUBSCRIBE, UNSUBSCRIBE, STATUS (RFC 8438 SIZE, RFC 7889 APPENDLIMIT, RFC 8474
// MAILBOXID), GETQUOTA, GETQUOTAROOT, SETQUOTA (RFC 9208).
#include <array>

#include "base/ascii.h"
#include "imap/command_parsers.h"

namespace ringmail::imap {
namespace {

constexpr size_t kQuotaResourcesMax = 16;

bool ParseQresync(Cursor& c, QresyncParams* q) {
  if (!c.Sp() || !c.Char('(') || !c.NzNumber(&q->uidvalidity) || !c.Sp() ||
      !c.Number64(&q->modseq)) {
    return c.Fail("bad QRESYNC parameters");
  }
  if (c.TryChar(' ') && c.Peek() != '(') {
    if (!c.SequenceSet(&q->known_uids.emplace())) return false;
    if (!c.TryChar(' ')) return c.Char(')');
  }
  if (c.Peek() == '(') {
    auto& match = q->seq_match.emplace();
    if (!c.Char('(') || !c.SequenceSet(&match.first) || !c.Sp() || !c.SequenceSet(&match.second) ||
        !c.Char(')')) {
      return c.Fail("bad QRESYNC sequence match data");
    }
  }
  return c.Char(')');
}

bool ParseSelect(Cursor& c, Command* out) {
  SelectArgs args;
  if (!c.Sp() || !c.Mailbox(&args.mailbox)) return false;
  if (c.TryChar(' ')) {
    bool ok = c.List([&] {
      if (c.TryKeyword("CONDSTORE")) {
        args.condstore = true;
        return true;
      }
      if (c.TryKeyword("QRESYNC")) {
        if (args.qresync) return c.Fail("QRESYNC given twice");
        return ParseQresync(c, &args.qresync.emplace());
      }
      return c.Fail("unknown SELECT parameter");
    });
    if (!ok) return false;
  }
  out->args = std::move(args);
  return true;
}

bool ParseCreate(Cursor& c, Command* out) {
  static constexpr std::array<std::string_view, 7> kUses = {
      "\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash"};
  CreateArgs args;
  if (!c.Sp() || !c.Mailbox(&args.mailbox)) return false;
  if (c.TryChar(' ')) {
    bool ok = c.List([&] {
      if (!c.TryKeyword("USE") || !c.Sp()) return c.Fail("unknown CREATE parameter");
      return c.List(
          [&] {
            if (!c.Char('\\')) return c.Fail("expected a special-use attribute");
            std::string_view atom = c.Atom();
            if (c.failed()) return false;
            std::string& use = args.special_use.emplace_back("\\");
            use.append(atom);
            for (std::string_view known : kUses) {
              if (EqualsIgnoreCase(use, known)) use = known;
            }
            return true;
          },
          /*allow_empty=*/true);
    });
    if (!ok) return false;
  }
  out->args = std::move(args);
  return true;
}

bool ParseStatus(Cursor& c, Command* out) {
  StatusArgs args;
  if (!c.Sp() || !c.Mailbox(&args.mailbox) || !c.Sp() || !ParseStatusItems(c, &args.items)) {
    return false;
  }
  out->args = std::move(args);
  return true;
}

bool ParseSetQuota(Cursor& c, Command* out) {
  SetQuotaArgs args;
  if (!c.Sp() || !c.AString(&args.root) || !c.Sp()) return false;
  bool ok = c.List(
      [&] {
        if (args.limits.size() >= kQuotaResourcesMax) return c.Fail("too many quota resources");
        auto& limit = args.limits.emplace_back();
        return c.Keyword(&limit.first) && c.Sp() && c.Number64(&limit.second);
      },
      /*allow_empty=*/true);
  if (!ok) return false;
  out->args = std::move(args);
  return true;
}

}  // namespace

bool ParseStatusItems(Cursor& c, uint16_t* items) {
  struct Item {
    std::string_view name;
    uint16_t bit;
  };
  static constexpr std::array<Item, 11> kItems = {{
      {"MESSAGES", kStatusMessages},
      {"UIDNEXT", kStatusUidNext},
      {"UIDVALIDITY", kStatusUidValidity},
      {"UNSEEN", kStatusUnseen},
      {"DELETED", kStatusDeleted},
      {"SIZE", kStatusSize},
      {"RECENT", kStatusRecent},
      {"HIGHESTMODSEQ", kStatusHighestModseq},
      {"APPENDLIMIT", kStatusAppendLimit},
      {"MAILBOXID", kStatusMailboxId},
      {"DELETED-STORAGE", kStatusDeletedStorage},
  }};
  *items = 0;
  return c.List([&] {
    std::string word;
    if (!c.Keyword(&word)) return c.Fail("expected a status item");
    for (const Item& item : kItems) {
      if (word == item.name) {
        *items |= item.bit;
        return true;
      }
    }
    return c.Fail("unknown status item");
  });
}

bool ParseMailboxCommand(Cursor& c, Command* out) {
  switch (out->name) {
    case CommandName::kSelect:
    case CommandName::kExamine: return ParseSelect(c, out);
    case CommandName::kCreate: return ParseCreate(c, out);
    case CommandName::kStatus: return ParseStatus(c, out);
    case CommandName::kSetQuota: return ParseSetQuota(c, out);
    case CommandName::kRename: {
      RenameArgs args;
      if (!c.Sp() || !c.Mailbox(&args.from) || !c.Sp() || !c.Mailbox(&args.to)) return false;
      out->args = std::move(args);
      return true;
    }
    case CommandName::kGetQuota: {
      QuotaRootArgs args;
      if (!c.Sp() || !c.AString(&args.root)) return false;
      out->args = std::move(args);
      return true;
    }
    default: {  // DELETE, SUBSCRIBE, UNSUBSCRIBE, GETQUOTAROOT
      MailboxArgs args;
      if (!c.Sp() || !c.Mailbox(&args.mailbox)) return false;
      out->args = std::move(args);
      return true;
    }
  }
}

}  // namespace ringmail::imap
