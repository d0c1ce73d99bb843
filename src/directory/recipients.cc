#include "directory/recipients.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "directory/address.h"

namespace ringmail {
namespace {

// The owners of the first candidate address that has any: exact (unless `exact_asked`: it
// had none), without subaddress, catch-all. Leaves `matched` at the candidate that matched.
Task<Result<std::vector<std::string>>> FindOwners(Directory* directory, MailAddress address,
                                                  const RecipientRules* rules, bool exact_asked,
                                                  std::string* matched) {
  std::vector<std::string> candidates;
  if (!exact_asked) candidates.push_back(NormalizedAddress(address));
  if (std::optional<MailAddress> base = WithoutSubaddress(address, rules->subaddress_separators)) {
    candidates.push_back(NormalizedAddress(*base));
  }
  candidates.push_back(CatchAllAddress(address.domain));
  for (std::string& candidate : candidates) {
    Result<std::vector<std::string>> owners = co_await directory->FindAddress(candidate);
    if (!owners) co_return std::unexpected(owners.error());
    if (!owners->empty()) {
      *matched = std::move(candidate);
      co_return std::move(*owners);
    }
  }
  co_return std::vector<std::string>{};
}

// Expands `names` breadth-first into active individuals. `seen` holds every principal
// visited (cycles end there).
Task<Result<std::vector<Principal>>> Expand(Directory* directory, std::vector<std::string> names,
                                            const RecipientRules* rules) {
  std::vector<Principal> out;
  std::vector<std::string> seen;
  for (size_t depth = 0; !names.empty(); ++depth) {
    if (depth > rules->expansion_depth_max) {
      co_return MakeError(ErrorCode::kLimitExceeded, "groups nested too deep");
    }
    std::vector<std::string> next;
    for (std::string& name : names) {
      if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
      if (seen.size() >= rules->recipients_max) {
        co_return MakeError(ErrorCode::kLimitExceeded, "too many recipients behind one address");
      }
      seen.push_back(name);
      Result<Principal> p = co_await directory->FindPrincipal(name);
      if (!p && p.error().code == ErrorCode::kNotFound) continue;  // a dangling row
      if (!p) co_return std::unexpected(p.error());
      if (!p->active) continue;
      if (p->type == PrincipalType::kIndividual) {
        out.push_back(std::move(*p));
        continue;
      }
      Result<std::vector<std::string>> members = co_await directory->Members(p->name);
      if (!members) co_return std::unexpected(members.error());
      next.insert(next.end(), members->begin(), members->end());
    }
    names = std::move(next);
  }
  co_return out;
}

}  // namespace

Task<Result<ResolvedRecipient>> ResolveRecipient(Directory* directory, std::string address,
                                                 const RecipientRules* rules) {
  Result<MailAddress> parsed = ParseMailAddress(address);
  if (!parsed) co_return std::unexpected(parsed.error());
  ResolvedRecipient r;
  r.address = NormalizedAddress(*parsed);
  // Where a found address proves its domain local, the exact address is asked first: the
  // usual recipient then costs one lookup, not two.
  bool exact_asked = false;
  Result<std::vector<std::string>> owners = std::vector<std::string>{};
  if (directory->AddressesAreLocal()) {
    owners = co_await directory->FindAddress(r.address);
    if (!owners) co_return std::unexpected(owners.error());
    exact_asked = true;
  }
  if (owners->empty()) {
    Result<bool> local = co_await directory->IsLocalDomain(parsed->domain);
    if (!local) co_return std::unexpected(local.error());
    if (!*local) {
      r.status = RecipientStatus::kNotLocal;
      co_return r;
    }
    owners = co_await FindOwners(directory, *parsed, rules, exact_asked, &r.address);
    if (!owners) co_return std::unexpected(owners.error());
    if (owners->empty()) co_return r;  // kUnknown
  }
  Result<std::vector<Principal>> principals = co_await Expand(directory, std::move(*owners), rules);
  if (!principals) co_return std::unexpected(principals.error());
  r.status = principals->empty() ? RecipientStatus::kDisabled : RecipientStatus::kLocal;
  r.principals = std::move(*principals);
  co_return r;
}

}  // namespace ringmail
