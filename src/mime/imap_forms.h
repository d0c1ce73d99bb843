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

// The forms of `data`. A form whose UTF8=ACCEPT rendering differs from the plain one (8-bit
// header text: a literal for one, a quoted string for the other) holds both, the plain one
// first, joined by kImapFormsSeparator; it is "" if either contains that byte (only in a
// literal of a broken message). CachedImapForm picks a session's rendering.
ImapForms MakeImapForms(std::string_view data);

inline constexpr char kImapFormsSeparator = '\x01';

// The rendering of a cached form for a session with (or without) UTF8=ACCEPT; "" for "".
inline std::string_view CachedImapForm(std::string_view cached, bool utf8) {
  const size_t split = cached.find(kImapFormsSeparator);
  if (split == std::string_view::npos) return cached;
  return utf8 ? cached.substr(split + 1) : cached.substr(0, split);
}

}  // namespace ringmail::mime
