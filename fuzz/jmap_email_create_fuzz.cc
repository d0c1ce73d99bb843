// libFuzzer target for Email/set create's reader and composer (jmap/email_create.h): any JSON
// object as an Email to create. Never crash, hang or leak; a draft that is accepted composes
// to a message whose lines stay within RFC 5322's 998 octets (raw header values aside, which
// go out as the client wrote them) and which the MIME parser reads as far as its limits.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "jmap/email_create.h"
#include "mime/message_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringmail;
  static simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(reinterpret_cast<const char*>(data), size).get(e) != simdjson::SUCCESS) {
    return 0;
  }
  simdjson::dom::object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) return 0;
  std::expected<jmap::EmailDraft, jmap::CreateError> draft = jmap::ReadEmailDraft(o);
  if (!draft) {
    CHECK(!draft.error().type.empty());
    return 0;
  }
  CHECK(!draft->mailbox_ids.empty());
  std::map<std::string, std::string> blobs;
  for (const std::string& id : jmap::DraftBlobIds(*draft)) blobs[id] = id + "\n\xff";
  const std::string message =
      jmap::ComposeMessage(*draft, blobs, jmap::ComposeOptions{"fuzz.example", 0, size});
  const mime::ParsedMessage parsed = mime::ParseMessage(message);
  CHECK(!parsed.parts.empty());
  const size_t body = message.find("\r\n\r\n");
  CHECK(body != std::string::npos);
  for (size_t pos = body + 4, end; (end = message.find("\r\n", pos)) != std::string::npos;
       pos = end + 2) {
    CHECK(end - pos <= 998);
  }
  return 0;
}
