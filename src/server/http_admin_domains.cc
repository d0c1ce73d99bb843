// /api/domains (with each domain's DNS records) and /api/queue.
#include "directory/address.h"
#include "directory/dns_records.h"
#include "server/admin_ops.h"
#include "server/http_admin_internal.h"

namespace ringmail::admin_api {
namespace {

http::Response DomainDone(int status, const std::string& name) {
  std::string body;
  JsonWriter w(&body);
  w.BeginObject().Key("name").String(name);
  Result<std::string> unicode = DomainToUnicode(name);
  w.Key("unicode").String(unicode ? *unicode : name).EndObject();
  return Json(status, std::move(body));
}

http::Response DnsRecords(const Call& call, const std::string& domain) {
  const DnsRecordsInput in = admin::DnsRecordsFor(*call.services->config, domain);
  Result<std::vector<DnsRecordGroup>> groups = DnsZoneGroups(in);
  if (!groups) return ErrorResponse(groups.error());
  Result<std::string> zone = DnsZoneRecords(in);
  if (!zone) return ErrorResponse(zone.error());
  std::string body;
  JsonWriter w(&body);
  w.BeginObject().Key("domain").String(domain).Key("records").BeginArray();
  for (const DnsRecordGroup& g : *groups) {
    for (const DnsRecord& r : g.records) {
      w.BeginObject().Key("name").String(r.name).Key("ttl").Uint(in.ttl_s);
      w.Key("type").String(r.type).Key("data").String(r.rdata).EndObject();
    }
  }
  w.EndArray().Key("zone").String(*zone).EndObject();
  return Json(200, std::move(body));
}

void WriteQueued(JsonWriter& w, const QueuedMessageRecord& m) {
  w.BeginObject().Key("id").Int(m.id).Key("sender").String(m.sender).Key("size").Uint(m.size);
  w.Key("created_at").Int(m.created_at).Key("expires_at").Int(m.expires_at);
  w.Key("recipients").BeginArray();
  for (const QueueRecipientRecord& r : m.recipients) {
    w.BeginObject().Key("address").String(r.address);
    w.Key("state").String(admin::QueueStateName(r.state)).Key("attempts").Uint(r.attempts);
    w.Key("next_attempt_at").Int(r.next_attempt_at).Key("last_reply").String(r.last_reply);
    w.EndObject();
  }
  w.EndArray().EndObject();
}

}  // namespace

Task<std::optional<http::Response>> Domains(Call call) {
  const std::vector<std::string>& p = call.path;
  if (p.size() == 1 && call.method == "GET") {
    Result<std::vector<std::string>> names = co_await call.store->ListDomains();
    if (!names) co_return ErrorResponse(names.error());
    std::string body;
    JsonWriter(&body).Strings(*names);
    co_return Json(200, std::move(body));
  }
  if (p.size() == 1 && call.method == "POST") {
    JsonBody json;
    Result<void> parsed = json.Parse(call.request->body, {"name"});
    if (!parsed) co_return ErrorResponse(parsed.error());
    Result<std::optional<std::string>> name = json.String("name");
    if (!name || !*name) co_return http::JsonError(400, "'name' (a string) is required");
    Result<std::string> added = co_await admin::AddDomain(call.store, **name);
    if (!added) co_return ErrorResponse(added.error());
    co_return DomainDone(201, *added);
  }
  if (p.size() == 2 && call.method == "DELETE") {
    Result<std::string> removed = co_await admin::RemoveDomain(call.store, p[1]);
    if (!removed) co_return ErrorResponse(removed.error());
    co_return DomainDone(200, *removed);
  }
  if (p.size() == 3 && p[2] == "dns-records" && call.method == "GET") {
    Result<std::string> domain = admin::DomainName(p[1]);
    if (!domain) co_return ErrorResponse(domain.error());
    co_return DnsRecords(call, *domain);
  }
  co_return std::nullopt;
}

Task<std::optional<http::Response>> Queue(Call call) {
  const std::vector<std::string>& p = call.path;
  if (p.size() == 1 && call.method == "GET") {
    Result<std::vector<QueuedMessageRecord>> all = co_await admin::ListQueue(call.store);
    if (!all) co_return ErrorResponse(all.error());
    std::string body;
    JsonWriter w(&body);
    w.BeginArray();
    for (const QueuedMessageRecord& m : *all) WriteQueued(w, m);
    w.EndArray();
    co_return Json(200, std::move(body));
  }
  // POST /api/queue/retry (every message) or /api/queue/ID/retry; DELETE /api/queue/ID.
  const bool retry_all = p.size() == 2 && p[1] == "retry" && call.method == "POST";
  const bool retry_one = p.size() == 3 && p[2] == "retry" && call.method == "POST";
  const bool remove = p.size() == 2 && call.method == "DELETE";
  if (!retry_all && !retry_one && !remove) co_return std::nullopt;
  int64_t id = 0;
  if (!retry_all) {
    Result<int64_t> parsed = admin::ParseQueueId(p[1]);
    if (!parsed) co_return ErrorResponse(parsed.error());
    id = *parsed;
  }
  std::string body;
  JsonWriter w(&body);
  if (remove) {
    Result<void> removed = co_await call.store->RemoveQueued(id);
    if (!removed) co_return ErrorResponse(removed.error());
    w.BeginObject().Key("removed").Int(id).EndObject();
  } else {
    Result<size_t> n = co_await admin::RetryQueue(call.store, id);
    if (!n) co_return ErrorResponse(n.error());
    w.BeginObject().Key("due_now").Uint(*n).EndObject();
  }
  co_return Json(200, std::move(body));
}

}  // namespace ringmail::admin_api
