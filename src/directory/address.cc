#include "directory/address.h"

#include <idn2.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "base/ascii.h"
#include "base/utf8.h"

namespace ringmail {
namespace {

constexpr int kIdnFlags = IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL;

std::unexpected<Error> Invalid(std::string reason) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(reason));
}

bool IsAsciiAlnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 atext, plus every byte of a UTF-8 sequence (RFC 6531 UTF8-non-ascii).
bool IsAtext(unsigned char c) {
  return c >= 0x80 || IsAsciiAlnum(c) || (c != 0 && std::strchr("!#$%&'*+-/=?^_`{|}~", c));
}

// RFC 5321 qtextSMTP: printable ASCII but `"` and `\`, plus UTF-8.
bool IsQtext(unsigned char c) {
  return c >= 0x80 || (c >= 32 && c <= 126 && c != '"' && c != '\\');
}

// Whether `s` (well-formed UTF-8) is a Dot-string: atoms of atext joined by single dots.
bool IsDotString(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != s.npos) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == '.' || IsAtext(static_cast<unsigned char>(c)); });
}

struct LocalPart {
  std::string value;  // quotes and escapes removed
  size_t size = 0;    // bytes of `text` it took, quotes included
};

// The local part at the start of `text` (well-formed UTF-8), up to but not including the '@'.
Result<LocalPart> ParseLocalPart(std::string_view text) {
  LocalPart local;
  if (text.empty() || text.front() != '"') {
    local.size = std::min(text.find('@'), text.size());
    local.value = std::string(text.substr(0, local.size));
    if (local.value.empty()) return Invalid("address has an empty local part");
    if (!IsDotString(local.value)) return Invalid("invalid character or dot in the local part");
    return local;
  }
  for (size_t i = 1; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"') {
      local.size = i + 1;
      if (local.value.empty()) return Invalid("address has an empty local part");
      return local;
    }
    if (c == '\\') {
      if (i + 1 == text.size() || text[i + 1] < 32 || text[i + 1] > 126) {
        return Invalid("invalid escape in the quoted local part");
      }
      local.value += text[++i];
    } else if (IsQtext(c)) {
      local.value += text[i];
    } else {
      return Invalid("invalid character in the quoted local part");
    }
  }
  return Invalid("unterminated quoted local part");
}

using IdnOutput = std::unique_ptr<char, decltype(&idn2_free)>;

Result<std::string> IdnToAscii(const std::string& text) {
  char* out = nullptr;
  int rc = idn2_to_ascii_8z(text.c_str(), &out, kIdnFlags);
  IdnOutput owned(out, &idn2_free);
  if (rc != IDN2_OK) return Invalid(std::string("invalid IDN domain: ") + idn2_strerror(rc));
  return AsciiLowerString(out);
}

Result<std::string> IdnToUnicode(const std::string& ascii) {
  char* out = nullptr;
  int rc = idn2_to_unicode_8z8z(ascii.c_str(), &out, kIdnFlags);
  IdnOutput owned(out, &idn2_free);
  if (rc != IDN2_OK) return Invalid(std::string("invalid IDN domain: ") + idn2_strerror(rc));
  return std::string(out);
}

// One label through libidn2 (UTS #46 mapping, then to A-labels). May yield several labels:
// the mapping turns full stops such as U+3002 into '.'. libidn2 takes some A-labels whose
// Unicode form UTS #46 would not produce ("xn--bshermk" is "⑶⑾⒁⒃⑸", which maps to "(3)(11)..."),
// so the result must also come back from its own Unicode form.
Result<std::string> LabelToAscii(const std::string& label) {
  std::string ascii = TRY(IdnToAscii(label));
  std::string unicode = TRY(IdnToUnicode(ascii));
  Result<std::string> again = IdnToAscii(unicode);
  if (!again || *again != ascii) return Invalid("invalid IDN domain: not a valid A-label");
  return ascii;
}

// The checks on the A-label form a domain normalizes to.
Result<void> CheckAsciiDomain(std::string_view domain) {
  if (domain.empty()) return Invalid("empty domain");
  if (domain.size() > kDomainAsciiSizeMax) return Invalid("domain longer than 253 characters");
  std::string_view last;
  for (size_t start = 0; start <= domain.size();) {
    size_t end = std::min(domain.find('.', start), domain.size());
    std::string_view label = domain.substr(start, end - start);
    if (label.empty()) return Invalid("domain has an empty label");
    if (label.size() > kDomainLabelSizeMax) return Invalid("domain label longer than 63 octets");
    bool ldh = std::all_of(label.begin(), label.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!ldh) return Invalid("domain label has a character other than a letter, digit or '-'");
    if (label.front() == '-' || label.back() == '-') {
      return Invalid("domain label starts or ends with '-'");
    }
    last = label;
    start = end + 1;
  }
  if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Invalid("domain's last label is all digits");
  }
  return {};
}

}  // namespace

