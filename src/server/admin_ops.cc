#include "server/admin_ops.h"

#include <algorithm>
#include <ctime>

#include "directory/address.h"
#include "directory/secret.h"

namespace ringmail::admin {
namespace {

constexpr size_t kQueuePage = 500;  // messages per ListQueue call

// `list` with `add` appended (those not in it yet) and `remove` taken out.
std::vector<std::string> Edited(std::vector<std::string> list, const std::vector<std::string>& add,
                                const std::vector<std::string>& remove) {
  for (const std::string& a : add) {
    if (std::find(list.begin(), list.end(), a) == list.end()) list.push_back(a);
  }
  std::erase_if(list, [&](const std::string& x) {
    return std::find(remove.begin(), remove.end(), x) != remove.end();
  });
  return list;
}

}  // namespace

Result<std::string> DomainName(std::string_view given) { return NormalizeMailDomain(given); }

Task<Result<std::string>> AddDomain(MetadataStore* store, std::string domain) {
  Result<std::string> name = DomainName(domain);
  if (!name) co_return std::unexpected(name.error());
  Result<int64_t> id = co_await store->CreateDomain(*name);
  if (!id) co_return std::unexpected(id.error());
  co_return *name;
}

Task<Result<std::string>> RemoveDomain(MetadataStore* store, std::string domain) {
  Result<std::string> name = DomainName(domain);
  if (!name) co_return std::unexpected(name.error());
  Result<void> removed = co_await store->DeleteDomain(*name);
  if (!removed) co_return std::unexpected(removed.error());
  co_return *name;
}

Result<std::vector<std::string>> NormalizedEmails(const std::vector<std::string>& given) {
  std::vector<std::string> out;
  for (const std::string& e : given) {
    Result<std::string> normal = NormalizeAddressOrCatchAll(e);
    if (!normal) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "address '" + e + "': " + normal.error().message);
    }
    out.push_back(std::move(*normal));
  }
  return out;
}

Result<uint64_t> ParseCount(const std::string& text) {
  const bool digits = !text.empty() && text.size() <= 12 &&
                      text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "message quota '" + text + "': expected a number of messages");
  }
  return std::stoull(text);
}

Result<uint64_t> ParseBytes(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string suffix = text.substr(digits);
  int shift = -1;
  if (suffix.empty()) shift = 0;
  if (suffix == "K" || suffix == "k") shift = 10;
  if (suffix == "M") shift = 20;
  if (suffix == "G") shift = 30;
  if (suffix == "T") shift = 40;
  if (digits == 0 || digits > 12 || shift < 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "quota '" + text + "': expected bytes, optionally with K, M, G or T");
  }
  return std::stoull(text.substr(0, digits)) << shift;
}

Task<Result<std::string>> HashPassword(WorkerPool* workers, const Config* config,
                                       std::string password) {
  if (password.empty()) {
    co_return MakeError(ErrorCode::kInvalidArgument, "the password must not be empty");
  }
  const SecretScheme scheme = *ParseSecretSchemeName(config->authentication.password_scheme);
  Result<Result<std::string>> hashed =
      co_await workers->Run([&] { return HashSecret(password, scheme); });
  if (!hashed) co_return std::unexpected(hashed.error());
  co_return *hashed;
}

Task<Result<AccountRecord>> CreateAccount(MetadataStore* store, WorkerPool* workers,
                                          const Config* config, NewAccount account) {
  AccountRecord a;
  a.name = std::move(account.name);
  a.type = std::move(account.type);
  a.role = std::move(account.role);
  a.description = std::move(account.description);
  a.active = account.active;
  a.quota_bytes = account.quota_bytes;
  a.quota_messages = account.quota_messages;
  a.member_of = std::move(account.member_of);
  Result<std::vector<std::string>> emails = NormalizedEmails(account.emails);
  if (!emails) co_return std::unexpected(emails.error());
  a.emails = std::move(*emails);
  if (account.password) {
    Result<std::string> secret = co_await HashPassword(workers, config, *account.password);
    if (!secret) co_return std::unexpected(secret.error());
    a.secret = std::move(*secret);
  }
  Result<AccountRecord> created = co_await store->CreateAccount(std::move(a));
  co_return created;
}

