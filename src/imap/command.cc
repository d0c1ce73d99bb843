#include "imap/command.h"

#include <array>

#include "base/ascii.h"
#include "imap/command_parsers.h"

namespace ringmail::imap {
namespace {

struct NameEntry {
  const char* name;
  CommandName value;
  bool uid;  // may follow "UID "
};

constexpr std::array<NameEntry, 37> kNames = {{
    {"APPEND", CommandName::kAppend, false},
    {"AUTHENTICATE", CommandName::kAuthenticate, false},
    {"CAPABILITY", CommandName::kCapability, false},
    {"CHECK", CommandName::kCheck, false},
    {"CLOSE", CommandName::kClose, false},
    {"COMPRESS", CommandName::kCompress, false},
    {"COPY", CommandName::kCopy, true},
    {"CREATE", CommandName::kCreate, false},
    {"DELETE", CommandName::kDelete, false},
    {"ENABLE", CommandName::kEnable, false},
    {"EXAMINE", CommandName::kExamine, false},
    {"EXPUNGE", CommandName::kExpunge, true},
    {"FETCH", CommandName::kFetch, true},
    {"GETQUOTA", CommandName::kGetQuota, false},
    {"GETQUOTAROOT", CommandName::kGetQuotaRoot, false},
    {"ID", CommandName::kId, false},
    {"IDLE", CommandName::kIdle, false},
    {"LIST", CommandName::kList, false},
    {"LOGIN", CommandName::kLogin, false},
    {"LOGOUT", CommandName::kLogout, false},
    {"LSUB", CommandName::kLsub, false},
    {"MOVE", CommandName::kMove, true},
    {"NAMESPACE", CommandName::kNamespace, false},
    {"NOOP", CommandName::kNoop, false},
    {"RENAME", CommandName::kRename, false},
    {"REPLACE", CommandName::kReplace, true},
    {"SEARCH", CommandName::kSearch, true},
    {"SELECT", CommandName::kSelect, false},
    {"SETQUOTA", CommandName::kSetQuota, false},
    {"SORT", CommandName::kSort, true},
    {"STARTTLS", CommandName::kStartTls, false},
    {"STATUS", CommandName::kStatus, false},
    {"STORE", CommandName::kStore, true},
    {"SUBSCRIBE", CommandName::kSubscribe, false},
    {"THREAD", CommandName::kThread, true},
    {"UNSELECT", CommandName::kUnselect, false},
    {"UNSUBSCRIBE", CommandName::kUnsubscribe, false},
}};

const NameEntry& Entry(CommandName name) {
  for (const NameEntry& e : kNames) {
    if (e.value == name) return e;
  }
  return kNames[0];  // unreachable: every CommandName is in kNames (tested)
}

}  // namespace

const char* CommandNameString(CommandName name) { return Entry(name).name; }

std::optional<CommandName> LookupCommandName(std::string_view name) {
  for (const NameEntry& e : kNames) {
    if (EqualsIgnoreCase(name, e.name)) return e.value;
  }
  return std::nullopt;
}

bool AllowsUidPrefix(CommandName name) { return Entry(name).uid; }

bool ParseCommandHead(Cursor& c, Command* out) {
  std::string tag;
  if (!c.Tag(&tag)) return false;
  if (c.AtEnd() || c.Peek() == ' ') out->tag = std::move(tag);  // an error answer may use it
  if (!c.Sp()) return false;
  std::string word;
  if (!c.Keyword(&word)) return c.Fail("expected a command name");
  if (word == "UID") {
    out->uid = true;
    if (!c.Sp() || !c.Keyword(&word)) return c.Fail("expected a command after UID");
  }
  std::optional<CommandName> name = LookupCommandName(word);
  if (!name) return c.Fail("unknown command");
  if (out->uid && !AllowsUidPrefix(*name)) return c.Fail("command not allowed after UID");
  out->name = *name;
  return true;
}

bool ParseCommand(Cursor& c, Command* out) {
  if (!ParseCommandHead(c, out)) return false;
  bool ok = true;
  switch (out->name) {
    case CommandName::kCapability:
    case CommandName::kCheck:
    case CommandName::kClose:
    case CommandName::kIdle:
    case CommandName::kLogout:
    case CommandName::kNamespace:
    case CommandName::kNoop:
    case CommandName::kStartTls:
    case CommandName::kUnselect: break;
    case CommandName::kAuthenticate:
    case CommandName::kCompress:
    case CommandName::kEnable:
    case CommandName::kId:
    case CommandName::kLogin: ok = ParseSessionCommand(c, out); break;
    case CommandName::kSelect:
    case CommandName::kExamine:
    case CommandName::kCreate:
    case CommandName::kDelete:
    case CommandName::kRename:
    case CommandName::kSubscribe:
    case CommandName::kUnsubscribe:
    case CommandName::kStatus:
    case CommandName::kGetQuota:
    case CommandName::kGetQuotaRoot:
    case CommandName::kSetQuota: ok = ParseMailboxCommand(c, out); break;
    case CommandName::kList:
    case CommandName::kLsub: ok = ParseListCommand(c, out); break;
    case CommandName::kAppend:
    case CommandName::kReplace: ok = ParseAppendCommand(c, out); break;
    case CommandName::kFetch:
    case CommandName::kStore:
    case CommandName::kCopy:
    case CommandName::kMove:
    case CommandName::kExpunge: ok = ParseMessageCommand(c, out); break;
    case CommandName::kSearch:
    case CommandName::kSort:
    case CommandName::kThread: ok = ParseSearchCommand(c, out); break;
  }
  return ok && c.End();
}

}  // namespace ringmail::imap
