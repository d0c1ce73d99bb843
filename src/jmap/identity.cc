// Identity/get, /changes, /set (RFC 8621 §6). An identity's email must be one the account may
// send as (SendAsAllowed); it is immutable after creation (RFC 8621 §6.3). Every identity
// may be deleted (mayDelete: true); deleting them all brings the defaults back on next use.
#include "jmap/email_args.h"
#include "jmap/ids.h"
#include "jmap/submission_common.h"
#include "jmap/submission_methods.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

void WriteIdentity(JsonWriter& w, const IdentityRecord& i) {
  w.BeginObject().Key("id").String(IdentityId(i.id)).Key("name").String(i.name);
  w.Key("email").String(i.email).Key("replyTo");
  i.reply_to.empty() ? w.Null() : w.Raw(i.reply_to);
  w.Key("bcc");
  i.bcc.empty() ? w.Null() : w.Raw(i.bcc);
  w.Key("textSignature").String(i.text_signature).Key("htmlSignature").String(i.html_signature);
  w.Key("mayDelete").Bool(true).EndObject();
}

// Applies the members of a create or update object to `identity`.
std::optional<ObjectSetError> ApplyProperties(simdjson::dom::object o, bool creating,
                                              IdentityRecord& identity) {
  for (auto [key, value] : o) {
    const ObjectSetError invalid{"invalidProperties", "", {std::string(key)}};
    std::string_view s;
    if (key == "name" || key == "textSignature" || key == "htmlSignature") {
      if (value.get_string().get(s) != simdjson::SUCCESS) return invalid;
      std::string& field = key == "name"            ? identity.name
                           : key == "textSignature" ? identity.text_signature
                                                    : identity.html_signature;
      field = s;
    } else if (key == "replyTo" || key == "bcc") {
      std::optional<std::string> json = EmailAddressesJson(value);
      if (!json) return invalid;
      (key == "replyTo" ? identity.reply_to : identity.bcc) = std::move(*json);
    } else if (key == "email" && creating) {
      if (value.get_string().get(s) != simdjson::SUCCESS) return invalid;
      identity.email = s;
    } else if (key == "email" || key == "id" || key == "mayDelete") {
      // Immutable or server-set: allowed when it repeats the current value only.
      if (key == "email" && value.get_string().get(s) == simdjson::SUCCESS && s == identity.email) {
        continue;
      }
      if (key == "mayDelete" && value.is_bool()) continue;
      return invalid;
    } else {
      return invalid;
    }
  }
  return std::nullopt;
}

struct IdentitySet {
  CallContext* context;
  IdentityList list;
  std::vector<std::string> owned;
  std::string created, not_created, updated, not_updated, destroyed, not_destroyed;
};

Task<void> Create(IdentitySet& set, std::string_view key, simdjson::dom::element value) {
  IdentityRecord identity;
  simdjson::dom::object o;
  std::optional<ObjectSetError> error;
  if (value.get_object().get(o) != simdjson::SUCCESS) {
    error = ObjectSetError{"invalidProperties", "not an object", {}};
  } else {
    error = ApplyProperties(o, true, identity);
  }
  if (!error && identity.email.empty()) error = ObjectSetError{"invalidProperties", "", {"email"}};
  if (!error && !SendAsAllowed(set.owned, identity.email)) {
    error = ObjectSetError{"forbiddenFrom", "the account may not send as that address", {}};
  }
  if (!error) {
    Result<IdentityRecord> saved = co_await set.context->services->stores->metadata->SaveIdentity(
        set.context->account_id, identity);
    if (!saved) {
      error = saved.error().code == ErrorCode::kLimitExceeded
                  ? ObjectSetError{"overQuota", saved.error().message, {}}
                  : ObjectSetError{"serverFail", saved.error().message, {}};
    } else {
      set.context->created_ids[std::string(key)] = IdentityId(saved->id);
      JsonWriter w = AppendItem(&set.created);
      w.Key(key).BeginObject().Key("id").String(IdentityId(saved->id));
      w.Key("mayDelete").Bool(true).EndObject();
      co_return;
    }
  }
  JsonWriter w = AppendItem(&set.not_created);
  w.Key(key);
  WriteObjectSetError(w, *error);
}

