// One Email object (RFC 8621 §4.1) written from the store's record and, for the properties
// that need it, the message's bytes. Pure; any core.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_writer.h"
#include "jmap/email_summary.h"
#include "mime/message_parser.h"
#include "store/metadata_store.h"

namespace ringmail::jmap {

// What Email/get was asked for.
struct EmailFetch {
  std::vector<std::string> properties;
  std::vector<std::string> body_properties;
  bool fetch_text_values = false;
  bool fetch_html_values = false;
  bool fetch_all_values = false;
  size_t max_body_value_bytes = 0;  // 0: whole values
  // Email/parse (RFC 8621 §4.9): the message is no email of the account, so id, threadId,
  // mailboxIds, keywords and receivedAt are null.
  bool parsed = false;
};

// The default Email/get properties and bodyProperties (RFC 8621 §4.2).
std::vector<std::string> DefaultEmailProperties();
std::vector<std::string> DefaultBodyProperties();

// Whether `property` is an Email property (header:... forms included).
bool ValidEmailProperty(std::string_view property);
// Whether writing `property` needs the message's bytes (the rest come from the store).
bool NeedsMessage(std::string_view property);

// The message's bytes and their tree, for the properties that need them.
struct LoadedMessage {
  std::string bytes;
  mime::ParsedMessage tree;
};

// Writes the Email. Summary properties (email_summary.h) come from `summary` when it is set,
// the other properties that NeedsMessage from `message`. REQUIRES: `message` is set when a
// property NeedsMessage and is not answered by `summary`.
void WriteEmail(JsonWriter& w, const EmailRecord& email, const LoadedMessage* message,
                const EmailFetch& fetch, const EmailSummaryJson* summary = nullptr);

// Every summary property of the message, rendered as WriteEmail renders it from `message`.
std::shared_ptr<const EmailSummaryJson> RenderEmailSummary(const LoadedMessage& message);

// The preview RFC 8621 asks for (up to 256 characters of text).
std::string EmailPreview(const LoadedMessage& message);

}  // namespace ringmail::jmap
