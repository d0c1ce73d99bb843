// EmailSubmission/set (RFC 8621 §7.5): create sends an email of the account through the
// outbound queue, as authenticated SMTP submission does (smtp/session_delivery.cc): the From
// addresses and MAIL FROM must be the account's (SendAsAllowed), Bcc is stripped from the copy
// sent, the envelope comes from the identity and the message when not given, and the
// [smtp] limits (message-size-max, recipients-max) apply; deliveryStatus is kept with the
// submission (jmap/submission_status.h). Mail is never held: undoStatus is "final" at once,
// so update can only answer cannotUnsend. onSuccessUpdateEmail / onSuccessDestroyEmail run as
// an implicit Email/set whose response follows this one.
#include <ctime>

#include "directory/address.h"
#include "jmap/email_args.h"
#include "jmap/email_headers.h"
#include "jmap/email_methods.h"
#include "jmap/ids.h"
#include "jmap/submission_common.h"
#include "jmap/submission_local.h"
#include "jmap/submission_message.h"
#include "jmap/submission_methods.h"
#include "jmap/submission_status.h"
#include "mime/header.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

struct SubmissionCall {
  CallContext* context;
  IdentityList identities;
  std::vector<std::string> owned;
  std::string created, not_created, not_updated, destroyed, not_destroyed;
  std::map<std::string, std::string> sent;  // creation id -> email id, of successful creates
};

