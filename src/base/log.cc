#include "base/log.h"

#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cstdio>

namespace ringmail {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
thread_local int t_core = -1;

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}
}  // namespace

void SetLogLevel(LogLevel level) {
  g_level.store(static_cast<int>(level), std::memory_order_relaxed);
}
LogLevel CurrentLogLevel() {
  return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed));
}
void SetLogCore(int core) { t_core = core; }

bool ParseLogLevel(std::string_view text, LogLevel* level) {
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (text == LevelName(l)) {
      *level = l;
      return true;
    }
  }
  return false;
}

namespace log_internal {

LineBuilder::LineBuilder(LogLevel level, std::string_view event) {
  line_.reserve(160);
  line_ += "level=";
  line_ += LevelName(level);
  if (t_core >= 0) {
    FieldSigned("core", t_core);
  }
  line_ += " event=";
  line_ += event;
}

void LineBuilder::Field(std::string_view key, std::string_view value) {
  line_ += ' ';
  line_ += key;
  line_ += '=';
  if (!NeedsQuotes(value)) {
    line_ += value;
    return;
  }
  line_ += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') {
      line_ += '\\';
      line_ += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
      line_ += hex;
    } else {
      line_ += c;
    }
  }
  line_ += '"';
}

void LineBuilder::Field(std::string_view key, double value) {
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.6g", value);
  Field(key, std::string_view(buf, n));
}

void LineBuilder::FieldSigned(std::string_view key, int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  Field(key, std::string_view(buf, end - buf));
}

void LineBuilder::FieldUnsigned(std::string_view key, uint64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  Field(key, std::string_view(buf, end - buf));
}

void LineBuilder::Emit() {
  line_ += '\n';
  const char* p = line_.data();
  size_t left = line_.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;  // nowhere to report a failing stderr
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace log_internal
}  // namespace ringmail
