// LoadChanges' backend-independent half (metadata_rules.h): the request's checks, and the
// folding of `changes` rows into created / updated / destroyed lists.
#include <algorithm>
#include <map>

#include "store/metadata_rules.h"

namespace ringmail {
namespace {

// What the folded rows say about one object. Only 'created' and 'destroyed' rows decide: an
// email hidden by \Deleted is destroyed for JMAP and created again when it loses the flag
// (docs/storage.md "Modification sequences"), and may be updated while hidden, so its first
// row need not tell whether the client's state knew it.
struct Fate {
  bool decided = false;    // a created or destroyed row was seen
  bool created = false;    // its first such row in the window is a creation
  bool destroyed = false;  // its last such row in the window is a destruction
};

}  // namespace

Result<void> ValidateChangesRequest(std::string_view object_type, size_t max) {
  if (object_type != "mailbox" && object_type != "email" && object_type != "thread") {
    return MakeError(ErrorCode::kInvalidArgument,
                     "no change history for '" + std::string(object_type) + "'");
  }
  if (max == 0 || max > kChangesMax) {
    return MakeError(ErrorCode::kInvalidArgument, "max must be 1.." + std::to_string(kChangesMax));
  }
  return {};
}

ChangesResult FoldChanges(std::span<const ChangeRow> rows, bool complete, uint64_t since,
                          size_t max, uint64_t highest_modseq) {
  ChangesResult out;
  if (since > highest_modseq) {
    out.cannot_calculate = true;
    return out;
  }
  std::map<int64_t, Fate> fates;
  uint64_t folded_to = since;
  size_t i = 0;
  while (i < rows.size()) {
    size_t end = i;
    size_t fresh = 0;
    while (end < rows.size() && rows[end].modseq == rows[i].modseq) {
      fresh += fates.contains(rows[end].object_id) ? 0 : 1;
      ++end;
    }
    if (fates.size() + fresh > max || (end == rows.size() && !complete)) {
      out.has_more_changes = true;
      break;
    }
    for (; i < end; ++i) {
      Fate& fate = fates[rows[i].object_id];
      if (rows[i].kind == 'u') continue;
      if (!fate.decided) fate.created = rows[i].kind == 'c';
      fate.decided = true;
      fate.destroyed = rows[i].kind == 'd';
    }
    folded_to = rows[end - 1].modseq;
  }
  if (out.has_more_changes && fates.empty()) {
    out.has_more_changes = false;
    out.cannot_calculate = true;
    return out;
  }
  out.new_state = out.has_more_changes ? folded_to : highest_modseq;
  for (const auto& [id, fate] : fates) {
    if (fate.created && fate.destroyed) continue;
    (fate.created ? out.created : fate.destroyed ? out.destroyed : out.updated).push_back(id);
  }
  return out;
}

}  // namespace ringmail
