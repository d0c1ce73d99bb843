// Mailbox/set (RFC 8621 §2.5, RFC 8620 §5.3): create (with parentId, also "#creation-id"),
// update (name, parentId, isSubscribed), destroy (onDestroyRemoveEmails). Every change is
// told to MailboxEvents, so IMAP sessions and JMAP push see it at once.
#include <algorithm>

#include "jmap/args.h"
#include "jmap/ids.h"
#include "jmap/mailbox_tree.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap {
namespace {

// A SetError (RFC 8620 §5.3), written as `id: {...}` into a notCreated/notUpdated/... map.
struct SetError {
  std::string type;
  std::string description;
  std::string property;  // for invalidProperties
};

// A writer appending one more member or item to `list` (its comma included).
JsonWriter Append(std::string* list) {
  if (!list->empty()) list->push_back(',');
  return JsonWriter(list);
}

void WriteSetError(JsonWriter& w, const SetError& e) {
  w.BeginObject().Key("type").String(e.type);
  if (!e.description.empty()) w.Key("description").String(e.description);
  if (!e.property.empty()) w.Key("properties").BeginArray().String(e.property).EndArray();
  w.EndObject();
}

SetError FromStore(const Error& e, std::string_view property) {
  if (e.code == ErrorCode::kAlreadyExists) {
    return {"invalidProperties", "a mailbox of that name exists", std::string(property)};
  }
  if (e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kLimitExceeded) {
    return {"invalidProperties", e.message, std::string(property)};
  }
  if (e.code == ErrorCode::kNotFound) return {"notFound", e.message, ""};
  return {"serverFail", e.message, ""};
}

// A creation or an update's target path, from its name and parent.
struct Placement {
  std::optional<std::string> name;
  std::optional<int64_t> parent;  // 0: top level
  std::optional<bool> subscribed;
  std::string special_use;
};

std::string ResolveId(const CallContext& c, std::string_view id) {
  if (id.starts_with("#")) {
    auto it = c.created_ids.find(id.substr(1));
    if (it != c.created_ids.end()) return it->second;
  }
  return std::string(id);
}

// Reads a Mailbox object or patch; `current` is the mailbox being updated (null: creating).
std::expected<Placement, SetError> ReadPlacement(const CallContext& c, simdjson::dom::object o,
                                                 const MailboxNode* current) {
  Placement p;
  for (auto field : o) {
    const std::string_view key = field.key;
    const simdjson::dom::element v = field.value;
    std::string_view s;
    bool b = false;
    uint64_t n = 0;
    if (key == "name" && v.get_string().get(s) == simdjson::SUCCESS) {
      if (s.empty() || s.size() > kMailboxNameMax || s.find('/') != std::string_view::npos) {
        return std::unexpected(
            SetError{"invalidProperties", "a name is 1..255 bytes, no '/'", "name"});
      }
      p.name = std::string(s);
    } else if (key == "parentId" && v.is_null()) {
      p.parent = 0;
    } else if (key == "parentId" && v.get_string().get(s) == simdjson::SUCCESS) {
      std::optional<int64_t> id = ParseMailboxId(ResolveId(c, s));
      if (!id) return std::unexpected(SetError{"invalidProperties", "no such parent", "parentId"});
      p.parent = *id;
    } else if (key == "isSubscribed" && v.get_bool().get(b) == simdjson::SUCCESS) {
      p.subscribed = b;
    } else if (key == "role" && (v.is_null() || v.get_string().get(s) == simdjson::SUCCESS)) {
      const std::string role = v.is_null() ? "" : std::string(s);
      if (current != nullptr ? role != current->role : (role == "inbox")) {
        return std::unexpected(SetError{"invalidProperties", "roles cannot change", "role"});
      }
      if (current == nullptr) p.special_use = SpecialUseOf(role);
    } else if (key == "sortOrder" && v.get_uint64().get(n) == simdjson::SUCCESS && n == 0) {
    } else {
      return std::unexpected(SetError{"invalidProperties", "cannot set this", std::string(key)});
    }
  }
  return p;
}

// The full path for `p`, or a SetError. `self`: the mailbox being moved (0 when creating).
std::expected<std::string, SetError> PathOf(const MailboxTree& tree, const Placement& p,
                                            const MailboxNode* current) {
  const int64_t parent = p.parent.value_or(current ? current->parent_id : 0);
  const std::string name = p.name.value_or(current ? current->name : "");
  if (name.empty()) return std::unexpected(SetError{"invalidProperties", "name required", "name"});
  if (parent == 0) return name;
  const MailboxNode* up = tree.Find(parent);
  if (up == nullptr) {
    return std::unexpected(SetError{"invalidProperties", "no such parent", "parentId"});
  }
  if (current != nullptr && (up->record.name == current->record.name ||
                             up->record.name.starts_with(current->record.name + "/"))) {
    return std::unexpected(
        SetError{"invalidProperties", "a mailbox cannot move below itself", "parentId"});
  }
  return up->record.name + "/" + name;
}

// The per-kind state one Mailbox/set keeps while it works.
struct SetRun {
  CallContext* context;
  MetadataStore* store;
  MailboxTree tree;
  std::vector<int64_t> touched;
  std::string created, not_created, updated, not_updated, destroyed, not_destroyed;
};

Task<std::optional<SetError>> Create(SetRun* run, std::string key, simdjson::dom::object o) {
  std::expected<Placement, SetError> p = ReadPlacement(*run->context, o, nullptr);
  if (!p) co_return p.error();
  std::expected<std::string, SetError> path = PathOf(run->tree, *p, nullptr);
  if (!path) co_return path.error();
  Result<MailboxRecord> made =
      co_await run->store->CreateMailbox(run->context->account_id, *path, p->special_use);
  if (!made) co_return FromStore(made.error(), "name");
  run->touched.push_back(made->id);
  if (p->subscribed && *p->subscribed != made->subscribed) {
    Result<void> sub =
        co_await run->store->SetSubscribed(run->context->account_id, made->id, *p->subscribed);
    if (!sub) co_return FromStore(sub.error(), "isSubscribed");
    made->subscribed = *p->subscribed;
  }
  run->context->created_ids[key] = MailboxId(made->id);
  MailboxNode node{*made, p->parent.value_or(0), *p->name, RoleOf(*made)};
  JsonWriter w = Append(&run->created);
  w.Key(key);
  WriteMailbox(w, node, {});
  run->tree.nodes.push_back(std::move(node));
  co_return std::nullopt;
}

Task<std::optional<SetError>> Update(SetRun* run, std::string id, simdjson::dom::object o) {
  std::optional<int64_t> n = ParseMailboxId(id);
  const MailboxNode* current = n ? run->tree.Find(*n) : nullptr;
  if (current == nullptr) co_return SetError{"notFound", "", ""};
  std::expected<Placement, SetError> p = ReadPlacement(*run->context, o, current);
  if (!p) co_return p.error();
  const int64_t account = run->context->account_id;
  if (p->name || p->parent) {
    std::expected<std::string, SetError> path = PathOf(run->tree, *p, current);
    if (!path) co_return path.error();
    if (*path != current->record.name) {
      if (current->record.name == "INBOX") co_return SetError{"forbidden", "INBOX stays", ""};
      Result<void> renamed = co_await run->store->RenameMailbox(account, *n, *path);
      if (!renamed) co_return FromStore(renamed.error(), "name");
      run->touched.push_back(*n);
    }
  }
  if (p->subscribed) {
    Result<void> sub = co_await run->store->SetSubscribed(account, *n, *p->subscribed);
    if (!sub) co_return FromStore(sub.error(), "isSubscribed");
    run->touched.push_back(*n);
  }
  JsonWriter w = Append(&run->updated);
  w.Key(id).Null();
  co_return std::nullopt;
}

Task<std::optional<SetError>> Destroy(SetRun* run, std::string id, bool remove_emails) {
  std::optional<int64_t> n = ParseMailboxId(id);
  const MailboxNode* current = n ? run->tree.Find(*n) : nullptr;
  if (current == nullptr) co_return SetError{"notFound", "", ""};
  if (current->record.name == "INBOX") co_return SetError{"forbidden", "INBOX stays", ""};
  if (run->tree.HasChild(current->record.name)) co_return SetError{"mailboxHasChild", "", ""};
  if (current->record.message_count > 0 && !remove_emails) {
    co_return SetError{"mailboxHasEmail", "", ""};
  }
  Result<void> gone = co_await run->store->DeleteMailbox(run->context->account_id, *n);
  if (!gone) co_return FromStore(gone.error(), "");
  run->touched.push_back(*n);
  JsonWriter w = Append(&run->destroyed);
  w.String(id);
  co_return std::nullopt;
}

// After each change the tree is read again: paths below a renamed mailbox moved.
Task<Result<void>> Reload(SetRun* run) {
  Result<MailboxTree> tree = co_await LoadMailboxTree(run->context);
  if (!tree) co_return std::unexpected(tree.error());
  run->tree = std::move(*tree);
  co_return Result<void>{};
}

void NotDone(std::string* map, std::string_view id, const SetError& e) {
  JsonWriter w = Append(map);
  w.Key(id);
  WriteSetError(w, e);
}

std::string Answer(const SetRun& run, uint64_t old_state, uint64_t new_state) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(run.context->jmap_account_id);
  w.Key("oldState").String(StateString(old_state)).Key("newState").String(StateString(new_state));
  out += ",\"created\":{" + run.created + "},\"updated\":{" + run.updated + "},\"destroyed\":[" +
         run.destroyed + "],\"notCreated\":{" + run.not_created + "},\"notUpdated\":{" +
         run.not_updated + "},\"notDestroyed\":{" + run.not_destroyed + "}}";
  return out;
}

}  // namespace

