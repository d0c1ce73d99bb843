// Structured logs: one line per event on stderr, `key=value` pairs, always starting with
// `level=... core=... event=...`. Values with spaces, quotes or `=` are quoted.
//
//   Log(LogLevel::kInfo, "listener_ready", "listener", name, "address", addr);
//
// A line is written with one write(2), so lines from different cores never interleave.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

namespace ringmail {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void SetLogLevel(LogLevel level);
LogLevel CurrentLogLevel();
bool ParseLogLevel(std::string_view text, LogLevel* level);

// The reactor core this thread runs (-1 for the main thread and workers); printed as core=.
void SetLogCore(int core);

namespace log_internal {
class LineBuilder {
 public:
  LineBuilder(LogLevel level, std::string_view event);
  void Field(std::string_view key, std::string_view value);
  void Field(std::string_view key, const char* value) { Field(key, std::string_view(value)); }
  void Field(std::string_view key, const std::string& value) {
    Field(key, std::string_view(value));
  }
  void Field(std::string_view key, bool value) { Field(key, value ? "true" : "false"); }
  void Field(std::string_view key, double value);
  template <std::integral T>
  void Field(std::string_view key, T value) {
    if constexpr (std::is_signed_v<T>) {
      FieldSigned(key, static_cast<int64_t>(value));
    } else {
      FieldUnsigned(key, static_cast<uint64_t>(value));
    }
  }
  void Emit();

 private:
  void FieldSigned(std::string_view key, int64_t value);
  void FieldUnsigned(std::string_view key, uint64_t value);
  std::string line_;
};

inline void AddFields(LineBuilder&) {}
template <typename V, typename... Rest>
void AddFields(LineBuilder& b, std::string_view key, const V& value, const Rest&... rest) {
  b.Field(key, value);
  AddFields(b, rest...);
}
}  // namespace log_internal

template <typename... KeyValues>
void Log(LogLevel level, std::string_view event, const KeyValues&... key_values) {
  static_assert(sizeof...(KeyValues) % 2 == 0, "Log takes key/value pairs");
  if (level < CurrentLogLevel()) return;
  log_internal::LineBuilder b(level, event);
  log_internal::AddFields(b, key_values...);
  b.Emit();
}

}  // namespace ringmail
