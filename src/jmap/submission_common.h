// What the Identity, EmailSubmission and VacationResponse families (RFC 8621 §6-8) share:
// which addresses an account may send as, its identities (default ones made on first use),
// SetErrors, and the /changes answer of object types whose history is not kept.
// docs/jmap_email.md, "Identities, submissions, vacation responses".
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_writer.h"
#include "jmap/method.h"
#include "store/metadata_store.h"

namespace ringmail::jmap {

inline constexpr size_t kEmailAddressesMax = 100;  // entries of an Identity's replyTo or bcc

// A SetError (RFC 8620 §5.3).
struct ObjectSetError {
  std::string type;
  std::string description;
  std::vector<std::string> properties;
};
void WriteObjectSetError(JsonWriter& w, const ObjectSetError& e);
// A writer that appends one more member or item to `list`, the inside of an object or array
// being built as text (its comma included).
JsonWriter AppendItem(std::string* list);

// Records a destroy's outcome: the id in `destroyed`, or its SetError (notFound for
// kNotFound, serverFail otherwise) in `not_destroyed` (AppendItem lists).
void WriteDestroyed(const Result<void>& done, std::string_view id, std::string* destroyed,
                    std::string* not_destroyed);

// Foo/get's arguments (ids, properties: every property is returned); an error response
// when they are bad or ask too much.
std::optional<MethodResponse> ReadGetArguments(const CallContext& context,
                                               simdjson::dom::object arguments,
                                               std::optional<std::vector<std::string>>* ids);

// Foo/get's answer: `objects` (each with an int64_t `id`) that `ids` asks for (all when
// nullopt), written by `write`, and notFound.
template <typename T, typename Format, typename Write>
std::string GetAnswer(const CallContext& context, uint64_t state, const std::vector<T>& objects,
                      const std::optional<std::vector<std::string>>& ids, Format format_id,
                      Write write) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("accountId").String(context.jmap_account_id);
  w.Key("state").String(std::to_string(state)).Key("list").BeginArray();
  std::vector<std::string> not_found = ids.value_or(std::vector<std::string>());
  for (const T& o : objects) {
    auto it = std::find(not_found.begin(), not_found.end(), format_id(o.id));
    if (ids && it == not_found.end()) continue;
    if (ids) not_found.erase(it);
    write(w, o);
  }
  w.EndArray().Key("notFound").Strings(not_found).EndObject();
  return out;
}

// Whether an identity (and so a submission's From and MAIL FROM) may use `email`: one of the
// account's `owned` normalized addresses, any address of a domain whose catch-all ("@d") it
// owns, or "*@d" itself then (RFC 8621 §6). Case-insensitive. Pure.
bool SendAsAllowed(const std::vector<std::string>& owned, std::string_view email);

// An EmailAddress[] (RFC 8621 §4.1.2.3) as JSON text, minified; nullopt when `e` is not an
// array of {name: String|null, email: String} objects or has over kEmailAddressesMax. null
// gives "".
std::optional<std::string> EmailAddressesJson(simdjson::dom::element e);

// The account's normalized addresses, from the directory (kNotFound: no such principal).
Task<Result<std::vector<std::string>>> AccountAddresses(const CallContext& context);

// The account's identities; when none are stored, one per address it owns (catch-alls as
// "*@domain") is stored first, so that a client always has something to send as.
Task<Result<IdentityList>> LoadIdentities(const CallContext& context);

// The ids of `stored` identities (ascending id) that are a newer copy of an older one equal to
// one of `defaults` (ids aside): what two concurrent first LoadIdentities made twice. Pure.
std::vector<int64_t> DuplicateDefaults(const std::vector<IdentityRecord>& stored,
                                       const std::vector<IdentityRecord>& defaults);

// Foo/changes for a type whose history is not kept: no changes when `since` is the current
// state, cannotCalculateChanges otherwise (RFC 8620 §5.2 allows it).
MethodResponse ChangesWithoutHistory(const CallContext& context, std::string_view method,
                                     simdjson::dom::object arguments, uint64_t state);

// "#creation-id" as the id it created, else `id` itself.
std::string ResolveCreatedId(const CallContext& context, std::string_view id);

}  // namespace ringmail::jmap
