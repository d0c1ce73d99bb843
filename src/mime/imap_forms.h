// The IMAP ENVELOPE and BODYSTRUCTURE of a message in the form a store caches with the email
// (EmailSummary::envelope and ::bodystructure), made once at delivery so that FETCH of
// those items needs neither the message bytes nor a parse. Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace ringmail::mime {

struct ImapForms {
  std::string envelope;       // WriteEnvelope's "(date subject ...)", or ""
  std::string bodystructure;  // AppendBodyStructure(extended) of the whole message, or ""
};

// The forms of `data`. A form is "" when it depends on the session: its UTF8=ACCEPT
// rendering differs from the plain one (8-bit header text, which is sent as a literal
// or as-is depending on the client). So a non-empty form is right for every session.
ImapForms MakeImapForms(std::string_view data);

}  // namespace ringmail::mime
