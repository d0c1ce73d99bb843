// VacationResponse/get and /set (RFC 8621 §8): one object per account, id "singleton",
// stored by the metadata store; the auto-reply itself is sent on delivery (mail/vacation.h).
#include "jmap/email_args.h"
#include "jmap/email_headers.h"
#include "jmap/ids.h"
#include "jmap/submission_common.h"
#include "jmap/submission_methods.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

constexpr std::string_view kSingleton = "singleton";

void WriteVacation(JsonWriter& w, const VacationRecord& v) {
  auto text = [&](const std::optional<std::string>& s) { s ? w.String(*s) : w.Null(); };
  auto date = [&](const std::optional<int64_t>& t) { t ? w.String(UtcDate(*t)) : w.Null(); };
  w.BeginObject().Key("id").String(kSingleton).Key("isEnabled").Bool(v.is_enabled);
  w.Key("fromDate");
  date(v.from_date);
  w.Key("toDate");
  date(v.to_date);
  w.Key("subject");
  text(v.subject);
  w.Key("textBody");
  text(v.text_body);
  w.Key("htmlBody");
  text(v.html_body);
  w.EndObject();
}

// Applies one patch member (a property name: the object is flat); false when not allowed.
bool Apply(std::string_view key, simdjson::dom::element value, VacationRecord& v) {
  std::string_view s;
  const bool null = value.is_null();
  if (!null && key != "isEnabled" && value.get_string().get(s) != simdjson::SUCCESS) return false;
  if (key == "isEnabled") return value.get_bool().get(v.is_enabled) == simdjson::SUCCESS;
  if (key == "fromDate" || key == "toDate") {
    std::optional<int64_t> t;
    if (!null && !(t = ParseUtcDate(s))) return false;
    (key == "fromDate" ? v.from_date : v.to_date) = t;
    return true;
  }
  std::optional<std::string>* field = key == "subject"    ? &v.subject
                                      : key == "textBody" ? &v.text_body
                                      : key == "htmlBody" ? &v.html_body
                                                          : nullptr;
  if (field != nullptr) {
    *field = null ? std::nullopt : std::optional<std::string>(s);
    return true;
  }
  return key == "id" && s == kSingleton;
}

}  // namespace

Task<MethodResponse> VacationGet(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"accountId", "ids", "properties"});
  std::optional<std::vector<std::string>> ids = args.Strings("ids");
  (void)args.Strings("properties");
  if (!args.ok()) co_return InvalidArguments(args.error());
  Result<VacationRecord> v =
      co_await context.services->stores->metadata->LoadVacation(context.account_id);
  if (!v) co_return StoreFailure(v.error());
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id);
  w.Key("state").String(StateString(v->state)).Key("list").BeginArray();
  std::vector<std::string> not_found;
  bool listed = !ids;
  for (const std::string& id : ids.value_or(std::vector<std::string>())) {
    if (id == kSingleton) {
      listed = true;
    } else {
      not_found.push_back(id);
    }
  }
  if (listed) WriteVacation(w, *v);
  w.EndArray().Key("notFound").Strings(not_found).EndObject();
  co_return MethodResponse{"VacationResponse/get", std::move(out)};
}

Task<MethodResponse> VacationSet(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"accountId", "ifInState", "create", "update", "destroy"});
  std::optional<std::string_view> if_in_state = args.String("ifInState");
  std::optional<std::vector<std::string>> destroy = args.Strings("destroy");
  std::optional<simdjson::dom::element> c = args.Get("create"), u = args.Get("update");
  simdjson::dom::object create, update;
  if (c && c->get_object().get(create) != simdjson::SUCCESS) args.Fail("bad 'create'");
  if (u && u->get_object().get(update) != simdjson::SUCCESS) args.Fail("bad 'update'");
  if (!args.ok()) co_return InvalidArguments(args.error());
  MetadataStore* store = context.services->stores->metadata.get();
  Result<VacationRecord> v = co_await store->LoadVacation(context.account_id);
  if (!v) co_return StoreFailure(v.error());
  if (if_in_state && ParseState(*if_in_state) != v->state) co_return MethodError("stateMismatch");
  const uint64_t old_state = v->state;
  std::string updated, not_created, not_updated, not_destroyed;
  const ObjectSetError singleton{"singleton", "the VacationResponse is a singleton", {}};
  if (c) {
    for (auto [key, value] : create) {
      (void)value;
      WriteObjectSetError(AppendItem(&not_created).Key(key), singleton);
    }
  }
  for (const std::string& id : destroy.value_or(std::vector<std::string>())) {
    WriteObjectSetError(AppendItem(&not_destroyed).Key(id), singleton);
  }
  bool changed = false;
  if (u) {
    for (auto [id, patch] : update) {
      std::vector<std::string> bad;
      VacationRecord next = *v;
      simdjson::dom::object o;
      if (id != kSingleton) {
        WriteObjectSetError(AppendItem(&not_updated).Key(id), {"notFound", "", {}});
        continue;
      }
      if (patch.get_object().get(o) != simdjson::SUCCESS) {
        bad.push_back("*");
      } else {
        for (auto [key, value] : o) {
          if (!Apply(key, value, next)) bad.emplace_back(key);
        }
      }
      if (!bad.empty()) {
        WriteObjectSetError(AppendItem(&not_updated).Key(id), {"invalidProperties", "", bad});
        continue;
      }
      Result<void> saved = co_await store->SaveVacation(context.account_id, next);
      if (!saved) co_return StoreFailure(saved.error());
      changed = true;
      AppendItem(&updated).Key(id).Null();
    }
  }
  uint64_t new_state = old_state;
  if (changed) {
    Result<VacationRecord> after = co_await store->LoadVacation(context.account_id);
    if (!after) co_return StoreFailure(after.error());
    new_state = after->state;
  }
  std::string out = "{\"accountId\":";
  JsonWriter::AppendQuoted(&out, context.jmap_account_id);
  out += ",\"oldState\":\"" + StateString(old_state) + "\",\"newState\":\"" +
         StateString(new_state) + "\",\"created\":{},\"updated\":{" + updated +
         "},\"destroyed\":[],\"notCreated\":{" + not_created + "},\"notUpdated\":{" + not_updated +
         "},\"notDestroyed\":{" + not_destroyed + "}}";
  co_return MethodResponse{"VacationResponse/set", std::move(out)};
}

}  // namespace ringmail::jmap