Task<void> Update(IdentitySet& set, std::string_view id, simdjson::dom::element value) {
  std::optional<int64_t> n = ParseIdentityId(ResolveCreatedId(*set.context, id));
  const IdentityRecord* current = nullptr;
  for (const IdentityRecord& i : set.list.identities) {
    if (n && i.id == *n) current = &i;
  }
  std::optional<ObjectSetError> error;
  simdjson::dom::object o;
  IdentityRecord identity;
  if (current == nullptr) {
    error = ObjectSetError{"notFound", "", {}};
  } else if (value.get_object().get(o) != simdjson::SUCCESS) {
    error = ObjectSetError{"invalidPatch", "", {}};
  } else {
    identity = *current;
    error = ApplyProperties(o, false, identity);
  }
  if (!error) {
    Result<IdentityRecord> saved = co_await set.context->services->stores->metadata->SaveIdentity(
        set.context->account_id, identity);
    if (saved) {
      JsonWriter w = AppendItem(&set.updated);
      w.Key(id).Null();
      co_return;
    }
    error = ObjectSetError{saved.error().code == ErrorCode::kNotFound ? "notFound" : "serverFail",
                           saved.error().message,
                           {}};
  }
  JsonWriter w = AppendItem(&set.not_updated);
  w.Key(id);
  WriteObjectSetError(w, *error);
}

Task<void> Destroy(IdentitySet& set, std::string_view id) {
  std::optional<int64_t> n = ParseIdentityId(ResolveCreatedId(*set.context, id));
  Result<void> done = std::unexpected(Error{ErrorCode::kNotFound, ""});
  if (n) {
    done = co_await set.context->services->stores->metadata->DeleteIdentity(set.context->account_id,
                                                                            *n);
  }
  WriteDestroyed(done, id, &set.destroyed, &set.not_destroyed);
}

}  // namespace

Task<MethodResponse> IdentityGet(CallContext& context, simdjson::dom::object arguments) {
  std::optional<std::vector<std::string>> ids;
  if (std::optional<MethodResponse> bad = ReadGetArguments(context, arguments, &ids)) {
    co_return std::move(*bad);
  }
  Result<IdentityList> list = co_await LoadIdentities(context);
  if (!list) co_return StoreFailure(list.error());
  co_return MethodResponse{"Identity/get", GetAnswer(context, list->state, list->identities, ids,
                                                     IdentityId, WriteIdentity)};
}

Task<MethodResponse> IdentityChanges(CallContext& context, simdjson::dom::object arguments) {
  Result<IdentityList> list = co_await LoadIdentities(context);
  if (!list) co_return StoreFailure(list.error());
  co_return ChangesWithoutHistory(context, "Identity/changes", arguments, list->state);
}

Task<MethodResponse> IdentitySetMethod(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"accountId", "ifInState", "create", "update", "destroy"});
  std::optional<std::string_view> if_in_state = args.String("ifInState");
  std::optional<std::vector<std::string>> destroy = args.Strings("destroy");
  simdjson::dom::object create, update;
  std::optional<simdjson::dom::element> c = args.Get("create"), u = args.Get("update");
  if (c && c->get_object().get(create) != simdjson::SUCCESS) args.Fail("'create' not an object");
  if (u && u->get_object().get(update) != simdjson::SUCCESS) args.Fail("'update' not an object");
  if (!args.ok()) co_return InvalidArguments(args.error());
  const size_t count =
      (c ? create.size() : 0) + (u ? update.size() : 0) + (destroy ? destroy->size() : 0);
  if (count > context.limits->max_objects_in_set) co_return MethodError("requestTooLarge");
  IdentitySet set{&context, {}, {}, {}, {}, {}, {}, {}, {}};
  Result<IdentityList> list = co_await LoadIdentities(context);
  if (!list) co_return StoreFailure(list.error());
  if (if_in_state && ParseState(*if_in_state) != list->state)
    co_return MethodError("stateMismatch");
  const std::string old_state = StateString(list->state);
  set.list = std::move(*list);
  Result<std::vector<std::string>> owned = co_await AccountAddresses(context);
  if (!owned) co_return StoreFailure(owned.error());
  set.owned = std::move(*owned);
  if (c) {
    for (auto [key, value] : create) co_await Create(set, key, value);
  }
  if (u) {
    for (auto [key, value] : update) co_await Update(set, key, value);
  }
  for (const std::string& id : destroy.value_or(std::vector<std::string>())) {
    co_await Destroy(set, id);
  }
  Result<IdentityList> after =
      co_await context.services->stores->metadata->ListIdentities(context.account_id);
  if (!after) co_return StoreFailure(after.error());
  std::string out = "{\"accountId\":";
  JsonWriter::AppendQuoted(&out, context.jmap_account_id);
  out += ",\"oldState\":\"" + old_state + "\",\"newState\":\"" + StateString(after->state) + "\"";
  out += ",\"created\":{" + set.created + "},\"updated\":{" + set.updated + "}";
  out += ",\"destroyed\":[" + set.destroyed + "],\"notCreated\":{" + set.not_created + "}";
  out += ",\"notUpdated\":{" + set.not_updated + "},\"notDestroyed\":{" + set.not_destroyed + "}}";
  co_return MethodResponse{"Identity/set", std::move(out)};
}

}  // namespace ringmail::jmap
