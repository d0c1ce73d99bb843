// The autoconfig routes (http_autoconfig.h): which domain a request is about, whether it is
// hosted here, and which file answers it.
#include "server/http_autoconfig.h"

#include "base/ascii.h"
#include "base/json_writer.h"
#include "base/log.h"
#include "directory/address.h"

namespace ringmail {
namespace {

constexpr size_t kPoxBodyMax = 16 * 1024;  // an autodiscover request is a few hundred bytes

// The request's host name without a port, lower-case.
std::string HostOf(const http::Request& request) {
  std::string host(request.Header("Host"));
  if (!host.empty() && host.front() != '[') host = host.substr(0, host.find(':'));
  for (char& c : host) c = AsciiLower(c);
  return host;
}

// The text between <tag> and </tag> (the POX request's EMailAddress); "" when absent.
std::string_view ElementText(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const size_t start = xml.find(open);
  if (start == std::string_view::npos) return {};
  const size_t end = xml.find(close, start + open.size());
  if (end == std::string_view::npos) return {};
  return xml.substr(start + open.size(), end - start - open.size());
}

class AutoconfigHandler final : public http::Handler {
 public:
  AutoconfigHandler(const Config* config, const ListenerPorts* ports, Directory* directory)
      : config_(config), ports_(ports), directory_(directory) {}

  Task<http::Response> Handle(http::Request request) override;

 private:
  // The normalized domain when the directory hosts it; nullopt otherwise (or when it
  // cannot tell: then the client retries later).
  Task<std::optional<std::string>> Hosted(std::string domain);
  // The normalized address when its domain is hosted here.
  Task<std::optional<std::string>> HostedAddress(std::string address);

  Task<http::Response> Thunderbird(http::Request request);
  Task<http::Response> OutlookPox(http::Request request);
  Task<http::Response> OutlookJson(http::Request request);
  Task<http::Response> MobileConfig(http::Request request);
  Task<http::Response> MtaSts(http::Request request);

