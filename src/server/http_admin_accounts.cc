// /api/accounts: list, show, create, update, password, quota, aliases, role, remove, through
// the operations the CLI runs (admin_ops.h); its API keys are in http_admin_keys.cc.
#include "server/admin_ops.h"
#include "server/http_admin_internal.h"

namespace ringmail::admin_api {
namespace {

void WriteAccount(JsonWriter& w, const AccountRecord& a) {
  w.BeginObject().Key("name").String(a.name).Key("type").String(a.type);
  w.Key("active").Bool(a.active).Key("role").String(a.role);
  w.Key("description").String(a.description);
  w.Key("emails").Strings(a.emails).Key("member_of").Strings(a.member_of);
  w.Key("has_password").Bool(!a.secret.empty()).Key("quota").Uint(a.quota_bytes);
  w.Key("quota_messages").Uint(a.quota_messages);
  w.Key("used_bytes").Uint(a.used_bytes).Key("used_messages").Uint(a.used_messages);
  w.EndObject();
}

http::Response AccountResponse(int status, const AccountRecord& a) {
  std::string body;
  JsonWriter w(&body);
  WriteAccount(w, a);
  return Json(status, std::move(body));
}

// POST /api/accounts.
Task<http::Response> Create(Call call) {
  JsonBody json;
  Result<void> parsed =
      json.Parse(call.request->body, {"name", "type", "role", "description", "active", "quota",
                                      "quota_messages", "emails", "member_of", "password"});
  if (!parsed) co_return ErrorResponse(parsed.error());
  admin::NewAccount a;
  Result<std::optional<std::string>> name = json.String("name");
  Result<std::optional<std::string>> type = json.String("type");
  Result<std::optional<std::string>> role = json.String("role");
  Result<std::optional<std::string>> description = json.String("description");
  Result<std::optional<std::string>> password = json.String("password");
  Result<std::optional<bool>> active = json.Bool("active");
  Result<std::optional<uint64_t>> quota = json.Bytes("quota");
  Result<std::optional<uint64_t>> quota_messages = json.Bytes("quota_messages");
  Result<std::optional<std::vector<std::string>>> emails = json.Strings("emails");
  Result<std::optional<std::vector<std::string>>> member_of = json.Strings("member_of");
  for (const Error* e :
       {name ? nullptr : &name.error(), type ? nullptr : &type.error(),
        role ? nullptr : &role.error(), description ? nullptr : &description.error(),
        password ? nullptr : &password.error(), active ? nullptr : &active.error(),
        quota ? nullptr : &quota.error(), quota_messages ? nullptr : &quota_messages.error(),
        emails ? nullptr : &emails.error(), member_of ? nullptr : &member_of.error()}) {
    if (e != nullptr) co_return ErrorResponse(*e);
  }
  if (!*name) co_return http::JsonError(400, "'name' (a string) is required");
  a.name = **name;
  a.type = type->value_or("individual");
  a.role = role->value_or("user");
  a.description = description->value_or("");
  a.active = active->value_or(true);
  a.quota_bytes = quota->value_or(0);
  a.quota_messages = quota_messages->value_or(0);
  a.emails = emails->value_or(std::vector<std::string>{});
  a.member_of = member_of->value_or(std::vector<std::string>{});
  a.password = *password;
  Result<AccountRecord> created = co_await admin::CreateAccount(
      call.store, call.services->workers, call.services->config, std::move(a));
  if (!created) co_return ErrorResponse(created.error());
  co_return AccountResponse(201, *created);
}

// Reads the members of a PATCH body (or of the /password, /quota shortcuts) into *c.
Result<void> ReadChanges(const JsonBody& json, admin::AccountChanges* c) {
  c->password = TRY(json.String("password"));
  c->description = TRY(json.String("description"));
  c->active = TRY(json.Bool("active"));
  c->role = TRY(json.String("role"));
  c->quota_bytes = TRY(json.Bytes("quota"));
  c->quota_messages = TRY(json.Bytes("quota_messages"));
  c->emails = TRY(json.Strings("emails"));
  c->add_emails = TRY(json.Strings("add_emails")).value_or(std::vector<std::string>{});
  c->remove_emails = TRY(json.Strings("remove_emails")).value_or(std::vector<std::string>{});
  c->add_member_of = TRY(json.Strings("add_member_of")).value_or(std::vector<std::string>{});
  c->remove_member_of = TRY(json.Strings("remove_member_of")).value_or(std::vector<std::string>{});
  return {};
}

// PATCH /api/accounts/NAME, PUT .../password, PUT .../quota, POST .../aliases,
// DELETE .../aliases/ADDRESS.
Task<http::Response> Update(Call call) {
  const std::vector<std::string>& p = call.path;
  admin::AccountChanges c;
  c.name = p[1];
  const std::string what = p.size() > 2 ? p[2] : "";
  if (what == "aliases" && call.method == "DELETE") {
    c.remove_emails.push_back(p[3]);
  } else {
    JsonBody json;
    Result<void> parsed;
    if (what == "password") {
      parsed = json.Parse(call.request->body, {"password"});
    } else if (what == "quota") {
      parsed = json.Parse(call.request->body, {"quota", "quota_messages"});
    } else if (what == "aliases") {
      parsed = json.Parse(call.request->body, {"address"});
    } else {
      parsed =
          json.Parse(call.request->body,
                     {"password", "description", "active", "quota", "quota_messages", "emails",
                      "add_emails", "remove_emails", "add_member_of", "remove_member_of", "role"});
    }
    if (parsed) parsed = ReadChanges(json, &c);
    if (!parsed) co_return ErrorResponse(parsed.error());
    if (what == "aliases") {
      Result<std::optional<std::string>> address = json.String("address");
      if (!address || !*address) co_return http::JsonError(400, "'address' is required");
      c.add_emails.push_back(**address);
    }
    if (what == "password" && !c.password) co_return http::JsonError(400, "'password' is required");
    if (what == "quota" && !c.quota_bytes && !c.quota_messages) {
      co_return http::JsonError(400, "'quota' or 'quota_messages' is required");
    }
  }
  Result<AccountRecord> updated = co_await admin::UpdateAccount(
      call.store, call.services->workers, call.services->config, std::move(c));
  if (!updated) co_return ErrorResponse(updated.error());
  co_return AccountResponse(200, *updated);
}

}  // namespace

Task<std::optional<http::Response>> Accounts(Call call) {
  const std::vector<std::string>& p = call.path;
  const std::string& m = call.method;
  if (p.size() == 1 && m == "GET") {
    Result<std::vector<AccountRecord>> all = co_await call.store->ListAccounts();
    if (!all) co_return ErrorResponse(all.error());
    std::string body;
    JsonWriter w(&body);
    w.BeginArray();
    for (const AccountRecord& a : *all) WriteAccount(w, a);
    w.EndArray();
    co_return Json(200, std::move(body));
  }
  if (p.size() == 1 && m == "POST") {
    http::Response r = co_await Create(std::move(call));
    co_return r;
  }
  if (p.size() == 2 && m == "DELETE") {
    Result<void> removed = co_await call.store->DeleteAccount(p[1]);
    if (!removed) co_return ErrorResponse(removed.error());
    std::string body;
    JsonWriter(&body).BeginObject().Key("removed").String(p[1]).EndObject();
    co_return Json(200, std::move(body));
  }
  if (p.size() == 2 && m == "GET") {
    Result<AccountRecord> a = co_await call.store->GetAccount(p[1]);
    if (!a) co_return ErrorResponse(a.error());
    co_return AccountResponse(200, *a);
  }
  if (p.size() == 3 && p[2] == "aliases" && m == "GET") {
    Result<AccountRecord> a = co_await call.store->GetAccount(p[1]);
    if (!a) co_return ErrorResponse(a.error());
    std::string body;
    JsonWriter w(&body);
    w.Strings(
        std::vector<std::string>(a->emails.begin() + (a->emails.empty() ? 0 : 1), a->emails.end()));
    co_return Json(200, std::move(body));
  }
  if (p.size() >= 3 && p[2] == "keys") {
    std::optional<http::Response> r = co_await ApiKeys(std::move(call));
    co_return r;
  }
  const bool patch = p.size() == 2 && m == "PATCH";
  const bool put = p.size() == 3 && (p[2] == "password" || p[2] == "quota") && m == "PUT";
  const bool alias_add = p.size() == 3 && p[2] == "aliases" && m == "POST";
  const bool alias_remove = p.size() == 4 && p[2] == "aliases" && m == "DELETE";
  if (patch || put || alias_add || alias_remove) {
    http::Response r = co_await Update(std::move(call));
    co_return r;
  }
  co_return std::nullopt;
}

}  // namespace ringmail::admin_api
