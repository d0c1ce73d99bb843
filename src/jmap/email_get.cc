// Email/get (RFC 8621 §4.2): the store's record for every id (from the account's cached
// list, jmap/account_emails.h), the summary properties from this core's cache
// (jmap/email_summary.h), and the message's bytes only when a property asked for needs them
// or the summary is not cached yet.
#include <algorithm>

#include "jmap/account_emails.h"
#include "jmap/email_args.h"
#include "jmap/email_body.h"
#include "jmap/email_methods.h"
#include "jmap/email_render.h"
#include "jmap/email_summary.h"
#include "jmap/ids.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {

bool ReadEmailFetch(Args& args, EmailFetch& fetch) {
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

Task<MethodResponse> EmailGet(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"accountId", "ids", "properties", "bodyProperties", "fetchTextBodyValues",
             "fetchHTMLBodyValues", "fetchAllBodyValues", "maxBodyValueBytes"});
  EmailFetch fetch;
  ReadEmailFetch(args, fetch);
  std::optional<std::vector<std::string>> ids = args.Strings("ids");
  if (!args.ok()) co_return InvalidArguments(args.error());
  // "#k": the email created as "k" earlier in the request (RFC 8620 §5.3).
  for (size_t i = 0; ids && i < ids->size(); ++i) {
    std::string& id = (*ids)[i];
    auto it =
        id.starts_with("#") ? context.created_ids.find(id.substr(1)) : context.created_ids.end();
    if (it != context.created_ids.end()) id = it->second;
  }
  if (ids && ids->size() > context.limits->max_objects_in_get) {
    co_return MethodError("requestTooLarge");
  }
  Result<std::shared_ptr<AccountEmails>> account = co_await LoadAccountEmails(context);
  if (!account) co_return StoreFailure(account.error());
  // \Deleted emails are not visible to JMAP (RFC 8621 §4.1.1).
  std::vector<const EmailRecord*> emails;
  if (ids) {
    for (const std::string& id : *ids) {
      const std::optional<int64_t> n = ParseEmailId(id);
      const EmailRecord* e = n ? (*account)->Find(*n) : nullptr;
      // An id asked twice is answered once (RFC 8620 §5.1).
      if (e != nullptr && !e->flags.deleted &&
          std::find(emails.begin(), emails.end(), e) == emails.end()) {
        emails.push_back(e);
      }
    }
  } else {
    for (const EmailRecord& e : (*account)->emails) {
      if (!e.flags.deleted) emails.push_back(&e);
    }
    if (emails.size() > context.limits->max_objects_in_get)
      co_return MethodError("requestTooLarge");
  }
  // Summary properties come from this core's cache (email_summary.h); the message is read
  // for the others, and for a summary not cached yet.
  const bool needs_summary =
      std::any_of(fetch.properties.begin(), fetch.properties.end(),
                  [](const std::string& p) { return SummaryPropertyIndex(p).has_value(); });
  const bool needs_message = std::any_of(
      fetch.properties.begin(), fetch.properties.end(),
      [](const std::string& p) { return NeedsMessage(p) && !SummaryPropertyIndex(p).has_value(); });
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id);
  w.Key("state").String(std::to_string((*account)->state));
  w.Key("list").BeginArray();
  std::vector<std::string> found;
  for (const EmailRecord* email : emails) {
    const EmailRecord& e = *email;
    found.push_back(EmailId(e.id));
    std::shared_ptr<const EmailSummaryJson> summary;
    if (needs_summary) summary = FindEmailSummary(e.blob);
    if (!needs_message && (!needs_summary || summary != nullptr)) {
      WriteEmail(w, e, nullptr, fetch, summary.get());
      continue;
    }
    Result<std::string> bytes = co_await context.services->stores->blobs->Get(e.blob);
    if (!bytes) co_return StoreFailure(bytes.error());
    LoadedMessage message{std::move(*bytes), {}};
    message.tree = mime::ParseMessage(message.bytes);
    if (needs_summary && summary == nullptr) {
      summary = RenderEmailSummary(message);
      KeepEmailSummary(e.blob, summary);
    }
    WriteEmail(w, e, &message, fetch, summary.get());
  }
  w.EndArray().Key("notFound").BeginArray();
  std::vector<std::string> not_found;
  if (ids) {
    for (const std::string& id : *ids) {
      if (std::find(found.begin(), found.end(), id) == found.end() &&
          std::find(not_found.begin(), not_found.end(), id) == not_found.end()) {
        not_found.push_back(id);
        w.String(id);
      }
    }
  }
  w.EndArray().EndObject();
  co_return MethodResponse{"Email/get", std::move(out)};
}

}  // namespace ringmail::jmap