Task<MethodResponse> MailboxSet(CallContext& context, simdjson::dom::object arguments) {
  Args args(arguments);
  const std::optional<std::string_view> if_in_state = args.String("ifInState");
  const std::optional<std::vector<std::string>> destroy = args.Strings("destroy");
  const bool remove_emails = args.Bool("onDestroyRemoveEmails", false);
  if (!args.ok()) co_return InvalidArguments(args.error());
  simdjson::dom::object create, update;
  simdjson::dom::element e;
  const bool creating = arguments["create"].get(e) == simdjson::SUCCESS && !e.is_null();
  if (creating && e.get_object().get(create) != simdjson::SUCCESS) {
    co_return MethodError("invalidArguments", "'create' must be an object");
  }
  const bool updating = arguments["update"].get(e) == simdjson::SUCCESS && !e.is_null();
  if (updating && e.get_object().get(update) != simdjson::SUCCESS) {
    co_return MethodError("invalidArguments", "'update' must be an object");
  }
  const size_t count = (creating ? create.size() : 0) + (updating ? update.size() : 0) +
                       (destroy ? destroy->size() : 0);
  if (count > context.limits->max_objects_in_set) {
    co_return MethodError("requestTooLarge", "more objects than maxObjectsInSet");
  }
  SetRun run{&context, context.services->stores->metadata.get(), {}, {}, {}, {}, {}, {}, {}, {}};
  Result<void> loaded = co_await Reload(&run);
  if (!loaded) co_return StoreFailure(loaded.error());
  const uint64_t old_state = run.tree.state;
  if (if_in_state && *if_in_state != StateString(old_state)) {
    co_return MethodError("stateMismatch");
  }
  if (creating) {
    for (auto field : create) {
      simdjson::dom::object o;
      std::optional<SetError> error =
          field.value.get_object().get(o) != simdjson::SUCCESS
              ? std::optional<SetError>(SetError{"invalidArguments", "not an object", ""})
              : std::nullopt;
      if (!error) error = co_await Create(&run, std::string(field.key), o);
      if (error) NotDone(&run.not_created, field.key, *error);
    }
  }
  if (updating) {
    for (auto field : update) {
      Result<void> again = co_await Reload(&run);
      if (!again) co_return StoreFailure(again.error());
      const std::string id = ResolveId(context, field.key);
      simdjson::dom::object o;
      std::optional<SetError> error;
      if (field.value.get_object().get(o) != simdjson::SUCCESS) {
        error = SetError{"invalidPatch", "not an object", ""};
      } else {
        error = co_await Update(&run, id, o);
      }
      if (error) NotDone(&run.not_updated, id, *error);
    }
  }
  for (const std::string& raw : destroy.value_or(std::vector<std::string>())) {
    Result<void> again = co_await Reload(&run);
    if (!again) co_return StoreFailure(again.error());
    const std::string id = ResolveId(context, raw);
    std::optional<SetError> error = co_await Destroy(&run, id, remove_emails);
    if (error) NotDone(&run.not_destroyed, id, *error);
  }
  Result<uint64_t> new_state = co_await AccountState(&context);
  if (!new_state) co_return StoreFailure(new_state.error());
  if (context.services->events != nullptr) {
    for (int64_t id : run.touched)
      context.services->events->Changed(context.account_id, id, *new_state);
  }
  co_return MethodResponse{"Mailbox/set", Answer(run, old_state, *new_state)};
}

}  // namespace ringmail::jmap
