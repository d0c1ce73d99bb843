// SMTP replies the parsers decide (RFC 5321 §4.2, enhanced codes RFC 3463/5248): a protocol
// outcome is a value, never an Error. The text is static; the session adds its host name or
// detail where it wants to. Pure; any core.
#pragma once

#include <string>
#include <string_view>

namespace ringmail::smtp {

struct SmtpReply {
  int code = 0;               // three digits, e.g. 501
  std::string_view enhanced;  // "5.5.4" (we always announce ENHANCEDSTATUSCODES)
  std::string_view text;      // static text, no CR or LF
  // The session sends this reply and then closes the connection: the framing of the byte
  // stream is in doubt (a bare newline in reject mode), so nothing after it can be trusted.
  bool close = false;

  bool operator==(const SmtpReply&) const = default;
};

// "501 5.5.4 text\r\n".
std::string FormatReply(const SmtpReply& reply);

// The replies the parsers give, by name, so the session and the tests refer to one value.
namespace replies {
// Command framing and verbs (RFC 5321 §4.2.2, §4.5.3.1.4 for over-long lines).
inline constexpr SmtpReply kUnknownCommand{500, "5.5.1", "Command unrecognized"};
inline constexpr SmtpReply kSyntax{500, "5.5.2", "Syntax error"};
inline constexpr SmtpReply kBadCharacter{500, "5.5.2",
                                         "Syntax error: control character in command"};
inline constexpr SmtpReply kLineTooLong{500, "5.5.2", "Line too long"};
inline constexpr SmtpReply kBareLf{
    521, "5.5.2", "Syntax error: bare <LF> received; lines must end in <CR><LF>", true};
inline constexpr SmtpReply kBareCr{
    521, "5.5.2", "Syntax error: bare <CR> received; lines must end in <CR><LF>", true};
// Arguments and parameters (RFC 5321 §4.2.3, RFC 1869 §6 for 555).
inline constexpr SmtpReply kBadArguments{501, "5.5.4", "Syntax error in parameters or arguments"};
inline constexpr SmtpReply kNoArgumentsAllowed{501, "5.5.4", "Syntax error: no arguments allowed"};
inline constexpr SmtpReply kDomainRequired{501, "5.5.4", "Syntax error: a domain is required"};
inline constexpr SmtpReply kArgumentRequired{501, "5.5.4", "Syntax error: an argument is required"};
inline constexpr SmtpReply kBadPath{501, "5.5.4",
                                    "Syntax error: expected FROM:<address> or TO:<address>"};
inline constexpr SmtpReply kBadParameter{501, "5.5.4", "Syntax error in MAIL or RCPT parameter"};
inline constexpr SmtpReply kDuplicateParameter{501, "5.5.4", "Parameter given twice"};
inline constexpr SmtpReply kUnknownParameter{555, "5.5.4",
                                             "MAIL or RCPT parameter unrecognized or not "
                                             "implemented"};
// Closes: without a valid size the chunk's bytes cannot be skipped, and reading them as
// commands would let the chunk's content smuggle commands in.
inline constexpr SmtpReply kBadBdatSize{501, "5.5.4", "Syntax error: BDAT chunk-size [LAST]", true};
// Addresses (RFC 3463 §3.2: X.1.3 bad destination syntax, X.1.7 bad sender syntax; RFC 6531
// §3.5 for X.6.7).
inline constexpr SmtpReply kBadRecipient{553, "5.1.3", "Bad recipient address syntax"};
inline constexpr SmtpReply kBadSender{553, "5.1.7", "Bad sender address syntax"};
inline constexpr SmtpReply kNonAsciiAddress{553, "5.6.7", "Non-ASCII address requires SMTPUTF8"};
// AUTH (RFC 4954 §4: a response that is not base64 is 501 5.5.2).
inline constexpr SmtpReply kMechanismRequired{501, "5.5.4", "Syntax error: AUTH mechanism"};
inline constexpr SmtpReply kBadBase64{501, "5.5.2", "Invalid base64 data"};
// Message content (after the end of DATA or the last BDAT chunk).
inline constexpr SmtpReply kMessageTooBig{552, "5.3.4",
                                          "Message size exceeds fixed maximum message size"};
// X.6.0 (other media error): RFC 3463 registers no code for bad line ends; some servers say
// 5.6.11, which is not in the IANA registry.
inline constexpr SmtpReply kBareNewlineInMessage{
    550, "5.6.0", "Message refused: bare <CR> or <LF> in message; lines must end in <CR><LF>"};
}  // namespace replies

}  // namespace ringmail::smtp
