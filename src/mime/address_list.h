// RFC 5322 §3.4 address lists (From, To, Cc, ...), parsed leniently into the shape IMAP's
// ENVELOPE needs (name, adl, mailbox, host; groups as start/end markers) and JMAP reads
// (EmailAddress / EmailAddressGroup). Obsolete forms are accepted: routes (obs-route),
// CFWS around dots, "addr (Name)" comments as the display name, missing ';' of a group.
// Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringmail::mime {

inline constexpr size_t kAddressesMax = 10000;  // entries (incl. group markers) per field
inline constexpr size_t kAddressTokensMax = 100000;

struct Address {
  enum class Kind { kMailbox, kGroupStart, kGroupEnd };
  Kind kind = Kind::kMailbox;
  // The display name (mailbox) or group name (group start) as written: quoted strings
  // unquoted, words joined by one space, RFC 2047 words NOT decoded (IMAP shows them so;
  // DecodeEncodedWords for display). nullopt without one.
  std::optional<std::string> name;
  std::optional<std::string> adl;  // obs-route: "@a.example,@b.example"
  std::string mailbox;             // the local part, unquoted; may be empty if missing
  std::string host;                // the domain; empty when there was no '@'
};

// Every address of `raw` (a field value, folding allowed), groups flattened into start
// marker, members, end marker. Never fails: garbage yields fewer or partial addresses.
std::vector<Address> ParseAddressList(std::string_view raw);

}  // namespace ringmail::mime
