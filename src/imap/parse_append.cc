// APPEND (RFC 9051 §6.3.12, RFC 3502 MULTIAPPEND, RFC 3516 literal8) and REPLACE (RFC 8508).
#include "imap/command_parsers.h"

namespace ringmail::imap {
namespace {

// Messages in one MULTIAPPEND; their total size is bounded by Limits::command_size_max.
constexpr size_t kAppendMessagesMax = 1000;

// [SP flag-list] [SP date-time] SP (literal / literal8)
bool ParseMessage(Cursor& c, AppendMessage* m) {
  if (!c.Sp()) return false;
  if (c.Peek() == '(') {
    if (!c.FlagList(&m->flags) || !c.Sp()) return false;
  }
  if (c.Peek() == '"') {
    if (!c.DateTime(&m->internal_date.emplace()) || !c.Sp()) return false;
  }
  if (c.Peek() != '{' && c.Peek() != '~') return c.Fail("expected the message as a literal");
  return c.Literal(&m->data, /*allow_binary=*/true, &m->binary);
}

}  // namespace

bool ParseAppendCommand(Cursor& c, Command* out) {
  if (out->name == CommandName::kReplace) {
    ReplaceArgs args;
    if (!c.Sp() || !c.NzNumber(&args.number) || !c.Sp() || !c.Mailbox(&args.mailbox) ||
        !ParseMessage(c, &args.message)) {
      return false;
    }
    out->args = std::move(args);
    return true;
  }
  AppendArgs args;
  if (!c.Sp() || !c.Mailbox(&args.mailbox)) return false;
  do {
    if (args.messages.size() >= kAppendMessagesMax) return c.Fail("too many messages");
    if (!ParseMessage(c, &args.messages.emplace_back())) return false;
  } while (c.Peek() == ' ');
  out->args = std::move(args);
  return true;
}

}  // namespace ringmail::imap
