// libFuzzer target for the MIME parser (mime/message_parser.h) and what IMAP builds on it:
// any bytes parse into a tree (never an error, crash or hang) whose spans stay inside the
// input and nest properly, within the limits; ENVELOPE and BODYSTRUCTURE are written for
// it, and every text part is decoded.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "mime/bodystructure.h"
#include "mime/envelope.h"
#include "mime/message_parser.h"
#include "mime/transfer_decoding.h"

namespace {

using ringmail::mime::MimePart;
using ringmail::mime::ParsedMessage;
using ringmail::mime::Span;

bool Within(const Span& inner, const Span& outer) {
  return inner.offset >= outer.offset && inner.end() <= outer.end();
}

void CheckTree(const ParsedMessage& m, std::string_view data) {
  CHECK(!m.parts.empty() && m.parts.size() <= ringmail::mime::kPartsMax);
  CHECK(m.root().header.offset == 0 && m.root().body.end() == data.size());
  for (size_t i = 0; i < m.parts.size(); ++i) {
    const MimePart& p = m.parts[i];
    CHECK(p.header.end() == p.body.offset && p.body.end() <= data.size());
    CHECK(p.depth <= ringmail::mime::kDepthMax);
    CHECK(i == 0 || (p.parent && *p.parent < i));
    Span whole{p.header.offset, p.header.size + p.body.size};
    for (uint32_t c : p.children) {
      CHECK(c > i && c < m.parts.size() && m.parts[c].parent == i);
      CHECK(Within(Span{m.parts[c].header.offset, m.parts[c].header.size + m.parts[c].body.size},
                   p.body));
    }
    if (p.message) {
      const MimePart& e = m.parts[*p.message];
      CHECK(e.header.offset == p.body.offset && e.body.end() == p.body.end());
    }
    CHECK(Within(p.body, whole));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view data(reinterpret_cast<const char*>(bytes), size);
  ParsedMessage m = ringmail::mime::ParseMessage(data);
  CheckTree(m, data);
  std::string body = ringmail::mime::WriteBodyStructure(data, m, true);
  CHECK(body.size() >= 2 && body.front() == '(' && body.back() == ')');
  std::string plain = ringmail::mime::WriteBodyStructure(data, m, false);
  CHECK(plain.size() <= body.size());
  std::string envelope =
      ringmail::mime::WriteEnvelope(ringmail::mime::ParseEnvelope(m.root().header.In(data)));
  CHECK(envelope.front() == '(' && envelope.back() == ')');
  for (const MimePart& p : m.parts) {
    if (p.content_type.type != "text") continue;
    const ringmail::mime::MimeParam* charset =
        ringmail::mime::FindParam(p.content_type.params, "charset");
    ringmail::mime::DecodeText(p.body.In(data), p.transfer_encoding,
                               charset ? std::string_view(charset->value) : "");
  }
  return 0;
}
