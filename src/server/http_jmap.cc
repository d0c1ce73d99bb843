// The JMAP endpoints' front (http_jmap.h): authentication, the session resource, the API
// endpoint with its concurrency limit; push in http_jmap_push.cc, downloads in
// http_jmap_download.cc.
#include "server/http_jmap.h"

#include <cstdlib>

#include "base/log.h"
#include "http/auth.h"
#include "jmap/api.h"
#include "jmap/blob_methods.h"
#include "jmap/email_methods.h"
#include "jmap/ids.h"
#include "jmap/mailbox_tree.h"
#include "jmap/session.h"
#include "jmap/submission_methods.h"
#include "server/http_jmap_internal.h"
#include "server/http_login.h"
#include "server/login_cache.h"

namespace ringmail {
namespace {

constexpr std::string_view kRealm = "ringmail jmap";

// Requests in flight per account on this node, across listeners and cores.
jmap::ConcurrencyGate& RequestGate() {
  static jmap::ConcurrencyGate gate;
  return gate;
}

// The Host field when it is a plain host[:port] (no injection into the URLs we build).
bool SafeHost(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' &&
        c != '[' && c != ']') {
      return false;
    }
  }
  return true;
}

// [jmap]'s limits, with the request and upload sizes no larger than the HTTP listener takes
// ([http] body-size-max bounds every request body, streamed uploads included): what is
// advertised is what a client can send.
jmap::Limits EffectiveLimits(const Config& config) {
  jmap::Limits limits = config.jmap;
  limits.max_size_request = std::min(limits.max_size_request, config.http.body_size_max);
  limits.max_size_upload = std::min(limits.max_size_upload, config.http.body_size_max);
  return limits;
}

// Where uploads too large for memory are spooled: the blob directory's tmp/ when blobs are
// files (the same file system as the objects), else $TMPDIR or /var/tmp.
std::string SpoolDir(const Config& config) {
  constexpr std::string_view kFile = "file://";
  if (config.storage.blobs.starts_with(kFile)) {
    return config.storage.blobs.substr(kFile.size()) + "/tmp";
  }
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? std::string(tmp) : std::string("/var/tmp");
}

class JmapHandler final : public http::Handler {
 public:
  explicit JmapHandler(const MailServices& services)
      : services_(services),
        limits_(EffectiveLimits(*services.config)),
        spool_dir_(SpoolDir(*services.config)) {
    jmap::RegisterCoreMethods(&table_);
    jmap::RegisterMailboxMethods(&table_);
    jmap::RegisterEmailMethods(&table_);
    jmap::RegisterBlobMethods(&table_);
    jmap::RegisterSubmissionMethods(&table_);
  }

  Task<http::Response> Handle(http::Request request) override {
    if (request.path == "/.well-known/jmap") {
      http::Response r = http::Response::Text(307, "see /jmap/session\n");
      r.With("Location", std::string(jmap::kSessionPath));
      co_return r;
    }
    jmap_http::User user;
    http::Response r = co_await Authenticate(request, &user);
    if (r.status == 200) r = co_await Dispatch(std::move(request), std::move(user));
    co_return r;
  }

  // Uploads stream their bodies; every other request arrives whole.
  bool StreamsBody(const http::Request& request) const override {
    return request.method == "POST" && request.path.starts_with(jmap::kUploadPath);
  }

 private:
  Task<http::Response> Authenticate(const http::Request& request, jmap_http::User* user);
  Task<http::Response> Dispatch(http::Request request, jmap_http::User user);
  Task<http::Response> Api(http::Request request, jmap_http::User user);

  std::string BaseUrl(const http::Request& request) const {
    const std::string_view host = request.Header("Host");
    return std::string(request.encrypted ? "https://" : "http://") +
           (SafeHost(host) ? std::string(host) : services_.config->hostname);
  }

  MailServices services_;
  jmap::MethodTable table_;
  jmap::Limits limits_;
  std::string spool_dir_;
};