// The envelope given by the client, or nullopt with `error` set.
std::optional<DerivedEnvelope> ClientEnvelope(simdjson::dom::element e, ObjectSetError* error) {
  *error = ObjectSetError{"invalidProperties", "malformed envelope", {"envelope"}};
  simdjson::dom::object o;
  simdjson::dom::array rcpt;
  std::string_view from;
  if (e.get_object().get(o) != simdjson::SUCCESS ||
      o["mailFrom"]["email"].get_string().get(from) != simdjson::SUCCESS ||
      o["rcptTo"].get_array().get(rcpt) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  DerivedEnvelope out{std::string(from), {}};
  for (simdjson::dom::element r : rcpt) {
    std::string_view address;
    if (r["email"].get_string().get(address) != simdjson::SUCCESS) return std::nullopt;
    out.rcpt_to.emplace_back(address);
  }
  return out;
}

// The checks of RFC 8621 §7.5's SetErrors, in its order; nullopt when the message may go.
std::optional<ObjectSetError> CheckMessage(const SubmissionCall& call, std::string_view header,
                                           const DerivedEnvelope& envelope, size_t size) {
  const SmtpConfig& smtp = call.context->services->config->smtp;
  const std::vector<std::string> from = HeaderAddresses(header, "From");
  if (from.empty()) return ObjectSetError{"invalidEmail", "the email has no From", {"from"}};
  for (const std::string& a : from) {
    if (!SendAsAllowed(call.owned, a)) return ObjectSetError{"forbiddenFrom", a, {}};
  }
  if (envelope.mail_from.empty() || !SendAsAllowed(call.owned, envelope.mail_from)) {
    return ObjectSetError{"forbiddenMailFrom", envelope.mail_from, {}};
  }
  if (envelope.rcpt_to.empty()) return ObjectSetError{"noRecipients", "", {}};
  std::vector<std::string> invalid;
  for (const std::string& r : envelope.rcpt_to) {
    if (!ParseMailAddress(r)) invalid.push_back(r);
  }
  if (!invalid.empty()) return ObjectSetError{"invalidRecipients", "", invalid};
  if (envelope.rcpt_to.size() > smtp.recipients_max) {
    return ObjectSetError{"tooManyRecipients", std::to_string(smtp.recipients_max), {}};
  }
  if (size > smtp.message_size_max) {
    return ObjectSetError{"tooLarge", std::to_string(smtp.message_size_max), {}};
  }
  return std::nullopt;
}

std::string EnvelopeJson(const DerivedEnvelope& e) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("mailFrom").BeginObject().Key("email").String(e.mail_from);
  w.Key("parameters").Null().EndObject().Key("rcptTo").BeginArray();
  for (const std::string& r : e.rcpt_to) {
    w.BeginObject().Key("email").String(r).Key("parameters").Null().EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

// The identity and email a creation names, or the SetError.
struct Subject {
  const IdentityRecord* identity = nullptr;
  EmailRecord email;
};
Task<Result<std::optional<Subject>>> FindSubject(SubmissionCall& call, simdjson::dom::object o,
                                                 ObjectSetError* error) {
  std::string_view identity_id, email_id;
  if (o["identityId"].get_string().get(identity_id) != simdjson::SUCCESS) identity_id = {};
  if (o["emailId"].get_string().get(email_id) != simdjson::SUCCESS) email_id = {};
  Subject s;
  std::optional<int64_t> iid = ParseIdentityId(ResolveCreatedId(*call.context, identity_id));
  for (const IdentityRecord& i : call.identities.identities) {
    if (iid && i.id == *iid) s.identity = &i;
  }
  if (s.identity == nullptr) {
    *error = ObjectSetError{"invalidProperties", "no such identity", {"identityId"}};
    co_return std::nullopt;
  }
  std::optional<int64_t> eid = ParseEmailId(ResolveCreatedId(*call.context, email_id));
  std::vector<int64_t> ids{eid.value_or(0)};
  Result<std::vector<EmailRecord>> emails =
      co_await call.context->services->stores->metadata->LoadEmails(call.context->account_id,
                                                                    std::move(ids));
  if (!emails) co_return std::unexpected(emails.error());
  if (emails->empty()) {
    *error = ObjectSetError{"invalidProperties", "no such email", {"emailId"}};
    co_return std::nullopt;
  }
  s.email = std::move(emails->front());
  co_return s;
}

// Sends the message: local recipients' copies delivered now, the others queued; `state`
// gets each recipient's delivery status and the queue id.
Task<Result<std::optional<ObjectSetError>>> Send(const SubmissionCall& call,
                                                 const DerivedEnvelope& envelope,
                                                 std::string message, SubmissionState* state) {
  const MailServices* services = call.context->services;
  Result<RecipientSplit> split = co_await SplitRecipients(services, envelope.rcpt_to);
  if (!split) co_return std::unexpected(split.error());
  if (!split->unknown.empty()) {
    co_return ObjectSetError{"invalidRecipients", "no such local address", split->unknown};
  }
  if (!split->remote.empty() && services->outbound == nullptr) {
    co_return ObjectSetError{"forbidden", "no outbound queue (smarthost) for remote mail", {}};
  }
  if (!split->inboxes.empty()) {
    std::string copy = split->remote.empty() ? std::move(message) : message;
    Result<void> delivered =
        co_await DeliverToInboxes(services, std::move(copy), std::move(split->inboxes));
    if (!delivered) co_return std::unexpected(delivered.error());
  }
  for (std::string& r : split->local) {
    state->delivery.push_back({std::move(r), std::string(kLocalDeliveredReply), "yes"});
  }
  if (split->remote.empty()) co_return std::nullopt;
  OutboundMessage out;
  out.sender = envelope.mail_from;
  for (const std::string& r : split->remote) {
    out.recipients.push_back({r, 0, ""});
    state->delivery.push_back({r, std::string(kQueuedReply), "queued"});
  }
  out.authenticated_as = call.context->account_name;
  out.message = std::move(message);
  // Delivery starts once the submission is recorded with the id (CreateOne wakes it), so its
  // first attempt finds the submission to write its outcome into (submission_tracker.h).
  out.wake = false;
  Result<int64_t> queued = co_await services->outbound->Enqueue(std::move(out));
  if (!queued) co_return std::unexpected(queued.error());
  state->queue_id = *queued;
  co_return std::nullopt;
}

// One creation: the message read, checked, queued and recorded; its SetError otherwise.
Task<Result<std::optional<ObjectSetError>>> CreateOne(SubmissionCall& call, std::string_view key,
                                                      simdjson::dom::object o) {
  ObjectSetError error;
  Result<std::optional<Subject>> subject = co_await FindSubject(call, o, &error);
  if (!subject) co_return std::unexpected(subject.error());
  if (!*subject) co_return error;
  const MailServices& services = *call.context->services;
  Result<std::string> bytes = co_await services.stores->blobs->Get((*subject)->email.blob);
  if (!bytes) co_return std::unexpected(bytes.error());
  const std::string_view header(bytes->data(), mime::HeaderBlockSize(*bytes));
  std::optional<DerivedEnvelope> envelope;
  simdjson::dom::element given;
  if (o["envelope"].get(given) == simdjson::SUCCESS && !given.is_null()) {
    envelope = ClientEnvelope(given, &error);
    if (!envelope) co_return error;
  } else {
    envelope = DeriveEnvelope(header, (*subject)->identity->email);
  }
  if (std::optional<ObjectSetError> refused = CheckMessage(call, header, *envelope, bytes->size()))
    co_return refused;
  SubmissionState state;
  state.envelope = EnvelopeJson(*envelope);
  Result<std::optional<ObjectSetError>> sent =
      co_await Send(call, *envelope, WithoutBcc(*bytes), &state);
  if (!sent || *sent) co_return sent;
  SubmissionRecord record{0,
                          (*subject)->identity->id,
                          (*subject)->email.id,
                          (*subject)->email.thread_id,
                          EncodeSubmissionState(state),
                          static_cast<int64_t>(std::time(nullptr)),
                          state.queue_id,
                          0,
                          0};
  Result<int64_t> id =
      co_await services.stores->metadata->CreateSubmission(call.context->account_id, record);
  if (state.queue_id != 0) services.outbound->Wake();  // recorded or not: the mail must go
  if (!id) co_return std::unexpected(id.error());
  call.context->created_ids[std::string(key)] = SubmissionId(*id);
  call.sent[std::string(key)] = EmailId(record.email_id);
  JsonWriter w = AppendItem(&call.created);
  w.Key(key).BeginObject().Key("id").String(SubmissionId(*id));
  w.Key("threadId").String(ThreadId(record.thread_id)).Key("undoStatus").String("final");
  w.Key("sendAt").String(UtcDate(record.send_at)).Key("deliveryStatus");
  WriteDeliveryStatus(w, state.delivery);
  w.EndObject();
  co_return std::nullopt;
}

// The implicit Email/set (RFC 8621 §7.5): its arguments, or "" when there is nothing to do.
std::string ImplicitEmailSet(const SubmissionCall& call,
                             std::optional<simdjson::dom::element> on_update,
                             const std::vector<std::string>& on_destroy) {
  std::string update, destroy;
  simdjson::dom::object o;
  if (on_update && on_update->get_object().get(o) == simdjson::SUCCESS) {
    for (auto [key, patch] : o) {
      auto it = key.starts_with('#') ? call.sent.find(std::string(key.substr(1))) : call.sent.end();
      if (it == call.sent.end()) continue;
      JsonWriter w = AppendItem(&update);
      w.Key(it->second).Raw(simdjson::minify(patch));
    }
  }
  for (const std::string& key : on_destroy) {
    auto it = key.starts_with('#') ? call.sent.find(key.substr(1)) : call.sent.end();
    if (it != call.sent.end()) AppendItem(&destroy).String(it->second);
  }
  if (update.empty() && destroy.empty()) return "";
  std::string out = "{\"accountId\":";
  JsonWriter::AppendQuoted(&out, call.context->jmap_account_id);
  out += ",\"update\":{" + update + "},\"destroy\":[" + destroy + "]}";
  return out;
}

Task<void> DestroyOne(SubmissionCall& call, const std::string& id) {
  std::optional<int64_t> n = ParseSubmissionId(ResolveCreatedId(*call.context, id));
  Result<void> done = std::unexpected(Error{ErrorCode::kNotFound, ""});
  if (n) {
    done = co_await call.context->services->stores->metadata->DeleteSubmission(
        call.context->account_id, *n);
  }
  WriteDestroyed(done, id, &call.destroyed, &call.not_destroyed);
}

// Runs the creations; a store or queue failure ends the call (serverFail/serverUnavailable).
Task<Result<void>> CreateAll(SubmissionCall& call, std::optional<simdjson::dom::element> c) {
  simdjson::dom::object create;
  if (!c || c->get_object().get(create) != simdjson::SUCCESS) co_return Result<void>{};
  for (auto [key, value] : create) {
    simdjson::dom::object o;
    std::optional<ObjectSetError> error = ObjectSetError{"invalidProperties", "not an object", {}};
    if (value.get_object().get(o) == simdjson::SUCCESS) {
      Result<std::optional<ObjectSetError>> one = co_await CreateOne(call, key, o);
      if (!one) co_return std::unexpected(one.error());
      error = std::move(*one);
    }
    if (!error) continue;
    JsonWriter w = AppendItem(&call.not_created);
    w.Key(key);
    WriteObjectSetError(w, *error);
  }
  co_return Result<void>{};
}

}  // namespace

Task<MethodResponse> SubmissionSet(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"accountId", "ifInState", "create", "update", "destroy", "onSuccessUpdateEmail",
             "onSuccessDestroyEmail"});
  std::optional<std::string_view> if_in_state = args.String("ifInState");
  std::optional<std::vector<std::string>> destroy = args.Strings("destroy");
  std::optional<std::vector<std::string>> on_destroy = args.Strings("onSuccessDestroyEmail");
  std::optional<simdjson::dom::element> c = args.Get("create"), u = args.Get("update");
  std::optional<simdjson::dom::element> on_update = args.Get("onSuccessUpdateEmail");
  if (c && !c->is_object()) args.Fail("'create' must be an object");
  if (u && !u->is_object()) args.Fail("'update' must be an object");
  if (on_update && !on_update->is_object()) args.Fail("'onSuccessUpdateEmail' must be an object");
  if (!args.ok()) co_return InvalidArguments(args.error());
  SubmissionCall call{&context, {}, {}, {}, {}, {}, {}, {}, {}};
  MetadataStore* store = context.services->stores->metadata.get();
  Result<SubmissionList> before = co_await store->ListSubmissions(context.account_id);
  if (!before) co_return StoreFailure(before.error());
  if (if_in_state && ParseState(*if_in_state) != before->state) {
    co_return MethodError("stateMismatch");
  }
  Result<IdentityList> identities = co_await LoadIdentities(context);
  if (!identities) co_return StoreFailure(identities.error());
  call.identities = std::move(*identities);
  Result<std::vector<std::string>> owned = co_await AccountAddresses(context);
  if (!owned) co_return StoreFailure(owned.error());
  call.owned = std::move(*owned);
  Result<void> created = co_await CreateAll(call, c);
  if (!created) co_return StoreFailure(created.error());
  simdjson::dom::object update;
  if (u && u->get_object().get(update) == simdjson::SUCCESS) {
    for (auto [key, value] : update) {
      (void)value;
      JsonWriter w = AppendItem(&call.not_updated);
      w.Key(key);
      WriteObjectSetError(w,
                          {"cannotUnsend", "submissions are sent at once (undoStatus final)", {}});
    }
  }
  for (const std::string& id : destroy.value_or(std::vector<std::string>())) {
    co_await DestroyOne(call, id);
  }
  Result<SubmissionList> after = co_await store->ListSubmissions(context.account_id);
  if (!after) co_return StoreFailure(after.error());
  std::string out = "{\"accountId\":";
  JsonWriter::AppendQuoted(&out, context.jmap_account_id);
  out += ",\"oldState\":\"" + StateString(before->state) + "\",\"newState\":\"" +
         StateString(after->state) + "\",\"created\":{" + call.created + "},\"updated\":{}";
  out += ",\"destroyed\":[" + call.destroyed + "],\"notCreated\":{" + call.not_created + "}";
  out +=
      ",\"notUpdated\":{" + call.not_updated + "},\"notDestroyed\":{" + call.not_destroyed + "}}";
  const std::string implicit =
      ImplicitEmailSet(call, on_update, on_destroy.value_or(std::vector<std::string>()));
  if (!implicit.empty()) {
    simdjson::dom::parser parser;
    simdjson::dom::object email_set;
    if (parser.parse(implicit).get_object().get(email_set) == simdjson::SUCCESS) {
      MethodResponse then = co_await EmailSet(context, email_set);
      context.implicit_responses.push_back(std::move(then));
    }
  }
  co_return MethodResponse{"EmailSubmission/set", std::move(out)};
}

}  // namespace ringmail::jmap
