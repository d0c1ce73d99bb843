#include "jmap/method.h"

#include "base/json_writer.h"

namespace ringmail::jmap {

MethodResponse MethodError(std::string_view type, std::string_view description) {
  MethodResponse r{"error", {}};
  JsonWriter w(&r.arguments);
  w.BeginObject().Key("type").String(type);
  if (!description.empty()) w.Key("description").String(description);
  w.EndObject();
  return r;
}

MethodResponse StoreFailure(const Error& error) {
  switch (error.code) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kBusy:
    case ErrorCode::kTimeout: return MethodError("serverUnavailable", error.message);
    default: return MethodError("serverFail", error.message);
  }
}

void MethodTable::Add(std::string name, std::string_view capability, MethodFunction function) {
  entries_.push_back(Entry{std::move(name), std::string(capability), function});
}

const MethodTable::Entry* MethodTable::Find(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace ringmail::jmap
