// Internal to the Mailbox methods (mailbox_*.cc): the account's mailboxes as JMAP sees them
// (RFC 8621 §2). The store keeps full '/'-separated paths; a JMAP mailbox is named by the
// part of its path below its nearest existing ancestor, which is its parentId. Roles are the
// special-use attributes in lower case ("\\Sent" is "sent"), INBOX is "inbox".
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_writer.h"
#include "jmap/method.h"
#include "store/metadata_store.h"

namespace ringmail::jmap {

inline constexpr size_t kMailboxNameMax = 255;  // bytes of one name (maxSizeMailboxName)

struct MailboxNode {
  MailboxRecord record;
  int64_t parent_id = 0;  // 0: top level
  std::string name;       // the path below the parent's
  std::string role;       // "" : none
};

// The account's state (its modseq, read first) and its mailboxes, in path order.
struct MailboxTree {
  uint64_t state = 0;
  std::vector<MailboxNode> nodes;
  const MailboxNode* Find(int64_t id) const;
  // Whether some mailbox lives below `path`.
  bool HasChild(std::string_view path) const;
};

Task<Result<MailboxTree>> LoadMailboxTree(CallContext* context);

// The JMAP role of a special-use attribute, and back ("" when none or unknown).
std::string RoleOf(const MailboxRecord& m);
std::string SpecialUseOf(std::string_view role);

// Writes the Mailbox object with `properties` (empty: all; "id" always).
void WriteMailbox(JsonWriter& w, const MailboxNode& node,
                  const std::vector<std::string>& properties);

// The account's current modseq (after a change).
Task<Result<uint64_t>> AccountState(CallContext* context);

// The Mailbox/* methods.
void RegisterMailboxMethods(MethodTable* table);
Task<MethodResponse> MailboxGet(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> MailboxChanges(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> MailboxQuery(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> MailboxQueryChanges(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> MailboxSet(CallContext& context, simdjson::dom::object arguments);

}  // namespace ringmail::jmap
