#include "smtp/mail_command.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "base/ascii.h"
#include "smtp/xtext.h"

namespace ringmail::smtp::internal {
namespace {

using Unexpected = std::unexpected<SmtpReply>;

struct PathText {
  std::string_view path;    // with its angle brackets
  std::string_view params;  // the rest of the line: empty, or starting with a space
};

// Checks the "FROM:" / "TO:" keyword and finds the path's closing bracket, skipping a '>'
// inside a quoted local part (`<"a>b"@x>`).
std::expected<PathText, SmtpReply> SplitPath(std::string_view args, std::string_view keyword) {
  if (args.size() < keyword.size() || !EqualsIgnoreCase(args.substr(0, keyword.size()), keyword)) {
    return Unexpected(replies::kBadPath);
  }
  args.remove_prefix(keyword.size());
  while (!args.empty() && args.front() == ' ') args.remove_prefix(1);  // tolerated
  if (args.empty() || args.front() != '<') return Unexpected(replies::kBadPath);
  bool quoted = false;
  for (size_t i = 1; i < args.size(); ++i) {
    char c = args[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == '>') {
      std::string_view rest = args.substr(i + 1);
      if (!rest.empty() && rest.front() != ' ') return Unexpected(replies::kBadPath);
      return PathText{args.substr(0, i + 1), rest};
    }
  }
  return Unexpected(replies::kBadPath);
}

// A source route "@a,@b" (RFC 5321 §4.1.2 A-d-l): every hop a valid domain.
bool IsValidRoute(std::string_view route) {
  for (size_t start = 0; start <= route.size();) {
    size_t end = std::min(route.find(',', start), route.size());
    std::string_view hop = route.substr(start, end - start);
    if (hop.size() < 2 || hop.front() != '@') return false;
    if (!NormalizeMailDomain(hop.substr(1))) return false;
    start = end + 1;
  }
  return true;
}

std::expected<SmtpPath, SmtpReply> ParsePath(std::string_view path, bool sender) {
  const SmtpReply& bad = sender ? replies::kBadSender : replies::kBadRecipient;
  if (path.size() > kPathSizeMax) return Unexpected(bad);
  std::string_view inner = path.substr(1, path.size() - 2);
  SmtpPath out;
  if (inner.starts_with('@')) {
    size_t colon = inner.find(':');
    if (colon == inner.npos || !IsValidRoute(inner.substr(0, colon))) return Unexpected(bad);
    inner.remove_prefix(colon + 1);
    out.source_route = true;
  }
  if (inner.empty()) {
    if (!sender || out.source_route) return Unexpected(bad);
    out.kind = SmtpPath::Kind::kNull;
    return out;
  }
  if (!sender && !out.source_route && EqualsIgnoreCase(inner, "postmaster")) {
    out.kind = SmtpPath::Kind::kPostmaster;
    return out;
  }
  Result<MailAddress> address = ParseMailAddress(inner);
  if (!address) return Unexpected(bad);
  out.kind = SmtpPath::Kind::kMailbox;
  out.address = std::move(*address);
  out.utf8 = std::any_of(inner.begin(), inner.end(),
                         [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  return out;
}

struct Param {
  std::string_view keyword;
  std::string_view value;
  bool has_value = false;
};

// RFC 5321 §4.1.2 esmtp-keyword and esmtp-value (RFC 6531 §3.3 adds UTF-8 to values).
bool IsValidParam(const Param& p) {
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (p.keyword.empty() || !alnum(p.keyword.front())) return false;
  if (!std::all_of(p.keyword.begin(), p.keyword.end(),
                   [&](char c) { return alnum(c) || c == '-'; })) {
    return false;
  }
  if (!p.has_value) return true;
  return !p.value.empty() && std::all_of(p.value.begin(), p.value.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return u >= 0x80 || (u >= 33 && u <= 126 && c != '=');
  });
}

// Splits the parameter list at runs of spaces; stops at the first malformed one.
template <typename Apply>
std::optional<SmtpReply> ForEachParam(std::string_view params, Apply apply) {
  for (size_t start = 0; start < params.size();) {
    if (params[start] == ' ') {
      ++start;
      continue;
    }
    size_t end = std::min(params.find(' ', start), params.size());
    std::string_view token = params.substr(start, end - start);
    size_t eq = token.find('=');
    Param p{token.substr(0, eq), eq == token.npos ? "" : token.substr(eq + 1), eq != token.npos};
    if (!IsValidParam(p)) return replies::kBadParameter;
    if (std::optional<SmtpReply> reply = apply(p)) return reply;
    start = end;
  }
  return std::nullopt;
}

// No control characters (the decoded form of xtext may hold any byte).
bool IsPrintable(std::string_view s, bool allow_utf8) {
  return std::all_of(s.begin(), s.end(), [&](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return (u >= 0x20 && u < 0x7f) || (allow_utf8 && u >= 0x80);
  });
}

// SIZE's 1*20DIGIT, saturating at UINT64_MAX (the session answers 552 to any size it cannot
// take, RFC 1870 §6.1).
std::optional<uint64_t> ParseSize(std::string_view value) {
  if (value.empty() || value.size() > 20) return std::nullopt;
  uint64_t size = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    size = size > (UINT64_MAX - digit) / 10 ? UINT64_MAX : size * 10 + digit;
  }
  return size;
}

struct KnownParam {
  std::string_view keyword;
  uint32_t extension;
};

constexpr KnownParam kMailParams[] = {
    {"SIZE", kExtSize},
    {"BODY", kExt8BitMime | kExtBinaryMime},
    {"SMTPUTF8", kExtSmtpUtf8},
    {"RET", kExtDsn},
    {"ENVID", kExtDsn},
    {"AUTH", kExtAuth},
    {"REQUIRETLS", kExtRequireTls},
};
constexpr KnownParam kRcptParams[] = {{"NOTIFY", kExtDsn}, {"ORCPT", kExtDsn}};

// The index of `keyword` in `known` when its extension is enabled, else nullopt (555).
template <size_t N>
std::optional<size_t> FindParam(const KnownParam (&known)[N], std::string_view keyword,
                                uint32_t extensions) {
  for (size_t i = 0; i < N; ++i) {
    if (EqualsIgnoreCase(known[i].keyword, keyword) && (known[i].extension & extensions)) {
      return i;
    }
  }
  return std::nullopt;
}

std::optional<SmtpReply> ApplyBody(std::string_view value, uint32_t extensions, MailParams* m) {
  if (EqualsIgnoreCase(value, "7BIT") || EqualsIgnoreCase(value, "8BITMIME")) {
    if (!(extensions & kExt8BitMime)) return replies::kUnknownParameter;
    m->body = EqualsIgnoreCase(value, "7BIT") ? BodyType::k7Bit : BodyType::k8BitMime;
  } else if (EqualsIgnoreCase(value, "BINARYMIME")) {
    if (!(extensions & kExtBinaryMime)) return replies::kUnknownParameter;
    m->body = BodyType::kBinaryMime;
  } else {
    return replies::kBadParameter;
  }
  return std::nullopt;
}

std::optional<SmtpReply> ApplyMailParam(const Param& p, size_t index, uint32_t extensions,
                                        MailParams* m) {
  std::string_view key = kMailParams[index].keyword;
  bool flag = key == "SMTPUTF8" || key == "REQUIRETLS";
  if (flag == p.has_value) return replies::kBadParameter;  // flags take no value, others need one
  if (key == "SIZE") {
    m->size = ParseSize(p.value);
    if (!m->size) return replies::kBadParameter;
  } else if (key == "BODY") {
    return ApplyBody(p.value, extensions, m);
  } else if (key == "SMTPUTF8") {
    m->smtputf8 = true;
  } else if (key == "REQUIRETLS") {
    m->requiretls = true;
  } else if (key == "RET") {
    if (EqualsIgnoreCase(p.value, "FULL")) {
      m->ret = DsnRet::kFull;
    } else if (EqualsIgnoreCase(p.value, "HDRS")) {
      m->ret = DsnRet::kHdrs;
    } else {
      return replies::kBadParameter;
    }
  } else if (key == "ENVID") {
    if (p.value.size() > kEnvidSizeMax) return replies::kBadParameter;
    m->envid = XtextDecode(p.value);
    if (!m->envid || !IsPrintable(*m->envid, false)) return replies::kBadParameter;
  } else {  // AUTH
    m->auth = XtextDecode(p.value);
    if (!m->auth || m->auth->empty() || !IsPrintable(*m->auth, true)) {
      return replies::kBadParameter;
    }
  }
  return std::nullopt;
}

std::optional<SmtpReply> ApplyNotify(std::string_view value, RcptParams* r) {
  for (size_t start = 0; start <= value.size();) {
    size_t end = std::min(value.find(',', start), value.size());
    std::string_view item = value.substr(start, end - start);
    uint8_t bit = EqualsIgnoreCase(item, "NEVER")     ? kNotifyNever
                  : EqualsIgnoreCase(item, "SUCCESS") ? kNotifySuccess
                  : EqualsIgnoreCase(item, "FAILURE") ? kNotifyFailure
                  : EqualsIgnoreCase(item, "DELAY")   ? kNotifyDelay
                                                      : 0;
    if (bit == 0 || (r->notify & bit)) return replies::kBadParameter;
    r->notify |= bit;
    start = end + 1;
  }
  if ((r->notify & kNotifyNever) && r->notify != kNotifyNever) return replies::kBadParameter;
  return std::nullopt;
}

std::optional<SmtpReply> ApplyOrcpt(std::string_view value, RcptParams* r) {
  size_t semi = value.find(';');
  if (value.size() > kOrcptSizeMax || semi == value.npos || semi == 0) {
    return replies::kBadParameter;
  }
  std::string type = AsciiLowerString(value.substr(0, semi));
  bool atom = std::all_of(type.begin(), type.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
  if (!atom) return replies::kBadParameter;
  std::string_view encoded = value.substr(semi + 1);
  std::optional<std::string> decoded =
      type == "utf-8" ? Utf8AddrXtextDecode(encoded) : XtextDecode(encoded);
  if (!decoded || decoded->empty() || !IsPrintable(*decoded, type == "utf-8")) {
    return replies::kBadParameter;
  }
  r->orcpt_type = std::move(type);
  r->orcpt_raw = std::string(encoded);
  r->orcpt_address = std::move(*decoded);
  return std::nullopt;
}

}  // namespace

CommandResult ParseMail(std::string_view args, const CommandContext& context) {
  std::expected<PathText, SmtpReply> split = SplitPath(args, "FROM:");
  if (!split) return Unexpected(split.error());
  std::expected<SmtpPath, SmtpReply> path = ParsePath(split->path, /*sender=*/true);
  if (!path) return Unexpected(path.error());
  SmtpCommand command;
  command.verb = SmtpVerb::kMail;
  command.path = std::move(*path);
  uint32_t seen = 0;
  std::optional<SmtpReply> reply = ForEachParam(split->params, [&](const Param& p) {
    std::optional<size_t> index = FindParam(kMailParams, p.keyword, context.extensions);
    if (!index) return std::optional<SmtpReply>(replies::kUnknownParameter);
    if (seen & (1u << *index)) return std::optional<SmtpReply>(replies::kDuplicateParameter);
    seen |= 1u << *index;
    return ApplyMailParam(p, *index, context.extensions, &command.mail);
  });
  if (reply) return Unexpected(*reply);
  if (command.path.utf8 && !command.mail.smtputf8) return Unexpected(replies::kNonAsciiAddress);
  return command;
}

CommandResult ParseRcpt(std::string_view args, const CommandContext& context) {
  std::expected<PathText, SmtpReply> split = SplitPath(args, "TO:");
  if (!split) return Unexpected(split.error());
  std::expected<SmtpPath, SmtpReply> path = ParsePath(split->path, /*sender=*/false);
  if (!path) return Unexpected(path.error());
  SmtpCommand command;
  command.verb = SmtpVerb::kRcpt;
  command.path = std::move(*path);
  uint32_t seen = 0;
  std::optional<SmtpReply> reply = ForEachParam(split->params, [&](const Param& p) {
    std::optional<size_t> index = FindParam(kRcptParams, p.keyword, context.extensions);
    if (!index) return std::optional<SmtpReply>(replies::kUnknownParameter);
    if (seen & (1u << *index)) return std::optional<SmtpReply>(replies::kDuplicateParameter);
    seen |= 1u << *index;
    if (!p.has_value) return std::optional<SmtpReply>(replies::kBadParameter);
    return *index == 0 ? ApplyNotify(p.value, &command.rcpt) : ApplyOrcpt(p.value, &command.rcpt);
  });
  if (reply) return Unexpected(*reply);
  if (command.path.utf8 && !context.smtputf8) return Unexpected(replies::kNonAsciiAddress);
  return command;
}

}  // namespace ringmail::smtp::internal
