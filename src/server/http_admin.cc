// The admin API's front (http_admin.h): authentication, dispatch to the families, the
// status endpoint, and the log line of every operation.
#include "server/http_admin.h"

#include "base/log.h"
#include "base/version.h"
#include "server/http_admin_internal.h"
#include "server/http_login.h"

namespace ringmail {
namespace {

using admin_api::Call;
using admin_api::Json;

constexpr std::string_view kRealm = "ringmail admin";
constexpr size_t kPathSegmentsMax = 8;

std::string PercentDecoded(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  path.remove_prefix(std::string_view("/api/").size());
  while (!path.empty() && out.size() <= kPathSegmentsMax) {
    const size_t slash = path.find('/');
    out.push_back(PercentDecoded(path.substr(0, slash)));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return out;
}

class AdminHandler final : public http::Handler {
 public:
  explicit AdminHandler(const MailServices& services) : services_(services) {}

  // Logs every call with who made it: the principal (or the name claimed when refused) and
  // the API key's name when one was used; never a secret.
  Task<http::Response> Handle(http::Request request) override {
    HttpLogin login = co_await AuthenticateHttp(services_.directory->authenticator.get(), request,
                                                std::string(kRealm));
    http::Response r = std::move(login.refused);
    std::string who = login.claimed;
    if (login.who) {
      who = login.who->name;
      if (!login.who->is_admin) r = http::JsonError(403, "administrators only");
    }
    if (login.who && login.who->is_admin) {
      Call call{request.method == "HEAD" ? "GET" : request.method, Segments(request.path), &request,
                &services_, services_.stores->metadata.get()};
      r = co_await Dispatch(std::move(call));
    }
    const std::string key = login.who && !login.who->api_key.empty() ? login.who->api_key : "-";
    Log(r.status < 400 ? LogLevel::kInfo : LogLevel::kWarn, "admin_api", "user",
        who.empty() ? std::string("-") : who, "api_key", key, "peer", request.peer.ToString(),
        "method", request.method, "path", request.path, "status", r.status);
    co_return r;
  }

 private:
  Task<http::Response> Dispatch(Call call);
  Task<http::Response> Status();

  MailServices services_;
};

Task<http::Response> AdminHandler::Dispatch(Call call) {
  const std::string family = call.path.empty() ? "" : call.path.front();
  const bool directory_data =
      family == "accounts" || (family == "domains" && call.path.size() != 3);
  if (directory_data && services_.config->directory.type != "internal") {
    co_return http::JsonError(409, "the " + services_.config->directory.type +
                                       " directory is managed where it lives, not here");
  }
  std::optional<http::Response> r;
  if (family == "status" && call.path.size() == 1 && call.method == "GET") {
    r = co_await Status();
  } else if (family == "accounts") {
    r = co_await admin_api::Accounts(std::move(call));
  } else if (family == "domains") {
    r = co_await admin_api::Domains(std::move(call));
  } else if (family == "queue") {
    r = co_await admin_api::Queue(std::move(call));
  }
  if (!r) co_return http::JsonError(404, "no such endpoint");
  co_return std::move(*r);
}

Task<http::Response> AdminHandler::Status() {
  const Config& config = *services_.config;
  MetadataStore* store = services_.stores->metadata.get();
  Result<std::vector<std::string>> domains = co_await store->ListDomains();
  if (!domains) co_return admin_api::ErrorResponse(domains.error());
  Result<std::vector<AccountRecord>> accounts = co_await store->ListAccounts();
  if (!accounts) co_return admin_api::ErrorResponse(accounts.error());
  std::string body;
  JsonWriter w(&body);
  w.BeginObject().Key("version").String(kVersion).Key("commit").String(kGitCommit);
  w.Key("hostname").String(config.hostname).Key("listeners").BeginArray();
  for (size_t i = 0; i < config.listeners.size(); ++i) {
    const ListenerConfig& l = config.listeners[i];
    w.BeginObject().Key("name").String(l.name).Key("protocol").String(ProtocolName(l.protocol));
    w.Key("tls").String(TlsModeName(l.tls));
    w.Key("port").Uint(services_.ports != nullptr ? services_.ports->Get(i) : l.bind[0].port());
    w.EndObject();
  }
  w.EndArray().Key("domains").Uint(domains->size()).Key("accounts").Uint(accounts->size());
  w.Key("queue").Bool(services_.outbound != nullptr).EndObject();
  co_return Json(200, std::move(body));
}

}  // namespace

std::unique_ptr<http::Handler> AddAdminRoutes(http::Router* router, const MailServices& services) {
  auto handler = std::make_unique<AdminHandler>(services);
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    router->Add(method, "/api/", handler.get());
  }
  return handler;
}

}  // namespace ringmail
