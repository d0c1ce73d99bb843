// Email/import (RFC 8621 §4.8): uploaded blobs (or the account's messages' blobs) stored as
// emails, through the same path as IMAP APPEND (StoreAccountMessage). Each import is its own
// delivery: a failure leaves the ones before it.
#include <algorithm>
#include <ctime>

#include "jmap/blob_access.h"
#include "jmap/blob_methods.h"
#include "jmap/email_args.h"
#include "jmap/email_headers.h"
#include "jmap/email_keywords.h"
#include "jmap/ids.h"
#include "mail/message_summary.h"
#include "server/protocol_setup.h"
#include "store/delivery.h"

namespace ringmail::jmap {
namespace {

struct Import {
  std::string blob_id;
  std::vector<DeliveryRequest::Target> targets;
  int64_t received_at = 0;
};

// Reads one EmailImport object into *out; the invalid properties (empty: valid).
std::vector<std::string> ReadImport(simdjson::dom::element value,
                                    const std::vector<int64_t>& account_mailboxes, Import* out) {
  std::vector<std::string> bad;
  simdjson::dom::object o;
  if (value.get_object().get(o) != simdjson::SUCCESS) return {"blobId"};
  std::string_view text;
  if (o["blobId"].get_string().get(text) == simdjson::SUCCESS) {
    out->blob_id = text;
  } else {
    bad.push_back("blobId");
  }
  MessageFlags flags;
  simdjson::dom::object keywords;
  simdjson::dom::element k;
  if (o["keywords"].get(k) == simdjson::SUCCESS && !k.is_null()) {
    bool ok = k.get_object().get(keywords) == simdjson::SUCCESS;
    if (ok) {
      for (auto [name, on] : keywords) {
        ok = ok && on.is_bool() && on.get_bool().value() && SetKeyword(flags, name, true);
      }
    }
    if (!ok) bad.push_back("keywords");
  }
  simdjson::dom::object mailboxes;
  bool ok = o["mailboxIds"].get_object().get(mailboxes) == simdjson::SUCCESS &&
            mailboxes.size() > 0 && mailboxes.size() <= kEmailsPerCallMax;
  if (ok) {
    for (auto [id, on] : mailboxes) {
      std::optional<int64_t> m = ParseMailboxId(id);
      ok = ok && on.is_bool() && on.get_bool().value() && m &&
           std::binary_search(account_mailboxes.begin(), account_mailboxes.end(), *m);
      if (ok) out->targets.push_back({*m, flags});
    }
  }
  if (!ok) bad.push_back("mailboxIds");
  out->received_at = static_cast<int64_t>(time(nullptr));
  if (o["receivedAt"].get_string().get(text) == simdjson::SUCCESS) {
    std::optional<int64_t> at = ParseUtcDate(text);
    if (at) out->received_at = *at;
    if (!at) bad.push_back("receivedAt");
  } else if (o["receivedAt"].get(k) == simdjson::SUCCESS && !k.is_null()) {
    bad.push_back("receivedAt");
  }
  return bad;
}

// Imports one email, writing it into `created` or `not_created` under `key`; the email's id
// when created. Fails only when the store does.
Task<Result<std::optional<int64_t>>> ImportOne(const CallContext& context, std::string key,
                                               Import import, JsonWriter& created,
                                               JsonWriter& not_created,
                                               std::vector<int64_t>& changed, uint64_t& modseq) {
  Result<std::string> bytes =
      co_await ReadAccountBlob(*context.services, context.account_id, import.blob_id);
  if (!bytes && bytes.error().code == ErrorCode::kNotFound) {
    not_created.Key(key);
    WriteBlobSetError(not_created, "blobNotFound", "no such blob", {"blobId"});
    co_return std::nullopt;
  }
  if (!bytes) co_return std::unexpected(bytes.error());
  if (bytes->empty()) {
    not_created.Key(key);
    WriteBlobSetError(not_created, "invalidEmail", "the blob is empty", {"blobId"});
    co_return std::nullopt;
  }
  const uint64_t size = bytes->size();
  Result<std::vector<PlacedMessage>> placed = co_await StoreAccountMessage(
      context, std::move(*bytes), std::move(import.targets), import.received_at);
  if (!placed && placed.error().code == ErrorCode::kLimitExceeded) {
    not_created.Key(key);
    WriteBlobSetError(not_created, "overQuota", "the account's quota is exhausted");
    co_return std::nullopt;
  }
  if (!placed) co_return std::unexpected(placed.error());
  const int64_t email_id = placed->front().email_id;
  for (const PlacedMessage& p : *placed) {
    changed.push_back(p.mailbox_id);
    modseq = std::max(modseq, p.modseq);
  }
  std::vector<int64_t> ids(1, email_id);
  Result<std::vector<EmailRecord>> email =
      co_await context.services->stores->metadata->LoadEmails(context.account_id, std::move(ids));
  if (!email) co_return std::unexpected(email.error());
  created.Key(key).BeginObject().Key("id").String(EmailId(email_id));
  created.Key("blobId").String(import.blob_id);
  created.Key("threadId").String(ThreadId(email->empty() ? email_id : email->front().thread_id));
  created.Key("size").Uint(size).EndObject();
  co_return email_id;
}

}  // namespace

void AppendObjectOrNull(std::string& out, std::string_view name, const std::string& object) {
  out.pop_back();
  out += ",\"" + std::string(name) + "\":" + (object == "{}" ? std::string("null") : object) + "}";
}

void WriteBlobSetError(JsonWriter& w, std::string_view type, std::string_view description,
                       const std::vector<std::string>& properties) {
  w.BeginObject().Key("type").String(type);
  if (!description.empty()) w.Key("description").String(description);
  if (!properties.empty()) w.Key("properties").Strings(properties);
  w.EndObject();
}

Task<Result<std::vector<PlacedMessage>>> StoreAccountMessage(
    const CallContext& context, std::string message, std::vector<DeliveryRequest::Target> targets,
    int64_t received_at) {
  DeliveryRequest request;
  request.received_at = received_at;
  request.targets = std::move(targets);
  request.summary = SummarizeMessage(message);  // FETCH reads these, not the bytes
  const MailServices& services = *context.services;
  Result<std::vector<PlacedMessage>> placed = co_await DeliverMessage(
      *services.stores->blobs, *services.stores->metadata, std::move(message), std::move(request));
  co_return placed;
}

Task<MethodResponse> EmailImport(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"accountId", "ifInState", "emails"});
  std::optional<std::string_view> if_in_state = args.String("ifInState");
  simdjson::dom::object emails;
  std::optional<simdjson::dom::element> e = args.Get("emails");
  if (!e || e->get_object().get(emails) != simdjson::SUCCESS) {
    args.Fail("'emails' must be an object");
  }
  if (!args.ok()) co_return InvalidArguments(args.error());
  if (emails.size() > std::min<size_t>(kImportsPerCallMax, context.limits->max_objects_in_set)) {
    co_return MethodError("requestTooLarge");
  }
  Result<std::string> old_state = co_await EmailState(context);
  if (!old_state) co_return StoreFailure(old_state.error());
  if (if_in_state && *if_in_state != *old_state) co_return MethodError("stateMismatch");
  Result<std::vector<MailboxRecord>> mailboxes =
      co_await context.services->stores->metadata->ListMailboxes(context.account_id);
  if (!mailboxes) co_return StoreFailure(mailboxes.error());
  std::vector<int64_t> account_mailboxes;
  for (const MailboxRecord& m : *mailboxes) account_mailboxes.push_back(m.id);
  std::sort(account_mailboxes.begin(), account_mailboxes.end());

  std::string created, not_created;
  JsonWriter cw(&created), nw(&not_created);
  cw.BeginObject();
  nw.BeginObject();
  std::vector<int64_t> changed;
  uint64_t modseq = 0;
  for (auto [key, value] : emails) {
    Import import;
    std::vector<std::string> bad = ReadImport(value, account_mailboxes, &import);
    if (!bad.empty()) {
      nw.Key(key);
      WriteBlobSetError(nw, "invalidProperties", "", bad);
      continue;
    }
    Result<std::optional<int64_t>> done =
        co_await ImportOne(context, std::string(key), std::move(import), cw, nw, changed, modseq);
    if (!done) co_return StoreFailure(done.error());
    if (*done) context.created_ids[std::string(key)] = EmailId(**done);  // for "#key"
  }
  cw.EndObject();
  nw.EndObject();
  Result<std::string> new_state = co_await EmailState(context);
  if (!new_state) co_return StoreFailure(new_state.error());
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  NotifyMailboxes(context, changed, modseq);

  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id);
  w.Key("oldState").String(*old_state).Key("newState").String(*new_state).EndObject();
  AppendObjectOrNull(out, "created", created);
  AppendObjectOrNull(out, "notCreated", not_created);
  co_return MethodResponse{"Email/import", std::move(out)};
}

}  // namespace ringmail::jmap
