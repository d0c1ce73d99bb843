// EmailSubmission's recipients sorted by where they go: local addresses are delivered into
// their accounts' INBOXes here (as SMTP submission does), the rest through the outbound
// queue. Runs on the request's core; suspends on the directory and the stores.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "runtime/task.h"

namespace ringmail {
struct MailServices;
}

namespace ringmail::jmap {

struct RecipientSplit {
  std::vector<int64_t> inboxes;      // the INBOXes of the local recipients, each once
  std::vector<std::string> local;    // the local recipients' addresses
  std::vector<std::string> remote;   // addresses of domains that are not ours
  std::vector<std::string> unknown;  // addresses of our domains that nobody (active) has
};

// Resolves each address with the directory's recipient rules (aliases, groups, catch-alls,
// subaddresses: directory/recipients.h).
Task<Result<RecipientSplit>> SplitRecipients(const MailServices* services,
                                             std::vector<std::string> rcpt_to);

// One delivery of `message` into `inboxes` (not empty), watchers woken.
Task<Result<void>> DeliverToInboxes(const MailServices* services, std::string message,
                                    std::vector<int64_t> inboxes);

}  // namespace ringmail::jmap
