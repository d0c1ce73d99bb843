// libFuzzer target for the config loader: any bytes must yield a Config or a
// "PATH:LINE: reason" error, never a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "server/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ringmail::Result<ringmail::Config> config = ringmail::ParseConfig(text, "fuzz.toml");
  if (config) {
    CHECK(!config->listeners.empty());
    for (const ringmail::ListenerConfig& listener : config->listeners) {
      CHECK(!listener.bind.empty());
    }
  } else {
    CHECK(config.error().code == ringmail::ErrorCode::kConfig);
    CHECK(config.error().message.starts_with("fuzz.toml:"));
  }
  return 0;
}
