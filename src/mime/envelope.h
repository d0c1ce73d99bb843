// The IMAP ENVELOPE (RFC 9051 §7.5.2) of a message's header block: the structured form,
// and its IMAP syntax. Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mime/address_list.h"

namespace ringmail::mime {

struct Envelope {
  // Unfolded raw values (RFC 2047 words kept, as IMAP sends them); nullopt when absent.
  std::optional<std::string> date, subject, in_reply_to, message_id;
  // The first field of each name. Sender and Reply-To are From's addresses when absent or
  // empty (RFC 9051 §7.5.2).
  std::vector<Address> from, sender, reply_to, to, cc, bcc;
};

// The envelope of `header_block` (a message's header, e.g. MimePart::header).
Envelope ParseEnvelope(std::string_view header_block);

// "(date subject from sender reply-to to cc bcc in-reply-to message-id)". An address with
// no local part or no domain shows "MISSING_MAILBOX" / "MISSING_DOMAIN" (a NIL host would
// read as a group marker). `utf8`: see AppendImapString.
std::string WriteEnvelope(const Envelope& envelope, bool utf8 = false);
void AppendEnvelope(std::string& out, const Envelope& envelope, bool utf8 = false);

}  // namespace ringmail::mime