Task<Result<AccountRecord>> UpdateAccount(MetadataStore* store, WorkerPool* workers,
                                          const Config* config, AccountChanges c) {
  Result<AccountRecord> current = co_await store->GetAccount(c.name);
  if (!current) co_return std::unexpected(current.error());
  AccountUpdate u;
  u.name = current->name;
  if (c.password) {
    Result<std::string> secret = co_await HashPassword(workers, config, *c.password);
    if (!secret) co_return std::unexpected(secret.error());
    u.secret = std::move(*secret);
  }
  Result<std::vector<std::string>> add = NormalizedEmails(c.add_emails);
  if (!add) co_return std::unexpected(add.error());
  Result<std::vector<std::string>> remove = NormalizedEmails(c.remove_emails);
  if (!remove) co_return std::unexpected(remove.error());
  std::vector<std::string> emails = current->emails;
  if (c.emails) {
    Result<std::vector<std::string>> replaced = NormalizedEmails(*c.emails);
    if (!replaced) co_return std::unexpected(replaced.error());
    emails = std::move(*replaced);
  }
  if (c.emails || !add->empty() || !remove->empty()) u.emails = Edited(emails, *add, *remove);
  if (!c.add_member_of.empty() || !c.remove_member_of.empty()) {
    u.member_of = Edited(current->member_of, c.add_member_of, c.remove_member_of);
  }
  u.quota_bytes = c.quota_bytes;
  u.quota_messages = c.quota_messages;
  u.description = std::move(c.description);
  u.active = c.active;
  u.role = std::move(c.role);
  Result<AccountRecord> updated = co_await store->UpdateAccount(std::move(u));
  co_return updated;
}

DnsRecordsInput DnsRecordsFor(const Config& config, std::string domain) {
  DnsRecordsInput in;
  in.domain = std::move(domain);
  in.hostname = config.hostname;
  in.smtp_mx = false;
  in.imaps_port = in.imap_port = in.submissions_port = in.submission_port = 0;
  for (const ListenerConfig& l : config.listeners) {
    const uint16_t port = l.bind.front().port();
    const bool implicit = l.tls == TlsMode::kImplicit;
    switch (l.protocol) {
      case Protocol::kImap: (implicit ? in.imaps_port : in.imap_port) = port; break;
      case Protocol::kSubmission:
        (implicit ? in.submissions_port : in.submission_port) = port;
        break;
      case Protocol::kSmtp: in.smtp_mx = true; break;
      case Protocol::kHttp:
        if (implicit) {
          in.jmap_port = port;
          in.autoconfig = true;
        }
        break;
      case Protocol::kRelay:
      case Protocol::kLmtp:
      case Protocol::kMetrics: break;
    }
  }
  return in;
}

Task<Result<std::vector<QueuedMessageRecord>>> ListQueue(MetadataStore* store) {
  std::vector<QueuedMessageRecord> all;
  int64_t after = 0;
  for (;;) {
    Result<std::vector<QueuedMessageRecord>> page = co_await store->ListQueue(after, kQueuePage);
    if (!page) co_return std::unexpected(page.error());
    const size_t n = page->size();
    for (QueuedMessageRecord& m : *page) all.push_back(std::move(m));
    if (n < kQueuePage) break;
    after = all.back().id;
  }
  co_return all;
}

Result<int64_t> ParseQueueId(const std::string& text) {
  char* end = nullptr;
  const long long id = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || id <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + text + "' is not a queued message id");
  }
  return static_cast<int64_t>(id);
}

Task<Result<size_t>> RetryQueue(MetadataStore* store, int64_t id) {
  Result<size_t> n = co_await store->RetryQueue(id, static_cast<int64_t>(std::time(nullptr)));
  co_return n;
}

const char* QueueStateName(QueueRecipientState s) {
  switch (s) {
    case QueueRecipientState::kPending: return "pending";
    case QueueRecipientState::kDelivered: return "delivered";
    case QueueRecipientState::kFailed: return "failed";
  }
  return "?";
}

}  // namespace ringmail::admin
