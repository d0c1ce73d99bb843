// /api/accounts/NAME/keys: an account's API keys — list, create (the key is in the answer,
// once), revoke — through the operations the CLI runs (admin_ops.h).
#include <ctime>

#include "server/admin_ops.h"
#include "server/http_admin_internal.h"

namespace ringmail::admin_api {
namespace {

// Opens a key's object and writes what a listing shows; the caller may add and closes it.
void WriteKey(JsonWriter& w, const ApiKeyRecord& k) {
  w.BeginObject().Key("name").String(k.name).Key("created").String(admin::FormatTime(k.created_at));
  w.Key("last_used");
  if (k.last_used_at) {
    w.String(admin::FormatTime(*k.last_used_at));
  } else {
    w.Null();
  }
  w.Key("expires");
  if (k.expires_at) {
    w.String(admin::FormatTime(*k.expires_at));
  } else {
    w.Null();
  }
}

// POST /api/accounts/NAME/keys {"name": "...", "expires": "30d" | "2027-01-31" | ...}.
Task<http::Response> Create(Call call) {
  JsonBody json;
  Result<void> parsed = json.Parse(call.request->body, {"name", "expires"});
  if (!parsed) co_return ErrorResponse(parsed.error());
  Result<std::optional<std::string>> name = json.String("name");
  Result<std::optional<std::string>> expires = json.String("expires");
  if (!name) co_return ErrorResponse(name.error());
  if (!expires) co_return ErrorResponse(expires.error());
  if (!*name) co_return http::JsonError(400, "'name' (a string) is required");
  admin::ApiKeyRequest request;
  request.account = call.path[1];
  request.name = **name;
  Result<std::optional<int64_t>> at =
      admin::ParseExpiry(expires->value_or(""), static_cast<int64_t>(std::time(nullptr)));
  if (!at) co_return ErrorResponse(at.error());
  request.expires_at = *at;
  Result<admin::CreatedApiKey> created =
      co_await admin::CreateApiKey(call.store, std::move(request));
  if (!created) co_return ErrorResponse(created.error());
  std::string body;
  JsonWriter w(&body);
  WriteKey(w, created->record);
  w.Key("key").String(created->key).EndObject();
  co_return Json(201, std::move(body));
}

}  // namespace

Task<std::optional<http::Response>> ApiKeys(Call call) {
  const std::vector<std::string>& p = call.path;
  const std::string& m = call.method;
  if (p.size() == 3 && m == "GET") {
    Result<std::vector<ApiKeyRecord>> keys = co_await admin::ListApiKeys(call.store, p[1]);
    if (!keys) co_return ErrorResponse(keys.error());
    std::string body;
    JsonWriter w(&body);
    w.BeginArray();
    for (const ApiKeyRecord& k : *keys) {
      WriteKey(w, k);
      w.EndObject();
    }
    w.EndArray();
    co_return Json(200, std::move(body));
  }
  if (p.size() == 3 && m == "POST") {
    http::Response r = co_await Create(std::move(call));
    co_return r;
  }
  if (p.size() == 4 && m == "DELETE") {
    Result<void> revoked = co_await admin::RevokeApiKey(call.store, p[1], p[3]);
    if (!revoked) co_return ErrorResponse(revoked.error());
    std::string body;
    JsonWriter(&body).BeginObject().Key("revoked").String(p[3]).EndObject();
    co_return Json(200, std::move(body));
  }
  co_return std::nullopt;
}

}  // namespace ringmail::admin_api
