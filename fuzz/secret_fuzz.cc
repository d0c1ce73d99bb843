// libFuzzer target for directory/secret.h: stored secrets as a hostile database row may hold
// them.
//
// Input: the stored secret, a NUL, then the password (no NUL: the whole input is the stored
// secret and the password is "password").
//
// Work is bounded through VerifySecret's SecretWorkLimits rather than by skipping schemes,
// so that every scheme's parameter parsing is fuzzed too: the limits below let only the
// cheapest parameters through to the hash (bcrypt cost 4, yescrypt with 1 MiB, Argon2 with
// 64 KiB once, SCRAM with 1000 iterations). SHA-crypt without "rounds=" (5000) and MD5-crypt
// (1000) cost a few milliseconds and are always let through. ScramCredentialsOf is called
// only for SCRAM verifiers, where it parses without hashing (for {PLAIN} it would run 4096
// PBKDF2 iterations).
//
// Invariants: an unrecognised secret is kInvalidArgument, never a match; every error is
// kInvalidArgument; IsHashedSecret agrees with IdentifySecret; {PLAIN}x matches exactly x;
// SCRAM credentials have 32-byte keys, a salt and at least one iteration.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/check.h"
#include "directory/secret.h"

namespace ringmail {
namespace {

SecretWorkLimits CheapLimits() {
  SecretWorkLimits limits;
  limits.sha_crypt_rounds_max = 5000;
  limits.bcrypt_cost_max = 4;
  limits.yescrypt_work_bytes_max = 1 << 20;
  limits.argon2_memory_kib_max = 64;
  limits.argon2_work_kib_max = 64;
  limits.argon2_lanes_max = 1;
  limits.scram_iterations_max = 1000;
  return limits;
}

}  // namespace
}  // namespace ringmail

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringmail;
  static const SecretWorkLimits limits = CheapLimits();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nul = input.find('\0');
  std::string_view stored = input.substr(0, nul);
  std::string_view password =
      nul == std::string_view::npos ? std::string_view("password") : input.substr(nul + 1);

  std::optional<SecretScheme> scheme = IdentifySecret(stored);
  CHECK(IsHashedSecret(stored) == (scheme.has_value() && *scheme != SecretScheme::kPlain));
  Result<bool> verified = VerifySecret(stored, password, limits);
  if (!verified) {
    CHECK(verified.error().code == ErrorCode::kInvalidArgument, "unexpected error code");
  }
  if (!scheme) {
    CHECK(!verified.has_value(), "an unrecognised secret was verified");
    return 0;
  }
  if (*scheme == SecretScheme::kPlain && password.size() <= kPasswordSizeMax) {
    std::string_view text = stored.substr(stored.find('}') + 1);
    CHECK(verified.has_value() && *verified == (text == password));
  }
  if (*scheme == SecretScheme::kScramSha256) {
    std::optional<ScramCredentials> credentials = ScramCredentialsOf(stored);
    if (credentials) {
      CHECK(credentials->iterations >= 1 && !credentials->salt.empty());
      CHECK(credentials->stored_key.size() == 32 && credentials->server_key.size() == 32);
    }
  }
  return 0;
}
