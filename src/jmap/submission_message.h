// What EmailSubmission/set does to a message before it is queued (RFC 8621 §7.5), as pure
// functions: the envelope it derives when the client gives none, and the copy it sends
// (without Bcc). Any core.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringmail::jmap {

// The addresses of a header block's fields named `name` (From, To, Cc, Bcc, Sender), as
// written ("local@domain"), in order, each once; group markers and address-less entries are
// skipped.
std::vector<std::string> HeaderAddresses(std::string_view header_block, std::string_view name);

// The message without its Bcc fields (RFC 5322 §3.6.3: the copies sent to To and Cc
// recipients do not show them), folded lines included.
std::string WithoutBcc(std::string_view message);

// The envelope RFC 8621 §7.5 derives: MAIL FROM is the identity's email, or the message's
// Sender/From address when the identity is a wildcard ("*@domain"); RCPT TO are the To, Cc
// and Bcc addresses, each once.
struct DerivedEnvelope {
  std::string mail_from;  // "" when the message has no address to take it from
  std::vector<std::string> rcpt_to;
};
DerivedEnvelope DeriveEnvelope(std::string_view header_block, std::string_view identity_email);

}  // namespace ringmail::jmap
