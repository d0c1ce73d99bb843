// Email/parse (RFC 8621 §4.9): blobs the account may read (blob_access.h), rendered as Email
// objects by Email/get's writer (email_render.h) without storing anything. The metadata
// properties are null (EmailFetch::parsed); blobId and size are the blob's.
#include <algorithm>

#include "jmap/blob_access.h"
#include "jmap/blob_methods.h"
#include "jmap/email_methods.h"
#include "jmap/ids.h"
#include "mime/header.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

// RFC 8621 §4.9's default properties: Email/get's without the metadata.
std::vector<std::string> DefaultParseProperties() {
  std::vector<std::string> p = DefaultEmailProperties();
  std::erase_if(p, [](const std::string& name) {
    return name == "id" || name == "blobId" || name == "threadId" || name == "mailboxIds" ||
           name == "keywords" || name == "size" || name == "receivedAt";
  });
  return p;
}

// Something a mail reader can show: bytes whose header block has at least one field.
bool Parsable(std::string_view bytes) {
  if (bytes.empty()) return false;
  const std::string_view block(bytes.data(), mime::HeaderBlockSize(bytes));
  return !mime::ParseHeaderFields(block).empty();
}

void WriteIds(JsonWriter& w, const std::vector<std::string>& ids) {
  if (ids.empty()) {
    w.Null();
  } else {
    w.Strings(ids);
  }
}

}  // namespace

Task<MethodResponse> EmailParse(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"accountId", "blobIds", "properties", "bodyProperties", "fetchTextBodyValues",
             "fetchHTMLBodyValues", "fetchAllBodyValues", "maxBodyValueBytes"});
  std::optional<std::vector<std::string>> asked = args.Strings("properties");
  EmailFetch fetch;
  ReadEmailFetch(args, fetch);
  std::optional<std::vector<std::string>> blob_ids = args.Strings("blobIds");
  if (!blob_ids) args.Fail("'blobIds' must be an array of blob ids");
  if (!args.ok()) co_return InvalidArguments(args.error());
  if (blob_ids->size() > std::min<size_t>(kParsesPerCallMax, context.limits->max_objects_in_get)) {
    co_return MethodError("requestTooLarge");
  }
  if (!asked) {
    fetch.properties = DefaultParseProperties();
  } else if (std::find(asked->begin(), asked->end(), "id") == asked->end()) {
    std::erase(fetch.properties, "id");  // ReadEmailFetch adds it for Email/get
  }
  fetch.parsed = true;
  std::string parsed;
  JsonWriter pw(&parsed);
  pw.BeginObject();
  std::vector<std::string> not_parsable, not_found;
  for (const std::string& id : *blob_ids) {
    Result<std::string> bytes = co_await ReadAccountBlob(*context.services, context.account_id, id);
    if (!bytes && bytes.error().code == ErrorCode::kNotFound) {
      not_found.push_back(id);
      continue;
    }
    if (!bytes) co_return StoreFailure(bytes.error());
    if (!Parsable(*bytes)) {
      not_parsable.push_back(id);
      continue;
    }
    EmailRecord record;
    record.blob = *ParseBlobId(id);
    record.size = bytes->size();
    LoadedMessage message{std::move(*bytes), {}};
    message.tree = mime::ParseMessage(message.bytes);
    pw.Key(id);
    WriteEmail(pw, record, &message, fetch);
  }
  pw.EndObject();
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id).Key("notParsable");
  WriteIds(w, not_parsable);
  w.Key("notFound");
  WriteIds(w, not_found);
  w.EndObject();
  AppendObjectOrNull(out, "parsed", parsed);
  co_return MethodResponse{"Email/parse", std::move(out)};
}

}  // namespace ringmail::jmap
