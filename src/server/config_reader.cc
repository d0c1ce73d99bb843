#include "server/config_reader.h"

#include <algorithm>
#include <bit>

namespace ringmail::config_internal {
namespace {

bool HasControlCharacter(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto b = static_cast<unsigned char>(c);
    return b < 0x20 || b == 0x7f;
  });
}

bool IsHostLabel(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// "a, b or c".
std::string JoinChoices(std::span<const std::string_view> names) {
  std::string out;
  size_t i = 0;
  for (std::string_view name : names) {
    if (i > 0) out += (i + 1 == names.size()) ? " or " : ", ";
    out += name;
    ++i;
  }
  return out;
}

}  // namespace

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }
int LineOf(const toml::key& key) { return static_cast<int>(key.source().begin.line); }

std::vector<Entry> InFileOrder(const toml::table& table) {
  std::vector<Entry> entries;
  for (auto&& [key, value] : table) entries.push_back({&key, &value});
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return LineOf(*a.key) < LineOf(*b.key); });
  return entries;
}

std::string Printable(std::string_view text) {
  constexpr size_t kPrintableMax = 64;
  std::string out;
  for (char c : text.substr(0, kPrintableMax)) {
    auto b = static_cast<unsigned char>(c);
    out += (b >= 0x20 && b < 0x7f) ? c : '?';
  }
  if (text.size() > kPrintableMax) out += "...";
  return out;
}

std::unexpected<Error> FailAt(std::string_view path, int line, std::string_view reason) {
  std::string message(path);
  message += ':';
  message += std::to_string(line);
  message += ": ";
  message += reason;
  return MakeError(ErrorCode::kConfig, std::move(message));
}

bool IsHostName(std::string_view text, bool allow_wildcard) {
  if (allow_wildcard && text.starts_with("*.")) text.remove_prefix(2);
  if (text.empty() || text.size() > 253) return false;
  while (true) {
    size_t dot = text.find('.');
    if (!IsHostLabel(text.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    text.remove_prefix(dot + 1);
  }
}

bool IsSimpleName(std::string_view text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::unexpected<Error> Section::Fail(int line, std::string_view reason) const {
  return FailAt(path_, line, scope_ + ": " + std::string(reason));
}

Result<void> Section::AllowOnly(std::initializer_list<std::string_view> allowed) const {
  for (const Entry& entry : InFileOrder(table_)) {
    if (std::find(allowed.begin(), allowed.end(), entry.key->str()) == allowed.end()) {
      return Fail(LineOf(*entry.key), "unknown key '" + Printable(entry.key->str()) + "'");
    }
  }
  return {};
}

Result<std::string> Section::StringValue(std::string_view key, const toml::node& node) const {
  const toml::value<std::string>* value = node.as_string();
  if (value == nullptr) return Fail(LineOf(node), std::string(key) + " must be a string");
  if (HasControlCharacter(value->get())) {
    return Fail(LineOf(node), std::string(key) + " must not contain control characters");
  }
  return value->get();
}

Result<void> Section::String(std::string_view key, std::string* out) const {
  const toml::node* node = Find(key);
  if (node != nullptr) *out = TRY(StringValue(key, *node));
  return {};
}

Result<void> Section::RequiredString(std::string_view key, std::string* out) const {
  if (Find(key) == nullptr) return Fail(line(), "missing key '" + std::string(key) + "'");
  return String(key, out);
}

Result<void> Section::Uint32(std::string_view key, uint32_t min, uint32_t max,
                             uint32_t* out) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return {};
  const toml::value<int64_t>* value = node->as_integer();
  if (value == nullptr) return Fail(LineOf(*node), std::string(key) + " must be an integer");
  int64_t v = value->get();
  if (v < min || v > max) {
    return Fail(LineOf(*node), std::string(key) + " must be in " + std::to_string(min) + ".." +
                                   std::to_string(max) + ", not " + std::to_string(v));
  }
  *out = static_cast<uint32_t>(v);
  return {};
}

Result<void> Section::Uint64(std::string_view key, uint64_t min, uint64_t max,
                             uint64_t* out) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return {};
  const toml::value<int64_t>* value = node->as_integer();
  if (value == nullptr) return Fail(LineOf(*node), std::string(key) + " must be an integer");
  const int64_t v = value->get();
  if (v < 0 || static_cast<uint64_t>(v) < min || static_cast<uint64_t>(v) > max) {
    return Fail(LineOf(*node), std::string(key) + " must be in " + std::to_string(min) + ".." +
                                   std::to_string(max) + ", not " + std::to_string(v));
  }
  *out = static_cast<uint64_t>(v);
  return {};
}

Result<void> Section::Bool(std::string_view key, bool* out) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return {};
  const toml::value<bool>* value = node->as_boolean();
  if (value == nullptr) return Fail(LineOf(*node), std::string(key) + " must be true or false");
  *out = value->get();
  return {};
}

Result<void> Section::PowerOfTwo(std::string_view key, uint32_t min, uint32_t max,
                                 uint32_t* out) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return {};
  const toml::value<int64_t>* value = node->as_integer();
  if (value == nullptr) return Fail(LineOf(*node), std::string(key) + " must be an integer");
  int64_t v = value->get();
  if (v < min || v > max || !std::has_single_bit(static_cast<uint64_t>(v))) {
    return Fail(LineOf(*node), std::string(key) + " must be a power of two in " +
                                   std::to_string(min) + ".." + std::to_string(max) + ", not " +
                                   std::to_string(v));
  }
  *out = static_cast<uint32_t>(v);
  return {};
}

Result<std::optional<std::vector<LinedString>>> Section::Strings(std::string_view key,
                                                                 bool single_allowed) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return std::nullopt;
  std::string type_error =
      std::string(key) + (single_allowed ? " must be a string or an array of strings"
                                         : " must be an array of strings");
  std::vector<LinedString> out;
  if (single_allowed && node->is_string()) {
    out.push_back({TRY(StringValue(key, *node)), LineOf(*node)});
    return out;
  }
  const toml::array* array = node->as_array();
  if (array == nullptr) return Fail(LineOf(*node), type_error);
  for (const toml::node& element : *array) {
    if (!element.is_string()) return Fail(LineOf(element), type_error);
    out.push_back({TRY(StringValue(key, element)), LineOf(element)});
  }
  return out;
}

Result<void> Section::OneOf(std::string_view key, std::string_view what,
                            std::span<const std::string_view> names, size_t* index) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return {};
  std::string value = TRY(StringValue(key, *node));
  auto it = std::find(names.begin(), names.end(), value);
  if (it == names.end()) {
    return Fail(LineOf(*node), "unknown " + std::string(what) + " '" + Printable(value) +
                                   "' (expected " + JoinChoices(names) + ")");
  }
  *index = static_cast<size_t>(it - names.begin());
  return {};
}

Result<const toml::table*> Section::Table(std::string_view key) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) return Fail(LineOf(*node), std::string(key) + " must be a table");
  return node->as_table();
}

}  // namespace ringmail::config_internal
