#include "directory/principal.h"

#include <string>

#include "base/ascii.h"

namespace ringmail {

std::string_view PrincipalTypeName(PrincipalType type) {
  switch (type) {
    case PrincipalType::kIndividual: return "individual";
    case PrincipalType::kGroup: return "group";
    case PrincipalType::kList: return "list";
  }
  return "individual";
}

std::optional<PrincipalType> ParsePrincipalType(std::string_view name) {
  const std::string lower = AsciiLowerString(name);
  if (lower == "individual" || lower == "personal" || lower == "user") {
    return PrincipalType::kIndividual;
  }
  if (lower == "group") return PrincipalType::kGroup;
  if (lower == "list" || lower == "mailing-list") return PrincipalType::kList;
  return std::nullopt;
}

}  // namespace ringmail
