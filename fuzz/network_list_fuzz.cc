// libFuzzer target for NetworkList: any bytes as a one-entry list must yield a list or a
// kInvalidArgument naming the entry, never a crash; a list must answer alike for an IPv4
// address and its IPv4-mapped IPv6 form, and a bare address must contain itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/check.h"
#include "base/socket_address.h"
#include "directory/network_list.h"

namespace {

ringmail::SocketAddress Address(const std::string& host) {
  ringmail::Result<ringmail::SocketAddress> a = ringmail::NumericAddress(host, 25);
  CHECK(a.has_value());
  return *a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string entry(reinterpret_cast<const char*>(data), size);
  ringmail::Result<ringmail::NetworkList> list = ringmail::NetworkList::Parse({entry});
  if (!list) {
    CHECK(list.error().code == ringmail::ErrorCode::kInvalidArgument);
    CHECK(list.error().message.starts_with("'"));
    return 0;
  }
  CHECK(list->size() == 1);
  for (const char* v4 : {"0.0.0.0", "10.1.2.3", "127.0.0.1", "192.0.2.1", "255.255.255.255"}) {
    const bool plain = list->Contains(Address(v4));
    CHECK(plain == list->Contains(Address(std::string("::ffff:") + v4)));
  }
  for (const char* v6 : {"::", "::1", "fd00::1", "2001:db8::8000:0:0:1", "ffff::ffff"}) {
    list->Contains(Address(v6));
  }
  if (entry.find('/') == std::string::npos) {
    ringmail::Result<ringmail::SocketAddress> self = ringmail::NumericAddress(entry, 25);
    CHECK(self.has_value());
    CHECK(list->Contains(*self));
  }
  return 0;
}
