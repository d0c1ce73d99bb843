// The replies the session decides (docs/smtp.md lists them with the reasons), by name, so the
// session and the tests refer to one value. The parsers' own replies are in reply.h.
#pragma once

#include "smtp/reply.h"

namespace ringmail::smtp::replies {

// Connection (RFC 5321 §3.8, §4.2.2).
inline constexpr SmtpReply kEarlyTalker{554, "5.5.0",
                                        "Protocol error: data sent before the greeting", true};
inline constexpr SmtpReply kRelayNotAllowed{554, "5.7.1", "Relay access from your network denied",
                                            true};
inline constexpr SmtpReply kTooManyConnections{
    421, "4.7.0", "Too many connections from your address, try again later", true};
inline constexpr SmtpReply kTooManyMessages{450, "4.7.1",
                                            "Too many messages from your address, try again later"};
inline constexpr SmtpReply kTooManyErrors{421, "4.7.0", "Too many errors, closing connection",
                                          true};
inline constexpr SmtpReply kTimeout{421, "4.4.2", "Timeout, closing connection", true};
inline constexpr SmtpReply kShuttingDown{421, "4.3.2", "Server shutting down, closing connection",
                                         true};
inline constexpr SmtpReply kBye{221, "2.0.0", "Bye", true};
inline constexpr SmtpReply kOk{250, "2.0.0", "OK"};
inline constexpr SmtpReply kResetOk{250, "2.0.0", "Reset state"};
inline constexpr SmtpReply kHelp{214, "2.0.0",
                                 "See RFC 5321; commands: EHLO HELO MAIL RCPT DATA "
                                 "BDAT RSET NOOP QUIT HELP VRFY AUTH"};
// RFC 5321 §3.5.3: 252 so that VRFY never confirms which addresses exist.
inline constexpr SmtpReply kVrfy{252, "2.5.0",
                                 "Cannot VRFY user, but will accept message and attempt delivery"};
inline constexpr SmtpReply kNotImplemented{502, "5.5.1", "Command not implemented"};

// STARTTLS (RFC 3207 §4; §4 also gives 530 for commands refused before TLS).
inline constexpr SmtpReply kStartTlsReady{220, "2.0.0", "Ready to start TLS"};
inline constexpr SmtpReply kStartTlsUnavailable{502, "5.5.1", "STARTTLS not available"};
inline constexpr SmtpReply kTlsAlreadyActive{503, "5.5.1", "TLS already active"};
inline constexpr SmtpReply kStartTlsFirst{530, "5.7.0", "Must issue a STARTTLS command first"};

inline constexpr SmtpReply kAuthUnavailable{502, "5.5.1", "AUTH not available on this service"};
inline constexpr SmtpReply kWrongHello{500, "5.5.1", "Command unrecognized on this service"};

// Sequence (RFC 5321 §4.3.2, RFC 2920 §3.1 for "no valid recipients").
inline constexpr SmtpReply kHelloFirst{503, "5.5.1", "Send EHLO/HELO first"};
inline constexpr SmtpReply kLhloFirst{503, "5.5.1", "Send LHLO first"};
inline constexpr SmtpReply kNestedMail{503, "5.5.1", "Nested MAIL command"};
inline constexpr SmtpReply kMailFirst{503, "5.5.1", "Need MAIL command"};
inline constexpr SmtpReply kRcptFirst{503, "5.5.1", "Need RCPT command"};
inline constexpr SmtpReply kNoValidRecipients{554, "5.5.1", "No valid recipients"};
inline constexpr SmtpReply kDataAfterBdat{503, "5.5.1", "DATA not allowed after BDAT"};
inline constexpr SmtpReply kAlreadyAuthenticated{503, "5.5.1", "Already authenticated"};
inline constexpr SmtpReply kAuthInTransaction{503, "5.5.1",
                                              "AUTH not allowed during a transaction"};
inline constexpr SmtpReply kBinaryMimeNeedsBdat{503, "5.5.1", "BODY=BINARYMIME requires BDAT"};

// Envelope.
inline constexpr SmtpReply kAuthRequired{530, "5.7.0", "Authentication required"};
inline constexpr SmtpReply kSizeTooBig{552, "5.3.4", "Message size exceeds fixed maximum size"};
inline constexpr SmtpReply kNullSenderRefused{553, "5.7.1",
                                              "Null sender not allowed for authenticated users"};
inline constexpr SmtpReply kSenderNotOwned{553, "5.7.1",
                                           "Sender address not owned by the authenticated user"};
inline constexpr SmtpReply kSenderOk{250, "2.1.0", "Sender OK"};
inline constexpr SmtpReply kRecipientOk{250, "2.1.5", "Recipient OK"};
inline constexpr SmtpReply kUnknownUser{550, "5.1.1", "Mailbox unavailable: no such user"};
inline constexpr SmtpReply kDisabledUser{550, "5.2.1", "Mailbox disabled"};
inline constexpr SmtpReply kRelayDenied{550, "5.7.1", "Relaying denied"};
inline constexpr SmtpReply kOverQuota{452, "4.2.2", "Mailbox full"};
inline constexpr SmtpReply kTooManyRecipients{452, "4.5.3", "Too many recipients"};
inline constexpr SmtpReply kExpansionFailed{550, "5.2.4", "Group expansion failed"};
inline constexpr SmtpReply kTemporaryFailure{451, "4.3.0",
                                             "Temporary failure, please try again later"};
inline constexpr SmtpReply kRemoteNotConfigured{451, "4.3.0", "Remote delivery is not configured"};

// Data (RFC 5321 §4.2, RFC 3030).
inline constexpr SmtpReply kStartData{354, "", "End data with <CR><LF>.<CR><LF>"};
inline constexpr SmtpReply kDelivered{250, "2.0.0", "Message accepted for delivery"};
inline constexpr SmtpReply kTooManyHops{554, "5.4.6", "Too many hops (mail loop?)"};
inline constexpr SmtpReply kFromNotOwned{550, "5.7.1",
                                         "From: header not owned by the authenticated user"};
inline constexpr SmtpReply kQueueFull{452, "4.3.1", "Outbound queue full, try again later"};

// AUTH (RFC 4954 §6; the Authenticator's AuthFailure mapping).
inline constexpr SmtpReply kAuthOk{235, "2.7.0", "Authentication successful"};
inline constexpr SmtpReply kAuthFailed{535, "5.7.8", "Authentication credentials invalid"};
inline constexpr SmtpReply kAuthBlocked{454, "4.7.0", "Temporary authentication failure"};
inline constexpr SmtpReply kEncryptionRequired{538, "5.7.11",
                                               "Encryption required for requested authentication "
                                               "mechanism"};
inline constexpr SmtpReply kAuthMalformed{501, "5.5.2", "Malformed authentication data"};
inline constexpr SmtpReply kAuthCancelled{501, "5.0.0", "Authentication cancelled"};
inline constexpr SmtpReply kAuthMechanism{504, "5.5.4", "Unrecognized authentication type"};

}  // namespace ringmail::smtp::replies
