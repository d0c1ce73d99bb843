#include "jmap/submission_common.h"

#include "directory/address.h"
#include "jmap/email_args.h"
#include "jmap/ids.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {

void WriteObjectSetError(JsonWriter& w, const ObjectSetError& e) {
  w.BeginObject().Key("type").String(e.type);
  if (!e.description.empty()) w.Key("description").String(e.description);
  if (!e.properties.empty()) w.Key("properties").Strings(e.properties);
  w.EndObject();
}

JsonWriter AppendItem(std::string* list) {
  if (!list->empty()) list->push_back(',');
  return JsonWriter(list);
}

void WriteDestroyed(const Result<void>& done, std::string_view id, std::string* destroyed,
                    std::string* not_destroyed) {
  if (done) {
    AppendItem(destroyed).String(id);
    return;
  }
  const char* type = done.error().code == ErrorCode::kNotFound ? "notFound" : "serverFail";
  WriteObjectSetError(AppendItem(not_destroyed).Key(id), {type, done.error().message, {}});
}

std::optional<MethodResponse> ReadGetArguments(const CallContext& context,
                                               simdjson::dom::object arguments,
                                               std::optional<std::vector<std::string>>* ids) {
  Args args(arguments);
  args.Only({"accountId", "ids", "properties"});
  *ids = args.Strings("ids");
  (void)args.Strings("properties");
  if (!args.ok()) return InvalidArguments(args.error());
  if (*ids && (*ids)->size() > context.limits->max_objects_in_get) {
    return MethodError("requestTooLarge");
  }
  return std::nullopt;
}

bool SendAsAllowed(const std::vector<std::string>& owned, std::string_view email) {
  auto owns = [&](std::string_view a) {
    return std::find(owned.begin(), owned.end(), a) != owned.end();
  };
  const size_t at = email.rfind('@');
  if (at == std::string_view::npos) return false;
  if (email.substr(0, at) == "*") {
    Result<MailAddress> domain_only = ParseMailAddress("x" + std::string(email.substr(at)));
    return domain_only && owns(CatchAllAddress(domain_only->domain));
  }
  Result<MailAddress> parsed = ParseMailAddress(email);
  if (!parsed) return false;
  return owns(NormalizedAddress(*parsed)) || owns(CatchAllAddress(parsed->domain));
}

std::optional<std::string> EmailAddressesJson(simdjson::dom::element e) {
  if (e.is_null()) return std::string();
  simdjson::dom::array array;
  if (e.get_array().get(array) != simdjson::SUCCESS || array.size() > kEmailAddressesMax) {
    return std::nullopt;
  }
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (simdjson::dom::element item : array) {
    simdjson::dom::object o;
    if (item.get_object().get(o) != simdjson::SUCCESS) return std::nullopt;
    std::string_view email, name;
    simdjson::dom::element n;
    if (o["email"].get_string().get(email) != simdjson::SUCCESS || !ParseMailAddress(email)) {
      return std::nullopt;
    }
    const bool has_name = o["name"].get(n) == simdjson::SUCCESS && !n.is_null();
    if (has_name && n.get_string().get(name) != simdjson::SUCCESS) return std::nullopt;
    for (auto field : o) {
      if (field.key != "email" && field.key != "name") return std::nullopt;
    }
    w.BeginObject().Key("name");
    if (has_name) {
      w.String(name);
    } else {
      w.Null();
    }
    w.Key("email").String(email).EndObject();
  }
  w.EndArray();
  return out;
}

Task<Result<std::vector<std::string>>> AccountAddresses(const CallContext& context) {
  Result<Principal> principal =
      co_await context.services->directory->directory->FindPrincipal(context.account_name);
  if (!principal) co_return std::unexpected(principal.error());
  co_return std::move(principal->emails);
}

std::vector<int64_t> DuplicateDefaults(const std::vector<IdentityRecord>& stored,
                                       const std::vector<IdentityRecord>& defaults) {
  auto without_id = [](IdentityRecord r) {
    r.id = 0;
    return r;
  };
  std::vector<int64_t> extra;
  for (size_t i = 0; i < stored.size(); ++i) {
    const IdentityRecord candidate = without_id(stored[i]);
    if (std::find(defaults.begin(), defaults.end(), candidate) == defaults.end()) continue;
    for (size_t j = 0; j < i; ++j) {
      if (without_id(stored[j]) == candidate) {
        extra.push_back(stored[i].id);
        break;
      }
    }
  }
  return extra;
}

Task<Result<IdentityList>> LoadIdentities(const CallContext& context) {
  MetadataStore* store = context.services->stores->metadata.get();
  Result<IdentityList> list = co_await store->ListIdentities(context.account_id);
  if (!list || !list->identities.empty()) co_return list;
  Result<std::vector<std::string>> owned = co_await AccountAddresses(context);
  if (!owned) co_return std::unexpected(owned.error());
  std::vector<IdentityRecord> defaults;
  for (const std::string& address : *owned) {
    IdentityRecord identity;
    identity.name = context.account_name;
    identity.email = address.starts_with('@') ? "*" + address : address;
    Result<IdentityRecord> saved = co_await store->SaveIdentity(context.account_id, identity);
    if (!saved) co_return std::unexpected(saved.error());
    defaults.push_back(std::move(identity));
  }
  Result<IdentityList> made = co_await store->ListIdentities(context.account_id);
  if (!made) co_return made;
  // Two first calls at once (two requests, cores or nodes) both found none and both made the
  // defaults: each keeps the oldest copy of a default and deletes the newer ones, so both
  // leave the same set (the other's deletes of the same ids answer kNotFound).
  const std::vector<int64_t> extra = DuplicateDefaults(made->identities, defaults);
  if (extra.empty()) co_return made;
  for (int64_t id : extra) {
    Result<void> deleted = co_await store->DeleteIdentity(context.account_id, id);
    if (!deleted && deleted.error().code != ErrorCode::kNotFound) {
      co_return std::unexpected(deleted.error());
    }
  }
  Result<IdentityList> deduplicated = co_await store->ListIdentities(context.account_id);
  co_return deduplicated;
}

MethodResponse ChangesWithoutHistory(const CallContext& context, std::string_view method,
                                     simdjson::dom::object arguments, uint64_t state) {
  Args args(arguments);
  args.Only({"accountId", "sinceState", "maxChanges"});
  std::optional<std::string_view> since = args.String("sinceState");
  (void)args.Uint("maxChanges");
  if (!args.ok()) return InvalidArguments(args.error());
  if (!since) return InvalidArguments("'sinceState' is required");
  if (ParseState(*since) != state) {
    return MethodError("cannotCalculateChanges", "re-fetch the objects: history is not kept");
  }
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id);
  w.Key("oldState").String(*since).Key("newState").String(StateString(state));
  w.Key("hasMoreChanges").Bool(false).Key("created").BeginArray().EndArray();
  w.Key("updated").BeginArray().EndArray().Key("destroyed").BeginArray().EndArray();
  w.EndObject();
  return MethodResponse{std::string(method), std::move(out)};
}

std::string ResolveCreatedId(const CallContext& context, std::string_view id) {
  if (id.starts_with('#')) {
    auto it = context.created_ids.find(id.substr(1));
    if (it != context.created_ids.end()) return it->second;
  }
  return std::string(id);
}

}  // namespace ringmail::jmap
