// Email/set create (RFC 8621 §4.6): a JMAP Email object becomes an RFC 5322 message stored the
// way IMAP APPEND stores one (store/delivery.h). Three steps, the first two pure:
//   ReadEmailDraft   (email_create_read.cc, email_create_fields.cc) checks the object against
//                    the RFC's rules and encodes its header fields;
//   ComposeMessage   (email_create_mime.cc) writes the MIME message from the draft and the
//                    bytes of the blobs it references;
//   CreateEmails     (email_create.cc) resolves blobs (jmap/blob_access.h) and mailbox ids,
//                    delivers, and writes `created` / `notCreated`.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "jmap/method.h"
#include "store/metadata_store.h"

namespace ringmail::jmap {

inline constexpr size_t kCreateSizeMax = 50u << 20;     // bytes of one composed message
inline constexpr size_t kCreatePartsMax = 256;          // EmailBodyParts in one Email
inline constexpr size_t kCreateDepthMax = 16;           // nesting of subParts
inline constexpr size_t kCreateHeaderValuesMax = 1000;  // values of one header:X:all

// A SetError (RFC 8620 §5.3) for one creation.
struct CreateError {
  std::string type;  // "invalidProperties", "blobNotFound", "tooLarge", ...
  std::string description;
  std::vector<std::string> properties;  // invalidProperties: the offending property paths
  std::vector<std::string> not_found;   // blobNotFound: the blob ids
};

// One header field to write: "Name: value" folded, or with `raw` "Name:value" as given.
struct DraftField {
  std::string name;
  std::string value;  // encoded (ASCII unless the client gave 8-bit raw text), unfolded
  bool raw = false;
};

// An EmailBodyPart to create. A leaf has a part_id (its text is in EmailDraft::body_values)
// or a blob_id; a multipart has sub_parts.
struct DraftPart {
  std::string type;  // lower-case; never empty after reading
  std::optional<std::string> part_id, blob_id;
  std::optional<std::string> charset, disposition, name, cid, location;
  std::vector<std::string> languages;
  std::vector<DraftField> fields;  // header:X properties of the part
  std::vector<DraftPart> sub_parts;
};

struct EmailDraft {
  std::vector<std::string> mailbox_ids;  // as given ("#k" creation references allowed)
  MessageFlags flags;
  std::optional<int64_t> received_at;
  std::vector<DraftField> fields;  // top-level header fields, in the order to write them
  bool has_date = false, has_message_id = false, has_mime_version = false;
  // Either body_structure, or the three lists (RFC 8621 §4.6 forbids both).
  std::optional<DraftPart> body_structure;
  std::vector<DraftPart> text_body, html_body, attachments;
  std::map<std::string, std::string> body_values;  // partId -> text (UTF-8)
};

// Reads one Email object of a create; the SetError when it breaks a rule. Pure.
std::expected<EmailDraft, CreateError> ReadEmailDraft(simdjson::dom::object email);

// Every blob id the draft references, in order, without repeats.
std::vector<std::string> DraftBlobIds(const EmailDraft& draft);

struct ComposeOptions {
  std::string hostname;  // the right side of a generated Message-ID
  int64_t now = 0;       // Unix seconds: the Date when the draft gives none
  uint64_t seed = 0;     // makes the generated Message-ID and boundaries
};

// The message. REQUIRES: `blobs` holds the bytes of every DraftBlobIds(draft). Pure.
std::string ComposeMessage(const EmailDraft& draft, const std::map<std::string, std::string>& blobs,
                           const ComposeOptions& options);

// What CreateEmails wrote: the members of `created` and `notCreated` (without braces), and
// the mailboxes it delivered to.
struct CreateResults {
  std::string created, not_created;
  std::vector<int64_t> changed_mailboxes;
};

// Creates every email of `create` ({creationId: Email}) for the context's account, in order,
// recording each creation id in context.created_ids. A store failure aborts the rest.
Task<Result<CreateResults>> CreateEmails(CallContext& context, simdjson::dom::object create);

}  // namespace ringmail::jmap
