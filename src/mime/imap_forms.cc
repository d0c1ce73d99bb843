#include "mime/imap_forms.h"

#include "mime/bodystructure.h"
#include "mime/envelope.h"
#include "mime/message_parser.h"

namespace ringmail::mime {

ImapForms MakeImapForms(std::string_view data) {
  const ParsedMessage message = ParseMessage(data);
  const Envelope envelope = ParseEnvelope(message.root().header.In(data));
  ImapForms forms;
  forms.envelope = WriteEnvelope(envelope, /*utf8=*/false);
  if (forms.envelope != WriteEnvelope(envelope, /*utf8=*/true)) forms.envelope.clear();
  forms.bodystructure = WriteBodyStructure(data, message, /*extended=*/true, /*utf8=*/false);
  if (forms.bodystructure != WriteBodyStructure(data, message, true, /*utf8=*/true)) {
    forms.bodystructure.clear();
  }
  return forms;
}

}  // namespace ringmail::mime
