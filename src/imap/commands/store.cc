// STORE and UID STORE (RFC 9051 §6.4.6), UNCHANGEDSINCE and [MODIFIED] (RFC 7162 §3.1.3).
#include <algorithm>

#include "base/ascii.h"
#include "imap/client_flags.h"
#include "imap/session.h"

namespace ringmail::imap {

Task<void> Session::StoreFlags(Command c) {
  StoreArgs& args = std::get<StoreArgs>(c.args);
  if (selected_->read_only) {
    Tagged(c.tag, "NO", "[READ-ONLY] Mailbox is read-only");
    co_return;
  }
  FlagUpdate update;
  if (!ParseClientFlags(args.flags, /*ignore_recent=*/false, &update.flags)) {
    Tagged(c.tag, "BAD", "Invalid flag in STORE");
    co_return;
  }
  const std::vector<size_t> positions = Resolve(args.set, c.uid);
  const int64_t id = selected_->mailbox_id;
  update.mailbox_id = id;
  for (size_t p : positions) update.uids.push_back(shown().messages[p].uid);
  update.operation = args.mode == StoreMode::kAdd      ? FlagOperation::kAdd
                     : args.mode == StoreMode::kRemove ? FlagOperation::kRemove
                                                       : FlagOperation::kReplace;
  update.unchanged_since = args.unchanged_since;
  if (args.unchanged_since) condstore_ = true;
  FlagUpdateResult result;
  if (!update.uids.empty()) {
    Result<FlagUpdateResult> r = co_await services_->metadata->UpdateFlags(std::move(update));
    if (!r) {
      StoreFailure(c.tag, r.error());
      co_return;
    }
    result = std::move(*r);
  }
  std::vector<uint32_t> changed_uids;
  for (const MessageRecord& rec : result.changed) {
    ApplyRecord(rec);
    changed_uids.push_back(rec.uid);
  }
  if (!changed_uids.empty()) Notify(id);
  // FETCH responses for every message of the set (RFC 9051 §6.4.6), or, with .SILENT, only
  // for those whose modseq moved under CONDSTORE (RFC 7162 §3.2).
  for (size_t p : positions) {
    const uint32_t u = shown().messages[p].uid;
    const bool changed =
        std::find(changed_uids.begin(), changed_uids.end(), u) != changed_uids.end();
    const bool conflict =
        std::find(result.conflicts.begin(), result.conflicts.end(), u) != result.conflicts.end();
    if (conflict) continue;
    if (args.silent && !(changed && args.unchanged_since)) continue;
    WriteFlagsFetch(p, c.uid);
  }
  if (!result.conflicts.empty()) {
    std::vector<uint32_t> numbers;
    if (c.uid) {
      numbers = result.conflicts;
    } else {
      for (size_t p : positions) {
        const uint32_t u = shown().messages[p].uid;
        if (std::find(result.conflicts.begin(), result.conflicts.end(), u) !=
            result.conflicts.end()) {
          numbers.push_back(static_cast<uint32_t>(p + 1));
        }
      }
    }
    std::sort(numbers.begin(), numbers.end());
    Tagged(c.tag, "OK", "[MODIFIED " + CompactUidSet(numbers) + "] Conditional STORE failed");
    co_return;
  }
  Tagged(c.tag, "OK", c.uid ? "UID STORE completed" : "STORE completed");
}

}  // namespace ringmail::imap
