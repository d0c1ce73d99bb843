// Email/get (RFC 8621 §4.2): the store's record for every id, and the message's bytes only
// when a property asked for needs them.
#include <algorithm>

#include "jmap/email_args.h"
#include "jmap/email_body.h"
#include "jmap/email_methods.h"
#include "jmap/email_render.h"
#include "jmap/ids.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

// Parses the fetch arguments; false (with args failed) when one is invalid.
bool ReadFetch(Args& args, EmailFetch& fetch) {
  std::optional<std::vector<std::string>> properties = args.Strings("properties");
  fetch.properties = properties ? std::move(*properties) : DefaultEmailProperties();
  for (const std::string& p : fetch.properties) {
    if (!ValidEmailProperty(p)) args.Fail("unknown property '" + p + "'");
  }
  if (std::find(fetch.properties.begin(), fetch.properties.end(), "id") == fetch.properties.end()) {
    fetch.properties.insert(fetch.properties.begin(), "id");  // always returned (RFC 8620 §5.1)
  }
  std::optional<std::vector<std::string>> body = args.Strings("bodyProperties");
  fetch.body_properties = body ? std::move(*body) : DefaultBodyProperties();
  for (const std::string& p : fetch.body_properties) {
    if (!ValidBodyProperty(p)) args.Fail("unknown body property '" + p + "'");
  }
  fetch.fetch_text_values = args.Bool("fetchTextBodyValues", false);
  fetch.fetch_html_values = args.Bool("fetchHTMLBodyValues", false);
  fetch.fetch_all_values = args.Bool("fetchAllBodyValues", false);
  fetch.max_body_value_bytes = static_cast<size_t>(args.Uint("maxBodyValueBytes").value_or(0));
  return args.ok();
}

}  // namespace

Task<MethodResponse> EmailGet(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"accountId", "ids", "properties", "bodyProperties", "fetchTextBodyValues",
             "fetchHTMLBodyValues", "fetchAllBodyValues", "maxBodyValueBytes"});
  EmailFetch fetch;
  ReadFetch(args, fetch);
  std::optional<std::vector<std::string>> ids = args.Strings("ids");
  if (!args.ok()) co_return InvalidArguments(args.error());
  // "#k": the email created as "k" earlier in the request (RFC 8620 §5.3).
  for (size_t i = 0; ids && i < ids->size(); ++i) {
    std::string& id = (*ids)[i];
    auto it = id.starts_with("#") ? context.created_ids.find(id.substr(1))
                                  : context.created_ids.end();
    if (it != context.created_ids.end()) id = it->second;
  }
  MetadataStore& metadata = *context.services->stores->metadata;
  Result<std::string> state = co_await EmailState(context);
  if (!state) co_return StoreFailure(state.error());
  Result<std::vector<EmailRecord>> emails;
  if (ids) {
    if (ids->size() > context.limits->max_objects_in_get) co_return MethodError("requestTooLarge");
    std::vector<int64_t> store_ids;
    for (const std::string& id : *ids) {
      if (std::optional<int64_t> n = ParseEmailId(id)) store_ids.push_back(*n);
    }
    emails = co_await metadata.LoadEmails(context.account_id, std::move(store_ids));
  } else {
    emails = co_await metadata.ListEmails(context.account_id);
    if (emails && emails->size() > context.limits->max_objects_in_get)
      co_return MethodError("requestTooLarge");
  }
  if (!emails) co_return StoreFailure(emails.error());
  // \Deleted emails are not visible to JMAP (RFC 8621 §4.1.1).
  std::erase_if(*emails, [](const EmailRecord& e) { return e.flags.deleted; });
  const bool needs_message = std::any_of(fetch.properties.begin(), fetch.properties.end(),
                                         [](const std::string& p) { return NeedsMessage(p); });
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id).Key("state").String(*state);
  w.Key("list").BeginArray();
  std::vector<std::string> found;
  for (const EmailRecord& e : *emails) {
    found.push_back(EmailId(e.id));
    if (!needs_message) {
      WriteEmail(w, e, nullptr, fetch);
      continue;
    }
    Result<std::string> bytes = co_await context.services->stores->blobs->Get(e.blob);
    if (!bytes) co_return StoreFailure(bytes.error());
    LoadedMessage message{std::move(*bytes), {}};
    message.tree = mime::ParseMessage(message.bytes);
    WriteEmail(w, e, &message, fetch);
  }
  w.EndArray().Key("notFound").BeginArray();
  if (ids) {
    for (const std::string& id : *ids) {
      if (std::find(found.begin(), found.end(), id) == found.end()) w.String(id);
    }
  }
  w.EndArray().EndObject();
  co_return MethodResponse{"Email/get", std::move(out)};
}

}  // namespace ringmail::jmap
