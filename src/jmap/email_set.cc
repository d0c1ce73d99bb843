// Email/set (RFC 8621 §4.6): keywords and mailboxIds updates (whole or by patch), destroy.
// An update is up to three store operations (flags, new placements, removed placements), each
// its own transaction: new placements go first, so an email is never left in no mailbox.
// create builds a message from the Email object (jmap/email_create.h); creations run first
// (RFC 8620 §5.3), so update and destroy may name them as "#k".
#include <algorithm>
#include <set>

#include "base/json_writer.h"
#include "jmap/email_args.h"
#include "jmap/email_create.h"
#include "jmap/email_keywords.h"
#include "jmap/email_methods.h"
#include "jmap/ids.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

// A SetError (RFC 8620 §5.3).
struct SetError {
  std::string type;
  std::string description;
  std::vector<std::string> properties;
};

void WriteSetError(JsonWriter& w, const SetError& e) {
  w.BeginObject().Key("type").String(e.type);
  if (!e.description.empty()) w.Key("description").String(e.description);
  if (!e.properties.empty()) w.Key("properties").Strings(e.properties);
  w.EndObject();
}

// RFC 6901 unescaping of one path segment.
std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '~' && i + 1 < s.size() && (s[i + 1] == '0' || s[i + 1] == '1')) {
      out.push_back(s[i + 1] == '0' ? '~' : '/');
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// What an update asks for, applied to the email's current state.
struct Target {
  MessageFlags flags;
  std::set<int64_t> mailboxes;
};

// Applies one patch member; a SetError when it is not allowed.
std::optional<SetError> ApplyPatch(std::string_view key, simdjson::dom::element value, Target& t) {
  const SetError invalid{"invalidProperties", "", {std::string(key)}};
  if (key == "keywords") {
    simdjson::dom::object o;
    if (value.get_object().get(o) != simdjson::SUCCESS) return invalid;
    MessageFlags next;
    next.deleted = t.flags.deleted;
    for (auto [k, v] : o) {
      bool on = false;
      if (v.get_bool().get(on) != simdjson::SUCCESS || !on || !SetKeyword(next, k, true)) {
        return invalid;
      }
    }
    t.flags = std::move(next);
  } else if (key.starts_with("keywords/")) {
    const std::string keyword = Unescape(key.substr(9));
    bool on = false;
    if (!value.is_null() && (value.get_bool().get(on) != simdjson::SUCCESS || !on)) return invalid;
    if (!SetKeyword(t.flags, keyword, !value.is_null())) return invalid;
  } else if (key == "mailboxIds") {
    simdjson::dom::object o;
    if (value.get_object().get(o) != simdjson::SUCCESS) return invalid;
    t.mailboxes.clear();
    for (auto [k, v] : o) {
      bool on = false;
      std::optional<int64_t> id = ParseMailboxId(k);
      if (v.get_bool().get(on) != simdjson::SUCCESS || !on || !id) return invalid;
      t.mailboxes.insert(*id);
    }
  } else if (key.starts_with("mailboxIds/")) {
    std::optional<int64_t> id = ParseMailboxId(Unescape(key.substr(11)));
    bool on = false;
    if (!id || (!value.is_null() && (value.get_bool().get(on) != simdjson::SUCCESS || !on))) {
      return invalid;
    }
    if (value.is_null()) {
      t.mailboxes.erase(*id);
    } else {
      t.mailboxes.insert(*id);
    }
  } else {
    return invalid;
  }
  return std::nullopt;
}

struct SetCall {
  CallContext& context;
  std::vector<int64_t> account_mailboxes;  // ascending
  std::vector<int64_t> changed_mailboxes;
  uint64_t modseq = 0;
};

// Moves `email` to the target state. A SetError for a client mistake; a store error aborts.
Task<Result<std::optional<SetError>>> Apply(SetCall& call, EmailRecord email, Target target) {
  MetadataStore& store = *call.context.services->stores->metadata;
  if (target.mailboxes.empty()) {
    co_return SetError{"invalidProperties", "an email must be in a mailbox", {"mailboxIds"}};
  }
  for (int64_t id : target.mailboxes) {
    if (!std::binary_search(call.account_mailboxes.begin(), call.account_mailboxes.end(), id)) {
      co_return SetError{"invalidProperties", "no such mailbox", {"mailboxIds"}};
    }
  }
  if (!(target.flags == email.flags)) {
    FlagUpdate update;
    update.mailbox_id = email.placements.front().mailbox_id;
    update.uids.push_back(email.placements.front().uid);
    update.operation = FlagOperation::kReplace;
    update.flags = target.flags;
    Result<FlagUpdateResult> done = co_await store.UpdateFlags(std::move(update));
    if (!done && done.error().code == ErrorCode::kInvalidArgument) {
      co_return SetError{"invalidProperties", done.error().message, {"keywords"}};
    }
    if (!done) co_return std::unexpected(done.error());
    for (const EmailPlacement& p : email.placements) call.changed_mailboxes.push_back(p.mailbox_id);
    for (const MessageRecord& m : done->changed) call.modseq = std::max(call.modseq, m.modseq);
  }
  std::vector<int64_t> add;
  for (int64_t id : target.mailboxes) {
    if (std::none_of(email.placements.begin(), email.placements.end(),
                     [&](const EmailPlacement& p) { return p.mailbox_id == id; })) {
      add.push_back(id);
    }
  }
  if (!add.empty()) {
    Result<std::vector<PlacedMessage>> placed =
        co_await store.AddEmailPlacements(call.context.account_id, email.id, add);
    if (!placed) co_return std::unexpected(placed.error());
    for (const PlacedMessage& p : *placed) {
      call.changed_mailboxes.push_back(p.mailbox_id);
      call.modseq = std::max(call.modseq, p.modseq);
    }
  }
  for (const EmailPlacement& p : email.placements) {
    if (target.mailboxes.contains(p.mailbox_id)) continue;
    std::vector<uint32_t> uids(1, p.uid);
    Result<std::vector<uint32_t>> gone = co_await store.Expunge(p.mailbox_id, std::move(uids));
    if (!gone) co_return std::unexpected(gone.error());
    call.changed_mailboxes.push_back(p.mailbox_id);
  }
  co_return std::nullopt;
}

// The account's visible email `id`, or nullopt.
Task<Result<std::optional<EmailRecord>>> FindEmail(const CallContext& context,
                                                   std::string_view id) {
  if (id.starts_with("#")) {  // a creation of this request (RFC 8620 §5.3)
    auto it = context.created_ids.find(id.substr(1));
    if (it != context.created_ids.end()) id = it->second;
  }
  std::optional<int64_t> n = ParseEmailId(id);
  if (!n) co_return std::optional<EmailRecord>();
  std::vector<int64_t> ids(1, *n);
  Result<std::vector<EmailRecord>> found =
      co_await context.services->stores->metadata->LoadEmails(context.account_id, std::move(ids));
  if (!found) co_return std::unexpected(found.error());
  if (found->empty() || found->front().flags.deleted) co_return std::optional<EmailRecord>();
  co_return std::optional<EmailRecord>(std::move(found->front()));
}

// Destroys the email: every placement expunged (the last takes the email with it).
Task<Result<void>> Destroy(SetCall& call, EmailRecord email) {
  for (const EmailPlacement& p : email.placements) {
    std::vector<uint32_t> uids(1, p.uid);
    Result<std::vector<uint32_t>> gone =
        co_await call.context.services->stores->metadata->Expunge(p.mailbox_id, std::move(uids));
    if (!gone) co_return std::unexpected(gone.error());
    call.changed_mailboxes.push_back(p.mailbox_id);
  }
  co_return Result<void>();
}

// Writes "updated"/"notUpdated" for every update of `update`.
Task<Result<void>> Updates(SetCall& call, simdjson::dom::object update, JsonWriter& done,
                           JsonWriter& failed) {
  for (auto [id, patch] : update) {
    const std::string key(id);
    Result<std::optional<EmailRecord>> email = co_await FindEmail(call.context, key);
    if (!email) co_return std::unexpected(email.error());
    simdjson::dom::object members;
    std::optional<SetError> error;
    if (!*email) {
      error = SetError{"notFound", "", {}};
    } else if (patch.get_object().get(members) != simdjson::SUCCESS) {
      error = SetError{"invalidPatch", "a patch is an object", {}};
    }
    Target target;
    if (!error) {
      target.flags = (*email)->flags;
      for (const EmailPlacement& p : (*email)->placements) target.mailboxes.insert(p.mailbox_id);
      for (auto [k, v] : members) {
        if (!error) error = ApplyPatch(k, v, target);
      }
    }
    if (!error) {
      Result<std::optional<SetError>> applied =
          co_await Apply(call, std::move(**email), std::move(target));
      if (!applied) co_return std::unexpected(applied.error());
      error = std::move(*applied);
    }
    if (error) {
      failed.Key(key);
      WriteSetError(failed, *error);
    } else {
      done.Key(key).Null();
    }
  }
  co_return Result<void>();
}

}  // namespace

