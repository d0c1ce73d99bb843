// libFuzzer target for what JMAP Email parses from untrusted bytes (jmap/email_headers.h,
// jmap/email_body.h, jmap/email_filter.h): header forms of any value, UTCDates, header
// property names, the body-part lists and values of any message, and Email/query filters of
// any JSON. Never crash, hang or leak; every JSON written parses back; a UTCDate accepted
// (1970..9999) formats to one that parses to the same instant.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "base/json_writer.h"
#include "jmap/email_body.h"
#include "jmap/email_filter.h"
#include "jmap/email_headers.h"
#include "jmap/email_render.h"
#include "mime/message_parser.h"

namespace {

using namespace ringmail;

void CheckJson(const std::string& text) {
  static simdjson::dom::parser parser;
  simdjson::dom::element e;
  CHECK(parser.parse(text).get(e) == simdjson::SUCCESS);
}

void Headers(std::string_view text) {
  for (int form = 0; form <= static_cast<int>(jmap::HeaderForm::kUrls); ++form) {
    std::string out;
    JsonWriter w(&out);
    jmap::WriteHeaderForm(w, text, static_cast<jmap::HeaderForm>(form));
    CheckJson(out);
  }
  std::optional<int64_t> t = jmap::ParseUtcDate(text);
  if (t && *t >= 0 && *t < 253402300800) {  // years 1970..9999 format back to 4 digits
    CHECK(jmap::ParseUtcDate(jmap::UtcDate(*t)) == t);
  }
  (void)jmap::ParseHeaderProperty(text);
}

void Message(std::string_view text) {
  jmap::LoadedMessage m{std::string(text), mime::ParseMessage(text)};
  jmap::EmailFetch fetch;
  fetch.properties = jmap::DefaultEmailProperties();
  fetch.properties.push_back("bodyStructure");
  fetch.properties.push_back("header:From:asGroupedAddresses:all");
  fetch.body_properties = jmap::DefaultBodyProperties();
  fetch.fetch_all_values = true;
  fetch.max_body_value_bytes = 64;
  EmailRecord record;
  record.placements.push_back({1, 1});
  std::string out;
  JsonWriter w(&out);
  jmap::WriteEmail(w, record, &m, fetch);
  CheckJson(out);
}

void Filter(std::string_view text) {
  static simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(text.data(), text.size()).get(e) != simdjson::SUCCESS) return;
  jmap::FilterParse parsed = jmap::ParseEmailFilter(e);
  CHECK(parsed.filter.has_value() != !parsed.error_type.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: Headers(text); break;
    case 1: Message(text); break;
    default: Filter(text); break;
  }
  return 0;
}
