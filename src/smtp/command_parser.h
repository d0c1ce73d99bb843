// SMTP and LMTP command lines (RFC 5321 §4.1, RFC 2033 LHLO) with the ESMTP extensions
// ringmail implements: SIZE (RFC 1870), 8BITMIME/BINARYMIME (RFC 6152/3030), SMTPUTF8
// (RFC 6531), CHUNKING (BDAT, RFC 3030), DSN (RFC 3461), AUTH (RFC 4954), REQUIRETLS
// (RFC 8689), STARTTLS (RFC 3207). One line in (framed by LineReader, without its CRLF), one
// typed command or one reply out. Pure; any core; no state between calls.
//
// Strict where the RFC is, tolerant where deployed clients deviate, and each choice is named:
//  - verbs, "FROM:"/"TO:", parameter keywords and keyword values (BODY=, RET=, NOTIFY=) are
//    case-insensitive (RFC 5321 §2.4);
//  - spaces after the colon ("MAIL FROM: <a@b>") are accepted, as Postfix, Exim and mox do:
//    old clients send them and the path is still unambiguous; a space before it is not;
//  - runs of spaces between parameters and trailing spaces are accepted; tabs are not;
//  - the path must be in angle brackets ("MAIL FROM:a@b" is 501): without them a parameter
//    could be read as part of the address;
//  - HELO/EHLO/LHLO take their first word and ignore the rest (old clients append comments);
//    the word is kept as sent, and `helo_valid` says whether it is a syntactically valid
//    domain or address literal, for the session's policy (real clients send "my_pc" or
//    "localhost");
//  - source routes (`<@a,@b:u@d>`) are checked and dropped (RFC 5321 §4.1.1.3, Appendix C);
//  - address literals in paths (`u@[192.0.2.1]`) are refused with 553: no domain we host is a
//    literal, and senders that use one are overwhelmingly spam;
//  - control characters (below 0x20, 0x7F) anywhere in a line are refused with 500 5.5.2: that
//    is where CR/LF injection into envelope addresses and xtext values ends.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "directory/address.h"
#include "smtp/reply.h"

namespace ringmail::smtp {

// RFC 5321 §4.5.3.1.3: a reverse- or forward-path of at most 256 octets with its brackets
// (local part 64 and domain 255 are kLocalPartSizeMax/kMailDomainSizeMax in address.h).
inline constexpr size_t kPathSizeMax = 256;
// RFC 3461 §4.4 and §4.2: the encoded ENVID and ORCPT values.
inline constexpr size_t kEnvidSizeMax = 100;
inline constexpr size_t kOrcptSizeMax = 500;
// RFC 4422 §3.1: SASL mechanism names are 1 to 20 characters.
inline constexpr size_t kMechanismSizeMax = 20;
// RFC 5321 §4.1.1.1 (a domain) and the same for an address literal; a longer HELO is 501.
inline constexpr size_t kHeloSizeMax = 255;
// VRFY/EXPN/HELP/NOOP arguments are kept up to this size; longer is 501.
inline constexpr size_t kArgumentSizeMax = 512;

enum class SmtpVerb {
  kHelo,
  kEhlo,
  kLhlo,
  kMail,
  kRcpt,
  kData,
  kBdat,
  kRset,
  kNoop,
  kQuit,
  kVrfy,
  kExpn,
  kHelp,
  kStarttls,
  kAuth,
};

// The extensions whose MAIL/RCPT parameters a listener accepts; a parameter of an extension
// not in CommandContext::extensions is 555, as if unknown (RFC 1869 §6).
enum Extension : uint32_t {
  kExtSize = 1 << 0,        // SIZE=
  kExt8BitMime = 1 << 1,    // BODY=7BIT / BODY=8BITMIME
  kExtBinaryMime = 1 << 2,  // BODY=BINARYMIME
  kExtSmtpUtf8 = 1 << 3,    // SMTPUTF8
  kExtDsn = 1 << 4,         // RET=, ENVID=, NOTIFY=, ORCPT=
  kExtAuth = 1 << 5,        // AUTH= on MAIL
  kExtRequireTls = 1 << 6,  // REQUIRETLS
};
inline constexpr uint32_t kAllExtensions = (1 << 7) - 1;

// What the parser needs to know of the session.
struct CommandContext {
  uint32_t extensions = kAllExtensions;
  // RCPT: the transaction's MAIL had SMTPUTF8, so UTF-8 recipient addresses are allowed
  // (RFC 6531 §3.4). MAIL decides from its own parameters.
  bool smtputf8 = false;
};

// A reverse-path (MAIL) or forward-path (RCPT).
struct SmtpPath {
  enum class Kind {
    kNull,        // "<>": MAIL only (bounces); RCPT TO:<> is 553
    kMailbox,     // `address` is set
    kPostmaster,  // RCPT TO:<Postmaster> without a domain (RFC 5321 §4.1.1.3); RCPT only
  };
  Kind kind = Kind::kNull;
  // ParseMailAddress's result: local part as written (quotes removed, case kept), domain in
  // lower-case A-label form. The local part is taken as data: "user%other" and "a@b" (from
  // `"a@b"@ours`) are local parts of a mailbox at `domain`, never routing.
  MailAddress address;
  bool source_route = false;  // a route was given (and dropped)
  bool utf8 = false;          // the local part or the domain as sent had non-ASCII bytes

