// The methods over blobs (RFC 8620 §6, RFC 8621 §4.7-4.9): Email/import (email_import.cc),
// Email/parse (email_parse.cc), Email/copy and Blob/copy (blob_copy.cc). Every blob they read
// goes through ReadAccountBlob (blob_access.h); every message they store goes through
// DeliverMessage (store/delivery.h), as IMAP APPEND's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/json_writer.h"
#include "jmap/method.h"
#include "store/metadata_store.h"

namespace ringmail::jmap {

void RegisterBlobMethods(MethodTable* table);

Task<MethodResponse> EmailImport(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> EmailParse(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> EmailCopy(CallContext& context, simdjson::dom::object arguments);
Task<MethodResponse> BlobCopy(CallContext& context, simdjson::dom::object arguments);

// Messages (RFC 5322 bytes) one import may store; Email/parse's blobs per call.
inline constexpr size_t kImportsPerCallMax = 100;
inline constexpr size_t kParsesPerCallMax = 100;

// A SetError (RFC 8620 §5.3) as JSON.
void WriteBlobSetError(JsonWriter& w, std::string_view type, std::string_view description,
                       const std::vector<std::string>& properties = {});

// Closes the JSON object `out` (written up to its last member, closing brace included) with
// one more member, `"name":object`, where an empty object `{}` is written null (RFC 8620's
// created/notCreated/copied/... are null when empty).
void AppendObjectOrNull(std::string& out, std::string_view name, const std::string& object);

// Stores `message` for the account in each mailbox of `targets` (flags per mailbox) as IMAP
// APPEND does (DeliverMessage, the summary FETCH and Email/get read), received at
// `received_at`. Returns the placements (one email). kLimitExceeded over quota.
Task<Result<std::vector<PlacedMessage>>> StoreAccountMessage(
    const CallContext& context, std::string message, std::vector<DeliveryRequest::Target> targets,
    int64_t received_at);

}  // namespace ringmail::jmap
