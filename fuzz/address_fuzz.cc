// libFuzzer target for e-mail addresses (directory/address.h): any bytes must be parsed or
// refused with kInvalidArgument, never crash, hang or leak; and whatever is accepted obeys
// the normalized form's invariants:
//  - it is within the limits, and normalizing it again changes nothing (parse and domain);
//  - a domain's Unicode form normalizes back to the same A-label;
//  - removing a subaddress keeps a non-empty, shorter local part.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/check.h"
#include "directory/address.h"

namespace {

using ringmail::ErrorCode;
using ringmail::Result;

void CheckDomain(std::string_view text) {
  Result<std::string> domain = ringmail::NormalizeMailDomain(text);
  if (!domain) {
    CHECK(domain.error().code == ErrorCode::kInvalidArgument);
    CHECK(!ringmail::DomainToUnicode(text).has_value());
    return;
  }
  CHECK(!domain->empty() && domain->size() <= ringmail::kDomainAsciiSizeMax);
  for (char c : *domain)
    CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.');
  CHECK(ringmail::NormalizeMailDomain(*domain).value() == *domain);
  Result<std::string> unicode = ringmail::DomainToUnicode(*domain);
  CHECK(unicode.has_value());
  CHECK(ringmail::NormalizeMailDomain(*unicode).value() == *domain);
  CHECK(ringmail::DomainToUnicode(text).value() == *unicode);
}

void CheckAddress(std::string_view text) {
  Result<ringmail::MailAddress> address = ringmail::ParseMailAddress(text);
  if (!address) {
    CHECK(address.error().code == ErrorCode::kInvalidArgument);
    return;
  }
  CHECK(!address->local.empty());
  std::string normal = ringmail::NormalizedAddress(*address);
  CHECK(normal.size() <= ringmail::kMailAddressSizeMax);
  Result<ringmail::MailAddress> again = ringmail::ParseMailAddress(normal);
  CHECK(again.has_value());
  CHECK(ringmail::NormalizedAddress(*again) == normal);
  CHECK(again->domain == address->domain);
  CHECK(ringmail::NormalizeAddressOrCatchAll(text).value() == normal);
  CHECK(ringmail::NormalizeAddressOrCatchAll("@" + address->domain).value() ==
        ringmail::CatchAllAddress(address->domain));
  std::optional<ringmail::MailAddress> base = ringmail::WithoutSubaddress(*address, "+-");
  if (base) {
    CHECK(!base->local.empty() && base->local.size() < address->local.size());
    CHECK(address->local.starts_with(base->local));
    CHECK(ringmail::ParseMailAddress(ringmail::NormalizedAddress(*base)).has_value());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckAddress(text);
  size_t at = text.rfind('@');
  CheckDomain(at == text.npos ? text : text.substr(at + 1));
  return 0;
}
