#include "jmap/email_args.h"

#include <algorithm>

#include "server/protocol_setup.h"

namespace ringmail::jmap {

void Args::Only(std::initializer_list<std::string_view> known) {
  for (auto field : object_) {
    if (std::find(known.begin(), known.end(), field.key) == known.end()) {
      Fail("unknown argument '" + std::string(field.key) + "'");
    }
  }
}

std::optional<simdjson::dom::element> Args::Get(std::string_view key) const {
  simdjson::dom::element e;
  if (object_[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  return e;
}

std::optional<std::string_view> Args::String(std::string_view key) {
  std::optional<simdjson::dom::element> e = Get(key);
  if (!e) return std::nullopt;
  std::string_view s;
  if (e->get_string().get(s) != simdjson::SUCCESS) {
    Fail("'" + std::string(key) + "' must be a string");
    return std::nullopt;
  }
  return s;
}

std::optional<std::vector<std::string>> StringArray(simdjson::dom::element e) {
  simdjson::dom::array array;
  if (e.get_array().get(array) != simdjson::SUCCESS) return std::nullopt;
  std::vector<std::string> out;
  for (simdjson::dom::element item : array) {
    std::string_view s;
    if (item.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
    out.emplace_back(s);
  }
  return out;
}

std::optional<std::vector<std::string>> Args::Strings(std::string_view key) {
  std::optional<simdjson::dom::element> e = Get(key);
  if (!e) return std::nullopt;
  std::optional<std::vector<std::string>> out = StringArray(*e);
  if (!out) Fail("'" + std::string(key) + "' must be an array of strings");
  return out;
}

bool Args::Bool(std::string_view key, bool default_value) {
  std::optional<simdjson::dom::element> e = Get(key);
  if (!e) return default_value;
  bool b = false;
  if (e->get_bool().get(b) != simdjson::SUCCESS) {
    Fail("'" + std::string(key) + "' must be true or false");
    return default_value;
  }
  return b;
}

int64_t Args::Int(std::string_view key, int64_t default_value) {
  std::optional<simdjson::dom::element> e = Get(key);
  if (!e) return default_value;
  int64_t n = 0;
  if (e->get_int64().get(n) != simdjson::SUCCESS) {
    Fail("'" + std::string(key) + "' must be an integer");
    return default_value;
  }
  return n;
}

std::optional<uint64_t> Args::Uint(std::string_view key) {
  std::optional<simdjson::dom::element> e = Get(key);
  if (!e) return std::nullopt;
  uint64_t n = 0;
  if (e->get_uint64().get(n) != simdjson::SUCCESS) {
    Fail("'" + std::string(key) + "' must be an unsigned integer");
    return std::nullopt;
  }
  return n;
}

MethodResponse InvalidArguments(std::string_view description) {
  return MethodError("invalidArguments", description);
}

Task<Result<std::string>> EmailState(const CallContext& context) {
  Result<AccountRecord> account =
      co_await context.services->stores->metadata->GetAccount(context.account_name);
  if (!account) co_return std::unexpected(account.error());
  co_return std::to_string(account->highest_modseq);
}

void NotifyMailboxes(const CallContext& context, const std::vector<int64_t>& mailbox_ids,
                     uint64_t modseq) {
  if (context.services->events == nullptr) return;
  for (int64_t id : mailbox_ids) context.services->events->Changed(context.account_id, id, modseq);
}

}  // namespace ringmail::jmap
