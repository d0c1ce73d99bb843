// What a delivery caches with a new email (EmailSummary): the Message-ID and decoded Subject
// from the header, and the IMAP ENVELOPE and BODYSTRUCTURE that FETCH reads instead of the
// bytes. One function for every path that stores a message it was handed whole (SMTP local
// delivery, JMAP Email/import). Pure; any core.
#pragma once

#include <string_view>

#include "store/metadata_store.h"

namespace ringmail {

EmailSummary SummarizeMessage(std::string_view message);

}  // namespace ringmail
