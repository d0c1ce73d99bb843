// The `memory` directory: principals listed in the config file ([[directory.principal]]
// tables, docs/config.md), for tests and tiny setups. Built once at start, read-only after:
// every core may use it concurrently.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "directory/directory.h"

namespace ringmail {

// One [[directory.principal]] table as written (addresses not yet normalized).
struct MemoryPrincipalConfig {
  std::string name;
  std::string type = "individual";
  std::string secret;
  std::string description;
  bool active = true;
  uint64_t quota_bytes = 0;
  std::vector<std::string> emails;  // "local@domain" or "@domain" (catch-all); UTF-8 allowed
  std::vector<std::string> member_of;
  int line = 0;
};

class MemoryDirectory : public Directory {
 public:
  // Validates and indexes the principals. Local domains are `domains` plus the domains of
  // every address. kConfig "principal 'x': reason" for a bad type, address, duplicate name
  // or address, or a member_of naming no group or list.
  static Result<std::unique_ptr<MemoryDirectory>> Create(
      const std::vector<MemoryPrincipalConfig>& principals,
      const std::vector<std::string>& domains);

  Task<Result<Principal>> FindPrincipal(std::string name) override;
  Task<Result<std::vector<std::string>>> FindAddress(std::string address) override;
  Task<Result<std::vector<std::string>>> Members(std::string name) override;
  Task<Result<bool>> IsLocalDomain(std::string domain) override;

 private:
  MemoryDirectory() = default;
  Result<void> Add(const MemoryPrincipalConfig& config);

  std::map<std::string, Principal> principals_;
  std::map<std::string, std::vector<std::string>> owners_;   // address -> names
  std::map<std::string, std::vector<std::string>> members_;  // group -> names
  std::set<std::string> domains_;
};

}  // namespace ringmail