  bool operator==(const SmtpPath&) const = default;
};

enum class BodyType { kUnspecified, k7Bit, k8BitMime, kBinaryMime };
enum class DsnRet { kUnspecified, kFull, kHdrs };

// RCPT NOTIFY= (RFC 3461 §4.1): NEVER alone, or any of the other three.
enum Notify : uint8_t {
  kNotifySuccess = 1 << 0,
  kNotifyFailure = 1 << 1,
  kNotifyDelay = 1 << 2,
  kNotifyNever = 1 << 3,
};

struct MailParams {
  std::optional<uint64_t> size;  // SIZE=; a value over 2^64-1 reads as UINT64_MAX
  BodyType body = BodyType::kUnspecified;
  bool smtputf8 = false;
  DsnRet ret = DsnRet::kUnspecified;
  std::optional<std::string> envid;  // xtext-decoded; printable ASCII
  std::optional<std::string> auth;   // AUTH=, xtext-decoded: "<>" or a mailbox, unchecked
  bool requiretls = false;
};

struct RcptParams {
  uint8_t notify = 0;  // Notify bits; 0 when NOTIFY= was not given
  // ORCPT=addr-type;value. `orcpt_type` is lower-cased ("rfc822", "utf-8"); `orcpt_raw` is
  // the value as sent (to relay unchanged); `orcpt_address` is it decoded (xtext for
  // rfc822, RFC 6533 for utf-8), with no control characters.
  std::optional<std::string> orcpt_type;
  std::string orcpt_raw;
  std::string orcpt_address;
};

// One parsed command. Which fields are set depends on `verb`; the others keep their
// defaults.
struct SmtpCommand {
  SmtpVerb verb = SmtpVerb::kNoop;
  // HELO/EHLO/LHLO: the first word as sent; `helo_valid` when it is a domain (LDH labels,
  // or UTF-8 that NormalizeMailDomain takes) or an address literal ("[192.0.2.1]",
  // "[IPv6:2001:db8::1]").
  std::string helo;
  bool helo_valid = false;
  SmtpPath path;           // MAIL, RCPT
  MailParams mail;         // MAIL
  RcptParams rcpt;         // RCPT
  uint64_t bdat_size = 0;  // BDAT
  bool bdat_last = false;  // BDAT ... LAST
  // VRFY/EXPN (required), HELP/NOOP (optional): the rest of the line, trimmed. AUTH: the
  // mechanism, upper-cased.
  std::string argument;
  // AUTH: the initial response, base64-decoded; "" for "=" (an empty response); nullopt when
  // none was given (the session sends an empty 334 challenge).
  std::optional<std::string> initial_response;
};

using CommandResult = std::expected<SmtpCommand, SmtpReply>;

// Parses one command line (without its line end). The reply on failure is one of
// smtp::replies: 500 5.5.1 unknown verb, 500 5.5.2 syntax or control character, 501 5.5.4 bad
// arguments, 555 5.5.4 unknown or disabled MAIL/RCPT parameter, 553 5.1.7/5.1.3 bad
// sender/recipient address, 553 5.6.7 UTF-8 address without SMTPUTF8, 501 5.5.2 bad base64.
// Whether a command is allowed now (sequence, TLS, AUTH state, LHLO only on LMTP) is the
// session's decision.
CommandResult ParseCommand(std::string_view line, const CommandContext& context = {});

}  // namespace ringmail::smtp
