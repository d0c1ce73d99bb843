// Blob/copy (RFC 8620 §6.3) and Email/copy (RFC 8621 §4.7, RFC 8620 §5.4) between accounts,
// and RegisterBlobMethods. Every account here is personal, so the only account a request may
// copy from is its own: another fromAccountId is fromAccountNotFound (one answer for every
// account, existing or not). Blob/copy within the account copies what the account may read
// (blob_access.h); Email/copy within one account is invalidArguments, as RFC 8620 §5.4 asks
// (Email/set's mailboxIds adds an email to mailboxes).
#include "jmap/blob_access.h"
#include "jmap/blob_methods.h"
#include "jmap/email_args.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

// Reads fromAccountId: a method error unless it is the caller's own account.
std::optional<MethodResponse> CheckFromAccount(const CallContext& context, Args& args) {
  std::optional<std::string_view> from = args.String("fromAccountId");
  if (!from) args.Fail("'fromAccountId' must be an account id");
  if (!args.ok()) return InvalidArguments(args.error());
  if (*from != context.jmap_account_id) return MethodError("fromAccountNotFound");
  return std::nullopt;
}

}  // namespace

Task<MethodResponse> BlobCopy(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"fromAccountId", "accountId", "blobIds"});
  std::optional<std::vector<std::string>> blob_ids = args.Strings("blobIds");
  if (!blob_ids) args.Fail("'blobIds' must be an array of blob ids");
  if (std::optional<MethodResponse> refused = CheckFromAccount(context, args)) {
    co_return std::move(*refused);
  }
  if (blob_ids->size() > context.limits->max_objects_in_set) {
    co_return MethodError("requestTooLarge");
  }
  std::string copied, not_copied;
  JsonWriter cw(&copied), nw(&not_copied);
  cw.BeginObject();
  nw.BeginObject();
  for (const std::string& id : *blob_ids) {
    Result<std::string> bytes = co_await ReadAccountBlob(*context.services, context.account_id, id);
    if (!bytes && bytes.error().code != ErrorCode::kNotFound) {
      co_return StoreFailure(bytes.error());
    }
    if (bytes) {
      cw.Key(id).String(id);  // the same account: the blob is already there
    } else {
      nw.Key(id);
      WriteBlobSetError(nw, "blobNotFound", "no such blob");
    }
  }
  cw.EndObject();
  nw.EndObject();
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("fromAccountId").String(context.jmap_account_id);
  w.Key("accountId").String(context.jmap_account_id).EndObject();
  AppendObjectOrNull(out, "copied", copied);
  AppendObjectOrNull(out, "notCopied", not_copied);
  co_return MethodResponse{"Blob/copy", std::move(out)};
}

Task<MethodResponse> EmailCopy(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"fromAccountId", "ifFromInState", "accountId", "ifInState", "create",
             "onSuccessDestroyOriginal", "destroyFromIfInState"});
  if (std::optional<MethodResponse> refused = CheckFromAccount(context, args)) {
    co_return std::move(*refused);
  }
  co_return InvalidArguments(
      "'fromAccountId' must differ from 'accountId' (RFC 8620 §5.4); Email/set's mailboxIds "
      "adds an email to more mailboxes");
}

void RegisterBlobMethods(MethodTable* table) {
  table->Add("Email/import", kMailCapability, EmailImport);
  table->Add("Email/parse", kMailCapability, EmailParse);
  table->Add("Email/copy", kMailCapability, EmailCopy);
  table->Add("Blob/copy", kCoreCapability, BlobCopy);
}

}  // namespace ringmail::jmap