Result<std::string> NormalizeMailDomain(std::string_view domain) {
  if (domain.empty()) return Invalid("empty domain");
  if (domain.size() > kDomainUnicodeSizeMax) return Invalid("domain longer than 1012 octets");
  if (!IsValidUtf8(domain)) return Invalid("domain is not well-formed UTF-8");
  bool ascii_ok = std::all_of(domain.begin(), domain.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return u >= 0x80 || IsAsciiAlnum(u) || c == '-' || c == '.';
  });
  if (!ascii_ok) return Invalid("domain has a character other than a letter, digit, '-' or '.'");
  if (domain.back() == '.') return Invalid("domain ends with '.'");
  std::string ascii;
  for (size_t start = 0; start <= domain.size();) {
    size_t end = std::min(domain.find('.', start), domain.size());
    std::string label(domain.substr(start, end - start));
    if (label.empty()) return Invalid("domain has an empty label");
    bool plain = std::all_of(label.begin(), label.end(),
                             [](char c) { return static_cast<unsigned char>(c) < 0x80; }) &&
                 !AsciiLowerString(label.substr(0, 4)).starts_with("xn--");
    if (start != 0) ascii += '.';  // even after a label that mapped to nothing
    if (plain) {
      ascii += AsciiLowerString(label);
    } else {
      ascii += TRY(LabelToAscii(label));
    }
    start = end + 1;
  }
  TRY(CheckAsciiDomain(ascii));
  return ascii;
}

Result<std::string> DomainToUnicode(std::string_view domain) {
  std::string ascii = TRY(NormalizeMailDomain(domain));
  return IdnToUnicode(ascii);
}

Result<MailAddress> ParseMailAddress(std::string_view text) {
  if (text.empty()) return Invalid("empty address");
  if (text.size() > kMailAddressSizeMax) return Invalid("address longer than 254 octets");
  if (!IsValidUtf8(text)) return Invalid("address is not well-formed UTF-8");
  LocalPart local = TRY(ParseLocalPart(text));
  if (local.size > kLocalPartSizeMax) return Invalid("local part longer than 64 octets");
  if (local.size == text.size() || text[local.size] != '@') {
    return Invalid("expected '@' after the local part");
  }
  std::string_view domain = text.substr(local.size + 1);
  if (domain.size() > kMailDomainSizeMax) return Invalid("domain longer than 255 octets");
  if (domain.starts_with('[')) return Invalid("address literals are not accepted");
  // (No TRY inside the braces: clang leaks the members built before an early return there.)
  std::string normal_domain = TRY(NormalizeMailDomain(domain));
  MailAddress address{std::move(local.value), std::move(normal_domain)};
  if (NormalizedAddress(address).size() > kMailAddressSizeMax) {
    return Invalid("address longer than 254 octets with its domain in A-label form");
  }
  return address;
}

std::string FormatLocalPart(std::string_view local) {
  if (IsDotString(local)) return std::string(local);
  std::string quoted = "\"";
  for (char c : local) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string NormalizedAddress(const MailAddress& address) {
  return FormatLocalPart(AsciiLowerString(address.local)) + "@" + address.domain;
}

Result<std::string> NormalizeAddressOrCatchAll(std::string_view text) {
  if (text.starts_with('@')) {
    std::string domain = TRY(NormalizeMailDomain(text.substr(1)));
    return CatchAllAddress(domain);
  }
  MailAddress address = TRY(ParseMailAddress(text));
  return NormalizedAddress(address);
}

std::string CatchAllAddress(std::string_view normalized_domain) {
  return "@" + std::string(normalized_domain);
}

std::optional<MailAddress> WithoutSubaddress(const MailAddress& address,
                                             std::string_view separators) {
  size_t at = address.local.npos;
  for (char s : separators) {
    if (static_cast<unsigned char>(s) >= 0x80) continue;  // never split a UTF-8 sequence
    at = std::min(at, address.local.find(s));
  }
  if (at == address.local.npos || at == 0) return std::nullopt;
  return MailAddress{address.local.substr(0, at), address.domain};
}

}  // namespace ringmail
