// CreateEmails: Email/set create's store side. Each creation is read (ReadEmailDraft), its
// mailboxes resolved ("#k" from createdIds) and checked to be the account's, its blobs read
// through ReadAccountBlob (the one ownership check; a part's blob id "B<sha>_<n>" reads the
// message and decodes part n), composed (ComposeMessage) and delivered with DeliverMessage,
// the path IMAP APPEND takes, so the email is durable in both stores before `created` says so.
#include "jmap/email_create.h"

#include <sys/random.h>

#include <algorithm>
#include <charconv>
#include <ctime>

#include "base/json_writer.h"
#include "jmap/blob_access.h"
#include "jmap/email_args.h"
#include "jmap/ids.h"
#include "mime/header.h"
#include "mime/imap_forms.h"
#include "mime/message_parser.h"
#include "mime/transfer_decoding.h"
#include "server/protocol_setup.h"
#include "store/delivery.h"

namespace ringmail::jmap {
namespace {

void WriteCreateError(std::string* list, std::string_view key, const CreateError& e) {
  if (!list->empty()) list->push_back(',');
  JsonWriter w(list);
  w.Key(key).BeginObject().Key("type").String(e.type);
  if (!e.description.empty()) w.Key("description").String(e.description);
  if (!e.properties.empty()) w.Key("properties").Strings(e.properties);
  if (!e.not_found.empty()) w.Key("notFound").Strings(e.not_found);
  w.EndObject();
}

// The bytes a blob id stands for: a blob the account may read, or the decoded content of
// part n of one ("B<sha256>_<n>", jmap/email_body.h). kNotFound for anything else.
Task<Result<std::string>> ReadBlob(const CallContext& context, std::string id) {
  Result<std::string> bytes = co_await ReadAccountBlob(*context.services, context.account_id, id);
  const size_t underscore = id.rfind('_');
  if (bytes || bytes.error().code != ErrorCode::kNotFound || underscore == std::string::npos) {
    co_return bytes;
  }
  uint32_t part = 0;
  const char* end = id.data() + id.size();
  auto [p, ec] = std::from_chars(id.data() + underscore + 1, end, part);
  if (ec != std::errc() || p != end) co_return bytes;
  Result<std::string> whole =
      co_await ReadAccountBlob(*context.services, context.account_id, id.substr(0, underscore));
  if (!whole) co_return whole;
  const mime::ParsedMessage tree = mime::ParseMessage(*whole);
  if (part >= tree.parts.size() || tree[part].IsMultipart()) {
    co_return std::unexpected(Error{ErrorCode::kNotFound, "no such blob"});
  }
  co_return mime::DecodeTransferEncoding(tree[part].body.In(*whole), tree[part].transfer_encoding);
}

uint64_t Seed() {
  uint64_t v = 0;
  if (getrandom(&v, sizeof v, 0) != sizeof v) v = static_cast<uint64_t>(time(nullptr));
  return v;
}

struct CreateRun {
  CallContext& context;
  std::vector<int64_t> account_mailboxes;  // ascending
  CreateResults results;
};

// Creates one email; a CreateError for the client, a store error to abort.
Task<Result<std::optional<CreateError>>> CreateOne(CreateRun& run, std::string key,
                                                   simdjson::dom::element value) {
  CallContext& context = run.context;
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) {
    co_return CreateError{"invalidProperties", "an Email is an object", {}, {}};
  }
  std::expected<EmailDraft, CreateError> draft = ReadEmailDraft(object);
  if (!draft) co_return draft.error();
  DeliveryRequest request;
  for (const std::string& given : draft->mailbox_ids) {
    std::string id = given;
    if (id.starts_with("#")) {
      auto it = context.created_ids.find(id.substr(1));
      if (it != context.created_ids.end()) id = it->second;
    }
    std::optional<int64_t> n = ParseMailboxId(id);
    if (!n || !std::binary_search(run.account_mailboxes.begin(), run.account_mailboxes.end(), *n)) {
      co_return CreateError{"invalidProperties", "no such mailbox", {"mailboxIds/" + given}, {}};
    }
    if (std::none_of(request.targets.begin(), request.targets.end(),
                     [&](const DeliveryRequest::Target& t) { return t.mailbox_id == *n; })) {
      request.targets.push_back({*n, draft->flags});  // "#m" and its id may both be given
    }
  }
  std::map<std::string, std::string> blobs;
  CreateError missing{"blobNotFound", "", {}, {}};
  for (const std::string& id : DraftBlobIds(*draft)) {
    Result<std::string> bytes = co_await ReadBlob(context, id);
    if (!bytes && bytes.error().code == ErrorCode::kNotFound) {
      missing.not_found.push_back(id);
    } else if (!bytes) {
      co_return std::unexpected(bytes.error());
    } else {
      blobs.emplace(id, std::move(*bytes));
    }
  }
  if (!missing.not_found.empty()) co_return missing;
  ComposeOptions options;
  if (context.services->config != nullptr) options.hostname = context.services->config->hostname;
  options.now = static_cast<int64_t>(time(nullptr));
  options.seed = Seed();
  std::string message = ComposeMessage(*draft, blobs, options);
  blobs.clear();
  if (message.size() > kCreateSizeMax) {
    co_return CreateError{"tooLarge",
                          "the message would exceed " + std::to_string(kCreateSizeMax) + " bytes",
                          {},
                          {}};
  }
  request.received_at = draft->received_at.value_or(options.now);
  const std::string_view block(message.data(), mime::HeaderBlockSize(message));
  if (std::optional<std::string_view> id = mime::FindHeader(block, "Message-ID")) {
    request.summary.message_id = mime::Unfold(*id);
  }
  if (std::optional<std::string_view> subject = mime::FindHeader(block, "Subject")) {
    request.summary.subject = mime::DecodeHeaderValue(*subject);
  }
  mime::ImapForms forms = mime::MakeImapForms(message);  // IMAP FETCH reads these
  request.summary.envelope = std::move(forms.envelope);
  request.summary.bodystructure = std::move(forms.bodystructure);
  MetadataStore& store = *context.services->stores->metadata;
  Result<std::vector<PlacedMessage>> placed = co_await DeliverMessage(
      *context.services->stores->blobs, store, std::move(message), std::move(request));
  if (!placed && placed.error().code == ErrorCode::kLimitExceeded) {
    co_return CreateError{"overQuota", placed.error().message, {}, {}};
  }
  if (!placed) co_return std::unexpected(placed.error());
  for (const PlacedMessage& p : *placed) run.results.changed_mailboxes.push_back(p.mailbox_id);
  std::vector<int64_t> ids(1, placed->front().email_id);
  Result<std::vector<EmailRecord>> made = co_await store.LoadEmails(context.account_id, ids);
  if (!made) co_return std::unexpected(made.error());
  if (made->empty()) co_return std::unexpected(Error{ErrorCode::kInternal, "created email gone"});
  const EmailRecord& e = made->front();
  context.created_ids[key] = EmailId(e.id);
  std::string& list = run.results.created;
  if (!list.empty()) list.push_back(',');
  JsonWriter w(&list);
  w.Key(key).BeginObject().Key("id").String(EmailId(e.id)).Key("blobId").String(BlobId(e.blob));
  w.Key("threadId").String(ThreadId(e.thread_id)).Key("size").Uint(e.size).EndObject();
  co_return std::nullopt;
}

}  // namespace

Task<Result<CreateResults>> CreateEmails(CallContext& context, simdjson::dom::object create) {
  CreateRun run{context, {}, {}};
  Result<std::vector<MailboxRecord>> mailboxes =
      co_await context.services->stores->metadata->ListMailboxes(context.account_id);
  if (!mailboxes) co_return std::unexpected(mailboxes.error());
  for (const MailboxRecord& m : *mailboxes) run.account_mailboxes.push_back(m.id);
  std::sort(run.account_mailboxes.begin(), run.account_mailboxes.end());
  for (auto [key, value] : create) {
    Result<std::optional<CreateError>> one = co_await CreateOne(run, std::string(key), value);
    if (!one) co_return std::unexpected(one.error());
    if (*one) WriteCreateError(&run.results.not_created, key, **one);
  }
  co_return std::move(run.results);
}

}  // namespace ringmail::jmap