Task<MethodResponse> EmailSet(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  args.Only({"accountId", "ifInState", "create", "update", "destroy"});
  std::optional<std::string_view> if_in_state = args.String("ifInState");
  std::optional<std::vector<std::string>> destroy = args.Strings("destroy");
  simdjson::dom::object create, update;
  std::optional<simdjson::dom::element> c = args.Get("create"), u = args.Get("update");
  if (c && c->get_object().get(create) != simdjson::SUCCESS)
    args.Fail("'create' must be an object");
  if (u && u->get_object().get(update) != simdjson::SUCCESS)
    args.Fail("'update' must be an object");
  if (!args.ok()) co_return InvalidArguments(args.error());
  const size_t operations =
      (c ? create.size() : 0) + (u ? update.size() : 0) + (destroy ? destroy->size() : 0);
  if (operations > context.limits->max_objects_in_set) co_return MethodError("requestTooLarge");
  Result<std::string> old_state = co_await EmailState(context);
  if (!old_state) co_return StoreFailure(old_state.error());
  if (if_in_state && *if_in_state != *old_state) co_return MethodError("stateMismatch");
  SetCall call{context, {}, {}, 0};
  Result<std::vector<MailboxRecord>> mailboxes =
      co_await context.services->stores->metadata->ListMailboxes(context.account_id);
  if (!mailboxes) co_return StoreFailure(mailboxes.error());
  for (const MailboxRecord& m : *mailboxes) call.account_mailboxes.push_back(m.id);
  std::sort(call.account_mailboxes.begin(), call.account_mailboxes.end());

  CreateResults creations;
  if (c) {
    Result<CreateResults> made = co_await CreateEmails(context, create);
    if (!made) co_return StoreFailure(made.error());
    creations = std::move(*made);
    call.changed_mailboxes = creations.changed_mailboxes;
  }
  std::string updated, not_updated, destroyed, not_destroyed;
  JsonWriter uw(&updated), nuw(&not_updated), dw(&destroyed), ndw(&not_destroyed);
  uw.BeginObject();
  nuw.BeginObject();
  if (u) {
    Result<void> done = co_await Updates(call, update, uw, nuw);
    if (!done) co_return StoreFailure(done.error());
  }
  uw.EndObject();
  nuw.EndObject();
  dw.BeginArray();
  ndw.BeginObject();
  for (const std::string& id : destroy.value_or(std::vector<std::string>())) {
    Result<std::optional<EmailRecord>> email = co_await FindEmail(context, id);
    if (!email) co_return StoreFailure(email.error());
    if (!*email) {
      ndw.Key(id);
      WriteSetError(ndw, SetError{"notFound", "", {}});
      continue;
    }
    Result<void> gone = co_await Destroy(call, std::move(**email));
    if (!gone) co_return StoreFailure(gone.error());
    dw.String(id);
  }
  dw.EndArray();
  ndw.EndObject();
  Result<std::string> new_state = co_await EmailState(context);
  if (!new_state) co_return StoreFailure(new_state.error());
  std::sort(call.changed_mailboxes.begin(), call.changed_mailboxes.end());
  call.changed_mailboxes.erase(
      std::unique(call.changed_mailboxes.begin(), call.changed_mailboxes.end()),
      call.changed_mailboxes.end());
  NotifyMailboxes(context, call.changed_mailboxes, std::stoull(*new_state));

  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id);
  w.Key("oldState").String(*old_state).Key("newState").String(*new_state);
  out +=
      c ? ",\"created\":{" + creations.created + "},\"notCreated\":{" + creations.not_created + "}"
        : std::string(",\"created\":null,\"notCreated\":null");
  out += ",\"updated\":" + updated + ",\"destroyed\":" + destroyed +
         ",\"notUpdated\":" + not_updated + ",\"notDestroyed\":" + not_destroyed + "}";
  co_return MethodResponse{"Email/set", std::move(out)};
}

}  // namespace ringmail::jmap
