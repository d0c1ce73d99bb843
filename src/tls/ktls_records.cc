#include "tls/ktls_records.h"

#include "base/log.h"

namespace ringmail {
namespace {

constexpr uint8_t kCloseNotify = 0;
constexpr uint8_t kUserCanceled = 90;
constexpr uint8_t kHandshakeKeyUpdate = 24;
constexpr size_t kHandshakeHeader = 4;  // msg_type, 24-bit length (RFC 8446 4)

KernelTlsRecordVerdict Unexpected(std::string reason) {
  return {KernelTlsRecordVerdict::kUnexpected, 0, std::move(reason)};
}

// An alert record: one or more (level, description) pairs (RFC 8446 6, RFC 5246 7.2).
KernelTlsRecordVerdict Alert(std::string_view payload) {
  if (payload.empty() || payload.size() % 2 != 0) return Unexpected("malformed alert record");
  for (size_t i = 0; i < payload.size(); i += 2) {
    const auto description = static_cast<uint8_t>(payload[i + 1]);
    if (description == kCloseNotify) return {KernelTlsRecordVerdict::kCloseNotify, 0, {}};
    if (description != kUserCanceled) {
      return {KernelTlsRecordVerdict::kAlert, description,
              "alert " + std::to_string(description) + " from the peer"};
    }
  }
  return {KernelTlsRecordVerdict::kIgnore, 0, {}};
}

// A handshake record: after the handshake only a TLS 1.3 KeyUpdate is expected from a client.
KernelTlsRecordVerdict Handshake(std::string_view payload) {
  if (payload.size() < kHandshakeHeader) return Unexpected("malformed handshake record");
  const auto type = static_cast<uint8_t>(payload[0]);
  const size_t length = (size_t{static_cast<uint8_t>(payload[1])} << 16) |
                        (size_t{static_cast<uint8_t>(payload[2])} << 8) |
                        static_cast<uint8_t>(payload[3]);
  if (type != kHandshakeKeyUpdate) {
    return Unexpected("handshake message " + std::to_string(type) + " after the handshake");
  }
  if (length != 1 || payload.size() < kHandshakeHeader + 1)
    return Unexpected("malformed KeyUpdate");
  const auto request = static_cast<uint8_t>(payload[kHandshakeHeader]);
  if (request > 1) return Unexpected("malformed KeyUpdate");
  // A second message in the same record would be under the old keys too; either way the
  // session ends at the first KeyUpdate.
  return {KernelTlsRecordVerdict::kKeyUpdate, request, {}};
}

}  // namespace

KernelTlsRecordVerdict ClassifyKernelTlsRecord(uint8_t type, std::string_view payload) {
  switch (type) {
    case kTlsRecordAlert: return Alert(payload);
    case kTlsRecordHandshake: return Handshake(payload);
    case kTlsRecordApplicationData: return {KernelTlsRecordVerdict::kIgnore, 0, {}};
    default: return Unexpected("record type " + std::to_string(type) + " after the handshake");
  }
}

Result<void> HandleKernelTlsRecord(const SocketAddress& peer, uint8_t type,
                                   std::string_view payload) {
  KernelTlsRecordVerdict v = ClassifyKernelTlsRecord(type, payload);
  switch (v.kind) {
    case KernelTlsRecordVerdict::kIgnore: return {};
    case KernelTlsRecordVerdict::kCloseNotify:
      return MakeError(ErrorCode::kClosed, "peer sent close_notify");
    case KernelTlsRecordVerdict::kAlert:
      Log(LogLevel::kInfo, "tls_alert_received", "peer", peer.ToString(), "description",
          static_cast<int>(v.code));
      return MakeError(ErrorCode::kIo, "TLS " + v.reason);
    case KernelTlsRecordVerdict::kKeyUpdate:
      Log(LogLevel::kInfo, "tls_key_update", "peer", peer.ToString(), "update_requested",
          static_cast<int>(v.code), "action", "close", "reason",
          "no rekey after the kernel handoff (docs/tls.md)");
      return MakeError(ErrorCode::kIo, "TLS KeyUpdate: no rekey after the kernel handoff");
    case KernelTlsRecordVerdict::kUnexpected:
      Log(LogLevel::kInfo, "tls_unexpected_record", "peer", peer.ToString(), "reason", v.reason);
      return MakeError(ErrorCode::kIo, "TLS: " + v.reason);
  }
  return MakeError(ErrorCode::kInternal, "TLS record verdict");
}

}  // namespace ringmail