Task<http::Response> JmapHandler::Authenticate(const http::Request& request,
                                               jmap_http::User* user) {
  // A Basic login verified lately is answered from this core's cache (server/login_cache.h);
  // API keys are not cached: their check is one indexed read, and a revoked key fails at once.
  std::optional<http::BasicCredentials> basic = http::ParseBasic(request.Header("Authorization"));
  LoginCache& cache = LoginCache::ForThisCore(
      std::chrono::seconds(services_.config->authentication.login_cache_ttl_s));
  if (basic) {
    if (std::optional<CachedLogin> hit =
            cache.Find(basic->user, basic->password, request.encrypted, LoginCache::Clock::now())) {
      user->name = std::move(hit->name);
      user->account_id = hit->account_id;
      co_return http::Response{};
    }
  }
  HttpLogin login = co_await AuthenticateHttp(services_.directory->authenticator.get(), request,
                                              std::string(kRealm));
  if (!login.who) co_return std::move(login.refused);
  const AuthenticatedPrincipal& result = *login.who;
  Result<AccountRecord> account = co_await services_.stores->metadata->GetAccount(result.name);
  if (!account) {
    if (account.error().code == ErrorCode::kNotFound) {
      co_return http::JsonError(403, "this user has no mail account");
    }
    co_return http::JsonError(503, account.error().message);
  }
  user->name = result.name;
  user->account_id = account->id;
  if (basic && result.api_key.empty()) {
    cache.Remember(basic->user, basic->password, request.encrypted, {user->name, user->account_id},
                   LoginCache::Clock::now());
  }
  http::Response ok;
  co_return ok;
}

Task<http::Response> JmapHandler::Dispatch(http::Request request, jmap_http::User user) {
  const std::string_view path = request.path;
  if (path == jmap::kSessionPath && request.method != "POST") {
    const jmap::SessionUser who{user.name, user.account_id};
    co_return http::Response::Json(200, jmap::SessionJson(who, limits_, BaseUrl(request)));
  }
  if (path.starts_with("/jmap/api") && request.method == "POST") {
    http::Response r = co_await Api(std::move(request), std::move(user));
    co_return r;
  }
  if (path.starts_with(jmap::kEventSourcePath.substr(0, 16))) {
    http::Response r = co_await jmap_http::EventSource(services_, std::move(request), user);
    co_return r;
  }
  if (path.starts_with(jmap::kUploadPath) && request.method == "POST") {
    jmap_http::UploadSettings settings;  // not braced in the co_await (GCC 12)
    settings.limits = limits_;
    settings.spool_dir = spool_dir_;
    http::Response r =
        co_await jmap_http::Upload(services_, std::move(settings), std::move(request), user);
    co_return r;
  }
  if (path.starts_with(jmap::kDownloadPath)) {
    http::Response r = co_await jmap_http::Download(services_, std::move(request), user);
    co_return r;
  }
  co_return http::JsonError(404, "no such endpoint");
}

Task<http::Response> JmapHandler::Api(http::Request request, jmap_http::User user) {
  const jmap::GateSlot slot(&RequestGate(), user.account_id, limits_.max_concurrent_requests);
  if (!slot.held()) {
    jmap::ApiAnswer busy =
        jmap::RequestError("limit", "too many concurrent requests", "maxConcurrentRequests");
    co_return http::Response::Typed(busy.status, busy.content_type, std::move(busy.body));
  }
  jmap::CallContext context;
  context.services = &services_;
  context.account_id = user.account_id;
  context.account_name = user.name;
  context.jmap_account_id = jmap::AccountId(user.account_id);
  context.limits = &limits_;
  const std::string state = jmap::SessionState({user.name, user.account_id}, limits_);
  jmap::ApiAnswer answer =
      co_await jmap::ProcessRequest(&table_, &context, std::move(request.body), state);
  co_return http::Response::Typed(answer.status, answer.content_type, std::move(answer.body));
}

}  // namespace

std::unique_ptr<http::Handler> AddJmapRoutes(http::Router* router, const MailServices& services) {
  auto handler = std::make_unique<JmapHandler>(services);
  jmap_http::RegisterDownloadMetrics();
  router->Add("GET", "/.well-known/jmap", handler.get());
  router->Add("GET", std::string(jmap::kSessionPath), handler.get());
  router->Add("POST", "/jmap/api", handler.get());
  router->Add("POST", std::string(jmap::kApiPath), handler.get());
  router->Add("GET", "/jmap/eventsource", handler.get());
  router->Add("GET", std::string(jmap::kDownloadPath), handler.get());
  router->Add("POST", std::string(jmap::kUploadPath), handler.get());
  router->Add("GET", std::string(jmap::kEventSourcePath), handler.get());
  return handler;
}

}  // namespace ringmail
