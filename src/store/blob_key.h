// BlobKey: the SHA-256 of a message's bytes, which names its object in the blob store.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmail {

struct BlobKey {
  std::array<uint8_t, 32> sha256{};

  static BlobKey Of(std::string_view bytes);
  // Parses 64 lower- or upper-case hex digits.
  static Result<BlobKey> FromHex(std::string_view hex);
  std::string Hex() const;
  // "ab/cd/abcd…": the object's path below the blob store's root (or key in the bucket).
  std::string ObjectPath() const;

  friend bool operator==(const BlobKey&, const BlobKey&) = default;
};

}  // namespace ringmail
