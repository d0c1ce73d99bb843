// E-mail addresses: parsing (RFC 5321 §4.1.2 with RFC 6531 UTF-8), and the normalized form
// the directory stores and looks up (directory.h). Pure functions, callable on any thread;
// libidn2 does the IDN conversions and keeps no state between calls.
//
// The normalized form of an address is "local@domain":
//  - local: the local part's value with ASCII letters lower-cased. Non-ASCII (UTF-8) bytes
//    are kept byte-exact: Unicode case folding and normalization of local parts are not done
//    (RFC 6530 §10.1 leaves local parts to the receiving server; ours compares bytes). It is
//    written as a dot-atom when it is one, otherwise as a quoted string with only `"` and `\`
//    escaped (RFC 5321 §4.1.2: `"john"@x` and `john@x` are the same mailbox).
//  - domain: the lower-case A-label (punycode) form, see NormalizeMailDomain.
// "@domain" (CatchAllAddress) names the domain's catch-all.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmail {

// RFC 5321 §4.5.3.1: a local part of at most 64 octets (as written, quotes included), a
// domain of at most 255, and a path of at most 256 including its angle brackets.
inline constexpr size_t kLocalPartSizeMax = 64;
inline constexpr size_t kMailDomainSizeMax = 255;
inline constexpr size_t kMailAddressSizeMax = 254;
// DNS limits on the A-label form (RFC 1035 §2.3.4; 253 characters without the root dot).
inline constexpr size_t kDomainAsciiSizeMax = 253;
inline constexpr size_t kDomainLabelSizeMax = 63;
// NormalizeMailDomain's input, which may be longer than its A-label form: this holds the
// Unicode form of any A-label domain (at most one code point per A-label character, each at
// most 4 octets).
inline constexpr size_t kDomainUnicodeSizeMax = 4 * kDomainAsciiSizeMax;

// The `[directory] subaddress_separators` default.
inline constexpr std::string_view kDefaultSubaddressSeparators = "+";

// A parsed address. `local` is the local part's value as written (quotes and backslash
// escapes removed, case preserved): printable ASCII and well-formed UTF-8, never empty.
// `domain` is already normalized (lower-case A-label), since its spelling carries no meaning;
// DomainToUnicode gives its display form.
struct MailAddress {
  std::string local;
  std::string domain;

  bool operator==(const MailAddress&) const = default;
};

// Parses `local@domain` as it appears in SMTP MAIL/RCPT paths (angle brackets already
// stripped) and on the command line. The local part is a dot-string or a quoted string;
// UTF-8 is accepted in both (RFC 6531) and in the domain (an IDN, converted by
// NormalizeMailDomain); whether the session allows UTF-8 (SMTPUTF8) is the caller's check.
// Refused with kInvalidArgument and a reason: an empty local part (`""@d`), address literals
// (`a@[192.0.2.1]`: no domain hosted here is a literal), a domain with a trailing dot,
// ill-formed UTF-8, and sizes over the limits above (the whole and its normalized form).
Result<MailAddress> ParseMailAddress(std::string_view text);

// A domain as written (ASCII or UTF-8, any case) to its lower-case A-label form: UTS #46
// non-transitional processing with NFC (IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT, so "ß" stays
// "ß", as IDNA2008 and current browsers have it), then checked: labels of 1..63 letters,
// digits and hyphens, not starting or ending with a hyphen, "xn--" labels valid punycode of
// a valid U-label, at most 253 characters, a last label that is not all digits. The input is
// at most kDomainUnicodeSizeMax octets (kMailDomainSizeMax applies to addresses). ASCII labels
// without "xn--" are only lower-cased (so "r3---sn-abc" stays valid). kInvalidArgument
// otherwise. Named apart from store/metadata_rules.h's NormalizeDomain, which only checks
// the characters of a name already in A-label form.
Result<std::string> NormalizeMailDomain(std::string_view domain);

// A domain's display form: its normalized A-label form with every "xn--" label decoded,
// e.g. "xn--bcher-kva.example" -> "bücher.example". kInvalidArgument as NormalizeMailDomain.
Result<std::string> DomainToUnicode(std::string_view domain);

// `local` (a MailAddress::local value) as written in an address: a dot-atom as is, anything
// else quoted with `"` and `\` escaped. Case is kept.
std::string FormatLocalPart(std::string_view local);

// The normalized "local@domain" of an address from ParseMailAddress or WithoutSubaddress.
std::string NormalizedAddress(const MailAddress& address);

// ParseMailAddress then NormalizedAddress; or, for "@domain", the catch-all of the domain.
// For admin input of the addresses a principal owns.
Result<std::string> NormalizeAddressOrCatchAll(std::string_view text);

// "@domain": the key of a domain's catch-all. REQUIRES: a normalized domain.
std::string CatchAllAddress(std::string_view normalized_domain);

// The address without its subaddress: "user+tag@d" -> "user@d", split at the first byte of
// the local part that is one of `separators` (ASCII characters; others are ignored), so
// "a+b-c" with "+-" gives "a". An empty tag counts ("user+@d" -> "user@d"). nullopt when
// there is no separator, or when the first one starts the local part ("+tag@d" is a mailbox
// of its own: the result would have an empty local part).
std::optional<MailAddress> WithoutSubaddress(const MailAddress& address,
                                             std::string_view separators);

}  // namespace ringmail
