#include "jmap/session.h"

#include "base/json_writer.h"
#include "jmap/ids.h"
#include "jmap/mailbox_tree.h"
#include "jmap/method.h"

namespace ringmail::jmap {
namespace {

// FNV-1a: stable across processes and nodes (std::hash is not promised to be).
uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void WriteCoreCapability(JsonWriter& w, const Limits& l) {
  w.BeginObject().Key("maxSizeUpload").Uint(l.max_size_upload);
  w.Key("maxConcurrentUpload").Uint(l.max_concurrent_upload);
  w.Key("maxSizeRequest").Uint(l.max_size_request);
  w.Key("maxConcurrentRequests").Uint(l.max_concurrent_requests);
  w.Key("maxCallsInRequest").Uint(l.max_calls_in_request);
  w.Key("maxObjectsInGet").Uint(l.max_objects_in_get);
  w.Key("maxObjectsInSet").Uint(l.max_objects_in_set);
  w.Key("collationAlgorithms").BeginArray().String("i;ascii-casemap").String("i;octet");
  w.EndArray().EndObject();
}

void WriteMailCapability(JsonWriter& w) {
  w.BeginObject().Key("maxMailboxesPerEmail").Null().Key("maxMailboxDepth").Null();
  w.Key("maxSizeMailboxName").Uint(kMailboxNameMax);
  w.Key("maxSizeAttachmentsPerEmail").Uint(50u << 20);
  // What Email/query sorts by (email_query.cc); anything else is unsupportedSort.
  w.Key("emailQuerySortOptions")
      .Strings({"receivedAt", "size", "from", "to", "subject", "sentAt", "hasKeyword",
                "allInThreadHaveKeyword", "someInThreadHaveKeyword"});
  w.Key("mayCreateTopLevelMailbox").Bool(true).EndObject();
}

// RFC 8621 §1.3.2: mail is sent at once (no delayed send); the extensions are what the queue
// passes on to the smarthost (docs/queue.md).
void WriteSubmissionCapability(JsonWriter& w) {
  w.BeginObject().Key("maxDelayedSend").Uint(0).Key("submissionExtensions").BeginObject();
  for (const char* ext : {"SIZE", "8BITMIME", "SMTPUTF8", "DSN", "REQUIRETLS"}) {
    w.Key(ext).BeginArray().EndArray();
  }
  w.EndObject().EndObject();
}

}  // namespace

std::string SessionState(const SessionUser& user, const Limits& l) {
  std::string key = user.username + '\n' + std::to_string(user.account_id);
  for (uint64_t n : {l.max_size_upload, uint64_t{l.max_concurrent_upload}, l.max_size_request,
                     uint64_t{l.max_concurrent_requests}, uint64_t{l.max_calls_in_request},
                     uint64_t{l.max_objects_in_get}, uint64_t{l.max_objects_in_set}}) {
    key += '\n' + std::to_string(n);
  }
  char hex[17];
  snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(Fnv1a(key)));
  return hex;
}

std::string SessionJson(const SessionUser& user, const Limits& limits, std::string_view base) {
  const std::string account = AccountId(user.account_id);
  const std::string b(base);
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("capabilities").BeginObject().Key(kCoreCapability);
  WriteCoreCapability(w, limits);
  w.Key(kMailCapability).BeginObject().EndObject();
  w.Key(kSubmissionCapability).BeginObject().EndObject();
  w.Key(kVacationCapability).BeginObject().EndObject().EndObject();
  w.Key("accounts").BeginObject().Key(account).BeginObject();
  w.Key("name").String(user.username).Key("isPersonal").Bool(true);
  w.Key("isReadOnly").Bool(false).Key("accountCapabilities").BeginObject();
  w.Key(kCoreCapability).BeginObject().EndObject().Key(kMailCapability);
  WriteMailCapability(w);
  w.Key(kSubmissionCapability);
  WriteSubmissionCapability(w);
  w.Key(kVacationCapability).BeginObject().EndObject();
  w.EndObject().EndObject().EndObject();
  w.Key("primaryAccounts").BeginObject().Key(kCoreCapability).String(account);
  w.Key(kMailCapability).String(account).Key(kSubmissionCapability).String(account);
  w.Key(kVacationCapability).String(account).EndObject();
  w.Key("username").String(user.username);
  w.Key("apiUrl").String(b + std::string(kApiPath));
  w.Key("downloadUrl")
      .String(b + std::string(kDownloadPath) + "{accountId}/{blobId}/{name}?accept={type}");
  w.Key("uploadUrl").String(b + std::string(kUploadPath) + "{accountId}/");
  w.Key("eventSourceUrl")
      .String(b + std::string(kEventSourcePath) +
              "?types={types}&closeafter={closeafter}&ping={ping}");
  w.Key("state").String(SessionState(user, limits)).EndObject();
  return out;
}

}  // namespace ringmail::jmap
