#include "mime/imap_forms.h"

#include "mime/bodystructure.h"
#include "mime/envelope.h"
#include "mime/message_parser.h"

namespace ringmail::mime {
namespace {

// One cached form from its two renderings (see MakeImapForms).
std::string Joined(std::string plain, const std::string& utf8) {
  if (plain == utf8) return plain;
  if (plain.find(kImapFormsSeparator) != std::string::npos ||
      utf8.find(kImapFormsSeparator) != std::string::npos) {
    return "";
  }
  plain += kImapFormsSeparator;
  plain += utf8;
  return plain;
}

}  // namespace

ImapForms MakeImapForms(std::string_view data) {
  const ParsedMessage message = ParseMessage(data);
  const Envelope envelope = ParseEnvelope(message.root().header.In(data));
  ImapForms forms;
  forms.envelope = Joined(WriteEnvelope(envelope, false), WriteEnvelope(envelope, true));
  forms.bodystructure = Joined(WriteBodyStructure(data, message, /*extended=*/true, false),
                               WriteBodyStructure(data, message, /*extended=*/true, true));
  return forms;
}

}  // namespace ringmail::mime
