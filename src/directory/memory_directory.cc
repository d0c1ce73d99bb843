#include "directory/memory_directory.h"

#include <algorithm>

#include "directory/address.h"

namespace ringmail {
namespace {

std::unexpected<Error> Refuse(const std::string& name, const std::string& reason) {
  return MakeError(ErrorCode::kConfig, "principal '" + name + "': " + reason);
}

}  // namespace

Result<std::unique_ptr<MemoryDirectory>> MemoryDirectory::Create(
    const std::vector<MemoryPrincipalConfig>& principals, const std::vector<std::string>& domains) {
  std::unique_ptr<MemoryDirectory> d(new MemoryDirectory());
  for (const std::string& domain : domains) {
    Result<std::string> normal = NormalizeMailDomain(domain);
    if (!normal) return MakeError(ErrorCode::kConfig, "domain '" + domain + "': invalid");
    d->domains_.insert(*normal);
  }
  for (const MemoryPrincipalConfig& p : principals) TRY(d->Add(p));
  // Memberships are checked once every principal is known.
  for (const auto& [name, p] : d->principals_) {
    for (const std::string& group : p.member_of) {
      auto it = d->principals_.find(group);
      if (it == d->principals_.end() || it->second.type == PrincipalType::kIndividual ||
          group == name) {
        return Refuse(name, "member-of '" + group + "' is not a group or list");
      }
      d->members_[group].push_back(name);
    }
  }
  return d;
}

Result<void> MemoryDirectory::Add(const MemoryPrincipalConfig& config) {
  if (config.name.empty()) return Refuse(config.name, "name must not be empty");
  if (principals_.contains(config.name)) return Refuse(config.name, "listed twice");
  const std::optional<PrincipalType> type = ParsePrincipalType(config.type);
  if (!type) return Refuse(config.name, "unknown type '" + config.type + "'");
  Principal p;
  p.name = config.name;
  p.type = *type;
  p.secret = config.secret;
  p.description = config.description;
  p.active = config.active;
  p.quota_bytes = config.quota_bytes;
  p.member_of = config.member_of;
  std::sort(p.member_of.begin(), p.member_of.end());
  for (const std::string& email : config.emails) {
    Result<std::string> normal = NormalizeAddressOrCatchAll(email);
    if (!normal) return Refuse(config.name, "address '" + email + "': " + normal.error().message);
    std::vector<std::string>& owners = owners_[*normal];
    if (!owners.empty()) return Refuse(config.name, "address '" + email + "' is taken");
    owners.push_back(config.name);
    domains_.insert(normal->substr(normal->rfind('@') + 1));
    p.emails.push_back(*normal);
  }
  principals_.emplace(config.name, std::move(p));
  return {};
}

Task<Result<Principal>> MemoryDirectory::FindPrincipal(std::string name) {
  auto it = principals_.find(name);
  if (it == principals_.end()) co_return MakeError(ErrorCode::kNotFound, "no principal");
  co_return it->second;
}

Task<Result<std::vector<std::string>>> MemoryDirectory::FindAddress(std::string address) {
  auto it = owners_.find(address);
  co_return it == owners_.end() ? std::vector<std::string>{} : it->second;
}

Task<Result<std::vector<std::string>>> MemoryDirectory::Members(std::string name) {
  auto it = members_.find(name);
  co_return it == members_.end() ? std::vector<std::string>{} : it->second;
}

Task<Result<bool>> MemoryDirectory::IsLocalDomain(std::string domain) {
  co_return domains_.contains(domain);
}

}  // namespace ringmail
