// `account list`, `account show NAME`, and the formatting helpers the commands share.
#include <cstdio>
#include <string>

#include "directory/address.h"
#include "server/cli_commands.h"
#include "server/server.h"

namespace ringmail::cli {
namespace {

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out.empty() ? "-" : out;
}

void PrintAccount(const AccountRecord& a) {
  std::printf("%s\n", a.name.c_str());
  std::printf("  type:        %s%s\n", a.type.c_str(), a.active ? "" : " (inactive)");
  std::printf("  role:        %s\n", a.role.c_str());
  if (!a.description.empty()) std::printf("  description: %s\n", a.description.c_str());
  std::printf("  emails:      %s\n", Joined(a.emails).c_str());
  std::printf("  member of:   %s\n", Joined(a.member_of).c_str());
  std::printf("  password:    %s\n", a.secret.empty() ? "none (cannot log in)" : "set");
  std::printf("  usage:       %llu messages, %llu bytes of %s\n",
              static_cast<unsigned long long>(a.used_messages),
              static_cast<unsigned long long>(a.used_bytes),
              a.quota_bytes == 0 ? "unlimited" : std::to_string(a.quota_bytes).c_str());
  std::printf("  msg quota:   %s\n",
              a.quota_messages == 0 ? "unlimited" : std::to_string(a.quota_messages).c_str());
}

}  // namespace

std::string DomainForDisplay(const std::string& domain) {
  Result<std::string> unicode = DomainToUnicode(domain);
  if (!unicode || *unicode == domain) return domain;
  return domain + " (" + *unicode + ")";
}

Task<int> AccountShow(MetadataStore* store, Args args) {
  const bool show = args.positional[1] == "show";
  if (args.positional.size() != (show ? 3u : 2u)) {
    co_return Usage(show ? "account show NAME" : "account list");
  }
  if (show) {
    Result<AccountRecord> a = co_await store->GetAccount(args.positional[2]);
    if (!a) co_return Refused(a.error());
    PrintAccount(*a);
    co_return kExitOk;
  }
  Result<std::vector<AccountRecord>> all = co_await store->ListAccounts();
  if (!all) co_return Refused(all.error());
  for (const AccountRecord& a : *all) {
    std::printf("%-24s %-10s %-8s %s\n", a.name.c_str(), a.type.c_str(),
                a.active ? "active" : "inactive", Joined(a.emails).c_str());
  }
  co_return kExitOk;
}

}  // namespace ringmail::cli
