// libFuzzer target for header values (mime/header.h, address_list.h, content_type.h): any
// bytes are decoded, never crash or hang, and
//  - RFC 2047 decoding of valid UTF-8 yields valid UTF-8;
//  - an address list stays within its limit and its group markers pair up, never nested;
//  - parameters stay within their limit, with lower-case names and UTF-8 values;
//  - the bytes as a header block give fields inside it and an ENVELOPE.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "mime/address_list.h"
#include "mime/charset.h"
#include "mime/content_type.h"
#include "mime/envelope.h"
#include "mime/header.h"

namespace {

namespace mime = ringmail::mime;

void CheckAddresses(std::string_view text) {
  std::vector<mime::Address> list = mime::ParseAddressList(text);
  CHECK(list.size() <= mime::kAddressesMax + 1);  // + a closing group marker
  bool in_group = false;
  for (const mime::Address& a : list) {
    if (a.kind == mime::Address::Kind::kGroupStart) {
      CHECK(!in_group);
      in_group = true;
    } else if (a.kind == mime::Address::Kind::kGroupEnd) {
      CHECK(in_group);
      in_group = false;
    }
  }
  CHECK(!in_group);
}

void CheckParams(std::string_view text) {
  std::vector<mime::MimeParam> params = mime::ParseParams(text);
  CHECK(params.size() <= mime::kParamsMax);
  for (const mime::MimeParam& p : params) {
    CHECK(!p.name.empty());
    for (char c : p.name) CHECK(!(c >= 'A' && c <= 'Z'));
    if (p.extended) CHECK(ringmail::IsValidUtf8(p.value));
  }
  mime::ParseContentType(text);
  mime::ParseDisposition(text);
  mime::ParseLanguages(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(bytes), size);
  std::string decoded = mime::DecodeEncodedWords(text);
  if (ringmail::IsValidUtf8(text)) CHECK(ringmail::IsValidUtf8(decoded));
  mime::DecodeHeaderValue(text);
  CheckAddresses(text);
  CheckParams(text);
  for (const mime::HeaderField& f : mime::ParseHeaderFields(text)) {
    CHECK(f.name.data() >= text.data() && f.value.data() + f.value.size() <= text.data() + size);
  }
  std::string envelope = mime::WriteEnvelope(mime::ParseEnvelope(text));
  CHECK(envelope.front() == '(' && envelope.back() == ')');
  return 0;
}
