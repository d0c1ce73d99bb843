#include "smtp/command_parser.h"

#include <arpa/inet.h>

#include <algorithm>

#include "base/ascii.h"
#include "base/encoding.h"
#include "smtp/mail_command.h"

namespace ringmail::smtp {
namespace {

using Unexpected = std::unexpected<SmtpReply>;

struct VerbName {
  std::string_view name;
  SmtpVerb verb;
};

constexpr VerbName kVerbs[] = {
    {"HELO", SmtpVerb::kHelo}, {"EHLO", SmtpVerb::kEhlo},         {"LHLO", SmtpVerb::kLhlo},
    {"MAIL", SmtpVerb::kMail}, {"RCPT", SmtpVerb::kRcpt},         {"DATA", SmtpVerb::kData},
    {"BDAT", SmtpVerb::kBdat}, {"RSET", SmtpVerb::kRset},         {"NOOP", SmtpVerb::kNoop},
    {"QUIT", SmtpVerb::kQuit}, {"VRFY", SmtpVerb::kVrfy},         {"EXPN", SmtpVerb::kExpn},
    {"HELP", SmtpVerb::kHelp}, {"STARTTLS", SmtpVerb::kStarttls}, {"AUTH", SmtpVerb::kAuth},
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The first space-separated word of `s` (trimmed), and what follows it (trimmed).
std::pair<std::string_view, std::string_view> FirstWord(std::string_view s) {
  s = Trim(s);
  size_t sp = std::min(s.find(' '), s.size());
  return {s.substr(0, sp), Trim(s.substr(sp))};
}

// RFC 5321 §4.1.3 address-literal: IPv4, "IPv6:" + IPv6, or a General-address-literal
// (Standardized-tag ":" 1*dcontent).
bool IsAddressLiteral(std::string_view text) {
  if (text.size() < 3 || text.front() != '[' || text.back() != ']') return false;
  std::string inner(text.substr(1, text.size() - 2));
  unsigned char buf[16];
  if (inner.size() > 5 && EqualsIgnoreCase(std::string_view(inner).substr(0, 5), "IPv6:")) {
    return inet_pton(AF_INET6, inner.c_str() + 5, buf) == 1;
  }
  size_t colon = inner.find(':');
  if (colon == inner.npos) return inet_pton(AF_INET, inner.c_str(), buf) == 1;
  std::string_view tag = std::string_view(inner).substr(0, colon);
  std::string_view content = std::string_view(inner).substr(colon + 1);
  bool tag_ok =
      !tag.empty() && tag.back() != '-' && std::all_of(tag.begin(), tag.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-';
      });
  bool content_ok = !content.empty() && std::all_of(content.begin(), content.end(), [](char c) {
    return (c >= 33 && c <= 90) || (c >= 94 && c <= 126);
  });
  return tag_ok && content_ok;
}

CommandResult ParseHelo(SmtpVerb verb, std::string_view args) {
  std::string_view word = FirstWord(args).first;  // anything after it is ignored
  if (word.empty()) return Unexpected(replies::kDomainRequired);
  if (word.size() > kHeloSizeMax) return Unexpected(replies::kBadArguments);
  SmtpCommand command;
  command.verb = verb;
  command.helo = std::string(word);
  command.helo_valid =
      word.front() == '[' ? IsAddressLiteral(word) : NormalizeMailDomain(word).has_value();
  return command;
}

CommandResult ParseAuth(std::string_view args) {
  auto [mechanism, rest] = FirstWord(args);
  bool mechanism_ok = !mechanism.empty() && mechanism.size() <= kMechanismSizeMax &&
                      std::all_of(mechanism.begin(), mechanism.end(), [](char c) {
                        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                               (c >= '0' && c <= '9') || c == '-' || c == '_';
                      });
  if (!mechanism_ok) return Unexpected(replies::kMechanismRequired);
  SmtpCommand command;
  command.verb = SmtpVerb::kAuth;
  command.argument = std::string(mechanism);
  for (char& c : command.argument) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  if (rest.empty()) return command;
  if (rest.find(' ') != rest.npos) return Unexpected(replies::kBadArguments);
  if (rest == "=") {
    command.initial_response = "";
  } else {
    command.initial_response = Base64Decode(rest);
    if (!command.initial_response) return Unexpected(replies::kBadBase64);
  }
  return command;
}

CommandResult ParseBdat(std::string_view args) {
  auto [size, rest] = FirstWord(args);
  SmtpCommand command;
  command.verb = SmtpVerb::kBdat;
  if (size.empty() || size.size() > 20) return Unexpected(replies::kBadBdatSize);
  for (char c : size) {
    if (c < '0' || c > '9') return Unexpected(replies::kBadBdatSize);
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (command.bdat_size > (UINT64_MAX - digit) / 10) return Unexpected(replies::kBadBdatSize);
    command.bdat_size = command.bdat_size * 10 + digit;
  }
  if (!rest.empty()) {
    if (!EqualsIgnoreCase(rest, "LAST")) return Unexpected(replies::kBadBdatSize);
    command.bdat_last = true;
  }
  return command;
}

CommandResult ParseText(SmtpVerb verb, std::string_view args, bool required) {
  std::string_view text = Trim(args);
  if (required && text.empty()) return Unexpected(replies::kArgumentRequired);
  if (text.size() > kArgumentSizeMax) return Unexpected(replies::kBadArguments);
  SmtpCommand command;
  command.verb = verb;
  command.argument = std::string(text);
  return command;
}

}  // namespace

CommandResult ParseCommand(std::string_view line, const CommandContext& context) {
  for (char c : line) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return Unexpected(replies::kBadCharacter);
  }
  size_t sp = std::min(line.find(' '), line.size());
  std::string_view name = line.substr(0, sp);
  std::string_view args = line.substr(std::min(sp + 1, line.size()));
  if (name.empty()) return Unexpected(replies::kSyntax);
  const VerbName* found =
      std::find_if(std::begin(kVerbs), std::end(kVerbs),
                   [&](const VerbName& v) { return EqualsIgnoreCase(v.name, name); });
  if (found == std::end(kVerbs)) return Unexpected(replies::kUnknownCommand);
  switch (found->verb) {
    case SmtpVerb::kHelo:
    case SmtpVerb::kEhlo:
    case SmtpVerb::kLhlo: return ParseHelo(found->verb, args);
    case SmtpVerb::kMail: return internal::ParseMail(args, context);
    case SmtpVerb::kRcpt: return internal::ParseRcpt(args, context);
    case SmtpVerb::kBdat: return ParseBdat(args);
    case SmtpVerb::kAuth: return ParseAuth(args);
    case SmtpVerb::kVrfy:
    case SmtpVerb::kExpn: return ParseText(found->verb, args, /*required=*/true);
    case SmtpVerb::kHelp:
    case SmtpVerb::kNoop: return ParseText(found->verb, args, /*required=*/false);
    case SmtpVerb::kData:
    case SmtpVerb::kRset:
    case SmtpVerb::kQuit:
    case SmtpVerb::kStarttls: break;
  }
  if (!Trim(args).empty()) return Unexpected(replies::kNoArgumentsAllowed);
  SmtpCommand command;
  command.verb = found->verb;
  return command;
}

}  // namespace ringmail::smtp
