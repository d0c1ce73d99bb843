// AUTHENTICATE (RFC 9051 §6.2.2, RFC 4959 SASL-IR), LOGIN, ENABLE (RFC 5161), ID (RFC 2971),
// COMPRESS (RFC 4978).
#include "imap/command_parsers.h"

namespace ringmail::imap {
namespace {

// ID's field list is bounded by RFC 2971 §3.3: at most 30 field-value pairs.
constexpr size_t kIdFieldsMax = 30;

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/' || c == '=';
}

bool ParseAuthenticate(Cursor& c, Command* out) {
  AuthenticateArgs args;
  if (!c.Sp() || !c.Keyword(&args.mechanism)) return c.Fail("expected a SASL mechanism");
  if (c.TryChar(' ')) {
    std::string response;
    while (IsBase64Char(c.Peek()) && !c.AtEnd()) {
      response.push_back(c.Peek());
      c.TryChar(c.Peek());
    }
    if (response.empty()) return c.Fail("bad initial response");
    args.initial_response = std::move(response);
  }
  out->args = std::move(args);
  return true;
}

bool ParseLogin(Cursor& c, Command* out) {
  LoginArgs args;
  if (!c.Sp() || !c.AString(&args.user) || !c.Sp() || !c.AString(&args.password)) return false;
  out->args = std::move(args);
  return true;
}

bool ParseEnable(Cursor& c, Command* out) {
  EnableArgs args;
  do {
    if (!c.Sp()) return false;
    std::string_view atom = c.Atom();
    if (c.failed()) return c.Fail("expected a capability");
    std::string& cap = args.capabilities.emplace_back(atom);
    for (char& ch : cap) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch;
  } while (c.Peek() == ' ');
  out->args = std::move(args);
  return true;
}

bool ParseId(Cursor& c, Command* out) {
  IdArgs args;
  if (!c.Sp()) return false;
  if (!c.TryKeyword("NIL")) {
    bool ok = c.List([&] {
      if (args.fields.size() >= kIdFieldsMax) return c.Fail("too many ID fields");
      auto& field = args.fields.emplace_back();
      return c.String(&field.first) && c.Sp() && c.NString(&field.second);
    });
    if (!ok) return false;
  }
  out->args = std::move(args);
  return true;
}

bool ParseCompress(Cursor& c, Command* out) {
  CompressArgs args;
  if (!c.Sp() || !c.Keyword(&args.mechanism)) return c.Fail("expected a compression mechanism");
  out->args = std::move(args);
  return true;
}

}  // namespace

bool ParseSessionCommand(Cursor& c, Command* out) {
  switch (out->name) {
    case CommandName::kAuthenticate: return ParseAuthenticate(c, out);
    case CommandName::kLogin: return ParseLogin(c, out);
    case CommandName::kEnable: return ParseEnable(c, out);
    case CommandName::kId: return ParseId(c, out);
    case CommandName::kCompress: return ParseCompress(c, out);
    default: return c.Fail("internal: not a session command");
  }
}

}  // namespace ringmail::imap