  const Config* config_;
  const ListenerPorts* ports_;
  Directory* directory_;
};

Task<std::optional<std::string>> AutoconfigHandler::Hosted(std::string domain) {
  Result<std::string> normal = NormalizeMailDomain(domain);
  if (!normal) co_return std::nullopt;
  Result<bool> local = co_await directory_->IsLocalDomain(*normal);
  if (!local || !*local) co_return std::nullopt;
  co_return *normal;
}

Task<std::optional<std::string>> AutoconfigHandler::HostedAddress(std::string address) {
  Result<MailAddress> parsed = ParseMailAddress(address);
  if (!parsed) co_return std::nullopt;
  std::optional<std::string> domain = co_await Hosted(parsed->domain);
  if (!domain) co_return std::nullopt;
  co_return NormalizedAddress(*parsed);
}

http::Response NotHosted() { return http::Response::Text(404, "no such domain here\n"); }

Task<http::Response> AutoconfigHandler::Thunderbird(http::Request request) {
  std::string domain;
  const std::string address = request.QueryParam("emailaddress");
  if (!address.empty()) {
    Result<MailAddress> parsed = ParseMailAddress(address);
    if (!parsed) co_return NotHosted();
    domain = parsed->domain;
  } else {
    domain = HostOf(request);
    if (domain.starts_with("autoconfig.")) domain.erase(0, 11);
  }
  std::optional<std::string> hosted = co_await Hosted(domain);
  if (!hosted) co_return NotHosted();
  http::Response r;
  r.content_type = "application/xml; charset=utf-8";
  r.body = ThunderbirdConfig(EndpointsOf(*config_, ports_), *hosted);
  co_return r;
}

Task<http::Response> AutoconfigHandler::OutlookPox(http::Request request) {
  if (request.body.size() > kPoxBodyMax) co_return http::Response::Text(413, "too large\n");
  std::optional<std::string> address =
      co_await HostedAddress(std::string(ElementText(request.body, "EMailAddress")));
  if (!address) co_return NotHosted();
  http::Response r;
  r.content_type = "application/xml; charset=utf-8";
  r.body = OutlookPoxResponse(EndpointsOf(*config_, ports_), *address);
  co_return r;
}

// GET /autodiscover/autodiscover.json/v1.0/ADDRESS?Protocol=AutodiscoverV1: where the POX
// endpoint is. Other protocols (ActiveSync, EWS) are not served here.
Task<http::Response> AutoconfigHandler::OutlookJson(http::Request request) {
  constexpr std::string_view kPrefix = "/autodiscover/autodiscover.json/v1.0/";
  std::string address = request.path.substr(kPrefix.size());
  if (size_t at = address.find("%40"); at != std::string::npos) address.replace(at, 3, "@");
  std::string protocol = request.QueryParam("Protocol");
  if (protocol.empty()) protocol = request.QueryParam("protocol");
  const ClientEndpoints e = EndpointsOf(*config_, ports_);
  std::string body;
  JsonWriter w(&body);
  if (!EqualsIgnoreCase(protocol, "AutodiscoverV1") || e.autodiscover_url.empty()) {
    w.BeginObject().Key("ErrorCode").String("InvalidProtocol");
    w.Key("ErrorMessage").String("only AutodiscoverV1 is served here").EndObject();
    co_return http::Response::Json(400, std::move(body));
  }
  std::optional<std::string> hosted = co_await HostedAddress(std::move(address));
  if (!hosted) co_return NotHosted();
  w.BeginObject().Key("Protocol").String("AutodiscoverV1");
  w.Key("Url").String(e.autodiscover_url).EndObject();
  co_return http::Response::Json(200, std::move(body));
}

Task<http::Response> AutoconfigHandler::MobileConfig(http::Request request) {
  std::optional<std::string> address = co_await HostedAddress(request.QueryParam("emailaddress"));
  if (!address) co_return NotHosted();
  const ClientEndpoints e = EndpointsOf(*config_, ports_);
  if (!e.imap.offered || !e.submission.offered) {
    co_return http::Response::Text(404, "no IMAP and submission listeners to describe\n");
  }
  http::Response r;
  r.content_type = "application/x-apple-aspen-config";
  r.body = AppleMobileConfig(e, *address);
  r.With("Content-Disposition", "attachment; filename=\"mail.mobileconfig\"");
  co_return r;
}

// RFC 8461 §3.2: https://mta-sts.DOMAIN/.well-known/mta-sts.txt.
Task<http::Response> AutoconfigHandler::MtaSts(http::Request request) {
  std::string host = HostOf(request);
  if (!host.starts_with("mta-sts.")) co_return NotHosted();
  std::optional<std::string> hosted = co_await Hosted(host.substr(8));
  if (!hosted) co_return NotHosted();
  http::Response r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = MtaStsPolicy(config_->http, config_->hostname);
  co_return r;
}

Task<http::Response> AutoconfigHandler::Handle(http::Request request) {
  const std::string path = AsciiLowerString(request.path);
  Log(LogLevel::kDebug, "http_autoconfig", "path", request.path, "peer", request.peer.ToString());
  http::Response r;
  if (path.ends_with("/config-v1.1.xml")) {
    r = co_await Thunderbird(std::move(request));
  } else if (path == "/autodiscover/autodiscover.xml") {
    r = co_await OutlookPox(std::move(request));
  } else if (path.starts_with("/autodiscover/autodiscover.json/")) {
    r = co_await OutlookJson(std::move(request));
  } else if (path == "/mobileconfig") {
    r = co_await MobileConfig(std::move(request));
  } else {
    r = co_await MtaSts(std::move(request));
  }
  co_return r;
}

}  // namespace

std::unique_ptr<http::Handler> AddAutoconfigRoutes(http::Router* router, const Config* config,
                                                   const ListenerPorts* ports,
                                                   Directory* directory) {
  auto handler = std::make_unique<AutoconfigHandler>(config, ports, directory);
  router->Add("GET", "/mail/config-v1.1.xml", handler.get());
  router->Add("GET", "/.well-known/autoconfig/mail/config-v1.1.xml", handler.get());
  router->Add("POST", "/autodiscover/autodiscover.xml", handler.get());
  router->Add("POST", "/Autodiscover/Autodiscover.xml", handler.get());
  router->Add("GET", "/autodiscover/autodiscover.json/v1.0/", handler.get());
  router->Add("GET", "/mobileconfig", handler.get());
  router->Add("GET", "/.well-known/mta-sts.txt", handler.get());
  return handler;
}

}  // namespace ringmail
