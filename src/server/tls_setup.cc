#include "server/tls_setup.h"

#include <sys/stat.h>

#include <string>

#include "base/check.h"
#include "base/log.h"

namespace ringmail {
namespace {

std::vector<TlsCertificateSpec> SpecsOf(const Config& config) {
  std::vector<TlsCertificateSpec> specs;
  for (const TlsCertificateConfig& c : config.tls) {
    TlsCertificateSpec s;
    s.where = config.path + ":" + std::to_string(c.line) + ": " +
              (c.name.empty() ? std::string("[tls]") : "[tls." + c.name + "]");
    s.certificate = c.certificate;
    s.private_key = c.private_key;
    s.domains = c.domains;
    specs.push_back(std::move(s));
  }
  return specs;
}

bool SameTime(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

}  // namespace

Result<std::unique_ptr<TlsContextHolder>> TlsContextHolder::Create(const Config& config) {
  CHECK(!config.tls.empty());
  std::unique_ptr<TlsContextHolder> holder(new TlsContextHolder());
  holder->specs_ = SpecsOf(config);
  holder->mtimes_ = holder->ModificationTimes();
  holder->current_.store(TRY(TlsServerContext::Create(holder->specs_)));
  return holder;
}

std::vector<struct timespec> TlsContextHolder::ModificationTimes() const {
  std::vector<struct timespec> times;
  for (const TlsCertificateSpec& s : specs_) {
    for (const std::string* path : {&s.certificate, &s.private_key}) {
      struct stat st {};
      times.push_back(stat(path->c_str(), &st) == 0 ? st.st_mtim : timespec{});
    }
  }
  return times;
}

void TlsContextHolder::Reload(std::string_view why) {
  // Taken before reading, so a file written during the reload is seen by the next check.
  std::vector<struct timespec> times = ModificationTimes();
  Result<std::shared_ptr<const TlsServerContext>> next = TlsServerContext::Create(specs_);
  mtimes_ = std::move(times);
  if (!next) {
    Log(LogLevel::kError, "tls_reload_failed", "why", why, "error", next.error().message, "keeping",
        "the previous certificates");
    return;
  }
  current_.store(std::move(*next));
  Log(LogLevel::kInfo, "tls_reloaded", "why", why, "certificates", specs_.size());
}

void TlsContextHolder::ReloadIfChanged() {
  std::vector<struct timespec> times = ModificationTimes();
  for (size_t i = 0; i < times.size(); ++i) {
    if (!SameTime(times[i], mtimes_[i])) {
      Reload("certificate files changed");
      return;
    }
  }
}

}  // namespace ringmail
