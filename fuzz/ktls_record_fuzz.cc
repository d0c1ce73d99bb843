// libFuzzer target for the verdict on a kernel TLS control record (tls/ktls_records.h): the
// first byte is the record's content type, the rest its plaintext. Any bytes get a verdict,
// never a crash; close_notify and KeyUpdate verdicts only for well-formed records.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "tls/ktls_records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
  const ringmail::KernelTlsRecordVerdict v = ringmail::ClassifyKernelTlsRecord(data[0], payload);
  using V = ringmail::KernelTlsRecordVerdict;
  switch (v.kind) {
    case V::kCloseNotify:
    case V::kAlert: CHECK(data[0] == ringmail::kTlsRecordAlert && payload.size() % 2 == 0); break;
    case V::kKeyUpdate:
      CHECK(data[0] == ringmail::kTlsRecordHandshake && payload.size() >= 5 && payload[0] == 24);
      CHECK(v.code <= 1);
      break;
    case V::kUnexpected: CHECK(!v.reason.empty()); break;
    case V::kIgnore: break;
  }
  return 0;
}
