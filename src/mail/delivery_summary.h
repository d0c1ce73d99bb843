// What a delivering protocol caches with a new email (store EmailSummary): its Message-ID,
// decoded Subject, and the IMAP ENVELOPE/BODYSTRUCTURE forms that FETCH reads instead of the
// bytes (docs/imap.md). Shared by SMTP/LMTP delivery and JMAP EmailSubmission's local copies.
// Pure; any core.
#pragma once

#include <string_view>

#include "store/metadata_store.h"

namespace ringmail {

EmailSummary DeliverySummary(std::string_view message);

}  // namespace ringmail
