// crypt(3) strings through libxcrypt's reentrant crypt_rn (never crypt(), whose buffer is
// shared by every thread) and Argon2 strings through libargon2. Before hashing, the cost
// parameters a stored string asks for are read here, the way the libraries read them, and
// checked against SecretWorkLimits.
#include <argon2.h>
#include <crypt.h>
#include <string.h>
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <memory>

#include "directory/secret_schemes.h"
#include "tls/digest.h"

namespace ringmail::secret_internal {
namespace {

// New Argon2id secrets: RFC 9106 §4's second recommended option (t=3, m=64 MiB) with one
// lane. About 0.1-0.3 s of one core; libargon2 would run a thread per lane, and the worker
// pool is our parallelism already. At most 64 MiB per hash in flight, times the pool's size.
constexpr uint32_t kArgon2Passes = 3;
constexpr uint32_t kArgon2MemoryKib = 64 * 1024;
constexpr uint32_t kArgon2Lanes = 1;
constexpr size_t kArgon2SaltSize = 16;
constexpr size_t kArgon2HashSize = 32;

std::unexpected<Error> Invalid(std::string what) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(what));
}

// At most 10 decimal digits and nothing else.
std::optional<uint64_t> ParseDecimal(std::string_view digits) {
  if (digits.empty() || digits.size() > 10) return std::nullopt;
  uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

// "$5$rounds=N$..." / "$6$rounds=N$...": libxcrypt reads N when "rounds=" follows the id.
Result<void> CheckShaCryptRounds(std::string_view setting, const SecretWorkLimits& limits) {
  std::string_view rest = setting.substr(3);
  if (!rest.starts_with("rounds=")) return {};  // the default, 5000
  rest.remove_prefix(7);
  std::optional<uint64_t> rounds = ParseDecimal(rest.substr(0, rest.find('$')));
  if (!rounds || rest.find('$') == std::string_view::npos) return Invalid("malformed rounds=");
  if (*rounds > limits.sha_crypt_rounds_max) return Invalid("sha-crypt rounds over the limit");
  return {};
}

// "$2b$NN$...": NN is log2 of the rounds.
Result<void> CheckBcryptCost(std::string_view setting, const SecretWorkLimits& limits) {
  std::optional<uint64_t> cost = ParseDecimal(setting.substr(4, 2));
  if (setting.size() < 7 || setting[6] != '$' || !cost) return Invalid("malformed bcrypt cost");
  if (*cost > limits.bcrypt_cost_max) return Invalid("bcrypt cost over the limit");
  return {};
}

// yescrypt's variable-length little-endian number in crypt(3)'s base-64 alphabet: the first
// character says how many follow. The same decoding as libxcrypt's decode64_uint32; values
// it would wrap around in 32 bits are refused.
std::optional<uint32_t> TakeYescryptNumber(std::string_view& text, uint32_t min) {
  auto digit = [](char c) -> uint32_t {
    static constexpr std::string_view kAlphabet =
        "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    size_t at = kAlphabet.find(c);
    return at == std::string_view::npos ? 64 : static_cast<uint32_t>(at);
  };
  if (text.empty() || digit(text[0]) > 63) return std::nullopt;
  uint32_t c = digit(text[0]);
  uint64_t value = min;
  uint32_t start = 0, end = 47, chars = 1, bits = 0;
  while (c > end) {
    value += uint64_t{end + 1 - start} << bits;
    start = end + 1;
    end = start + (62 - end) / 2;
    ++chars;
    bits += 6;
  }
  value += uint64_t{c - start} << bits;
  text.remove_prefix(1);
  for (; chars > 1; --chars) {
    if (text.empty() || digit(text[0]) > 63) return std::nullopt;
    bits -= 6;
    value += uint64_t{digit(text[0])} << bits;
    text.remove_prefix(1);
  }
  if (value > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(value);
}

// "$y$<flavor><N_log2><r>[<have>[<p>][<t>]]$...". Upgrades (g) and ROMs are refused: crypt(3)
// strings made by libxcrypt never have them.
Result<void> CheckYescryptParams(std::string_view setting, const SecretWorkLimits& limits) {
  std::string_view rest = setting.substr(3);
  std::optional<uint32_t> flavor = TakeYescryptNumber(rest, 0);
  std::optional<uint32_t> n_log2 = TakeYescryptNumber(rest, 1);
  std::optional<uint32_t> r = TakeYescryptNumber(rest, 1);
  if (!flavor || !n_log2 || !r || rest.empty()) return Invalid("malformed yescrypt parameters");
  uint32_t p = 1, t = 0;
  if (rest[0] != '$') {
    std::optional<uint32_t> have = TakeYescryptNumber(rest, 1);
    if (!have || (*have & ~3u) != 0) return Invalid("unsupported yescrypt parameters");
    std::optional<uint32_t> p_value = (*have & 1) ? TakeYescryptNumber(rest, 2) : 1;
    std::optional<uint32_t> t_value = (*have & 2) ? TakeYescryptNumber(rest, 1) : 0;
    if (!p_value || !t_value) return Invalid("malformed yescrypt parameters");
    p = *p_value;
    t = *t_value;
  }
  if (rest.empty() || rest[0] != '$') return Invalid("malformed yescrypt parameters");
  // 128·N·r·p·(t+1), step by step: each product stays below 2^64 · 2^32.
  const unsigned __int128 max = limits.yescrypt_work_bytes_max;
  if (*n_log2 > 56) return Invalid("yescrypt parameters over the limit");
  unsigned __int128 work = static_cast<unsigned __int128>(128) << *n_log2;
  for (uint32_t factor : {*r, p, t + 1}) {
    if (work > max) break;
    work *= factor;
  }
  if (work > max) return Invalid("yescrypt parameters over the limit");
  return {};
}

Result<void> CheckCryptCost(SecretScheme scheme, std::string_view setting,
                            const SecretWorkLimits& limits) {
  switch (scheme) {
    case SecretScheme::kSha512Crypt:
    case SecretScheme::kSha256Crypt: return CheckShaCryptRounds(setting, limits);
    case SecretScheme::kBcrypt: return CheckBcryptCost(setting, limits);
    case SecretScheme::kYescrypt: return CheckYescryptParams(setting, limits);
    default: return {};  // MD5-crypt: a fixed 1000 rounds
  }
}

// crypt_rn's working area: about 32 KiB, too much for a worker's stack. Wiped when freed.
struct CryptDataDeleter {
  void operator()(crypt_data* data) const {
    explicit_bzero(data, sizeof(*data));
    delete data;
  }
};
using CryptData = std::unique_ptr<crypt_data, CryptDataDeleter>;

// crypt_rn(phrase, setting), or nullopt when libxcrypt refuses the setting.
std::optional<std::string> CryptRn(std::string_view phrase, std::string_view setting) {
  CryptData data(new crypt_data());  // value-initialized: crypt_rn wants it zeroed
  std::string phrase_z(phrase);
  std::string setting_z(setting);
  const char* out = crypt_rn(phrase_z.c_str(), setting_z.c_str(), data.get(), sizeof(*data));
  explicit_bzero(phrase_z.data(), phrase_z.size());
  if (out == nullptr || out[0] == '*') return std::nullopt;
  return std::string(out);
}

}  // namespace

Result<void> RandomBytes(std::span<uint8_t> out) {
  size_t filled = 0;
  while (filled < out.size()) {
    ssize_t n = getrandom(out.data() + filled, out.size() - filled, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return SysError("getrandom", errno);
    filled += static_cast<size_t>(n);
  }
  return {};
}

Result<bool> VerifyCrypt(std::string_view setting, std::string_view password,
                         const SecretWorkLimits& limits) {
  std::optional<SecretScheme> scheme = CryptScheme(setting);
  if (!scheme) return Invalid("not a crypt(3) string");
  TRY(CheckCryptCost(*scheme, setting, limits));
  // crypt(3) passwords are C strings, so no stored hash can be of a password with a NUL.
  if (password.find('\0') != std::string_view::npos) return false;
  std::optional<std::string> computed = CryptRn(password, setting);
  // A well-formed string comes back with the same settings and a hash of the same length;
  // anything else was malformed (a truncated hash, a salt libxcrypt shortened).
  if (!computed || computed->size() != setting.size()) return Invalid("malformed crypt string");
  return ConstantTimeEqual(*computed, setting);
}

Result<bool> VerifyArgon2(SecretScheme scheme, std::string_view encoded, std::string_view password,
                          const SecretWorkLimits& limits) {
  const bool id = scheme == SecretScheme::kArgon2id;
  std::string_view rest = encoded.substr(id ? 10 : 9);  // "$argon2id$" / "$argon2i$"
  // "[v=N$]m=M,t=T,p=P$salt$hash", read in libargon2's decode_string order.
  if (rest.starts_with("v=")) {
    size_t end = rest.find('$');
    std::optional<uint64_t> version = ParseDecimal(rest.substr(2, end - 2));
    if (end == std::string_view::npos || !version) return Invalid("malformed argon2 version");
    rest.remove_prefix(end + 1);
  }
  auto take = [&rest](std::string_view name, char end) -> std::optional<uint64_t> {
    if (!rest.starts_with(name)) return std::nullopt;
    size_t stop = rest.find(end);
    if (stop == std::string_view::npos) return std::nullopt;
    std::optional<uint64_t> value = ParseDecimal(rest.substr(name.size(), stop - name.size()));
    rest.remove_prefix(stop + 1);
    return value;
  };
  std::optional<uint64_t> m = take("m=", ',');
  std::optional<uint64_t> t = m ? take("t=", ',') : std::nullopt;
  std::optional<uint64_t> p = t ? take("p=", '$') : std::nullopt;
  if (!p || *m > UINT32_MAX || *t > UINT32_MAX) return Invalid("malformed argon2 parameters");
  // m·t < 2^64: both are below 2^32.
  if (*m > limits.argon2_memory_kib_max || *p > limits.argon2_lanes_max ||
      *m * *t > limits.argon2_work_kib_max) {
    return Invalid("argon2 parameters over the limit");
  }
  std::string encoded_z(encoded);
  int rc =
      argon2_verify(encoded_z.c_str(), password.data(), password.size(), id ? Argon2_id : Argon2_i);
  if (rc == ARGON2_OK) return true;
  if (rc == ARGON2_VERIFY_MISMATCH) return false;
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR || rc == ARGON2_THREAD_FAIL) {
    return MakeError(ErrorCode::kInternal, argon2_error_message(rc));
  }
  return Invalid(std::string("malformed argon2 string: ") + argon2_error_message(rc));
}

Result<std::string> HashCrypt(const char* prefix, unsigned long count, std::string_view password) {
  std::array<char, CRYPT_GENSALT_OUTPUT_SIZE> setting;
  // No random bytes given: libxcrypt takes them from getrandom(2) itself.
  if (crypt_gensalt_rn(prefix, count, nullptr, 0, setting.data(), setting.size()) == nullptr) {
    return SysError(std::string("crypt_gensalt_rn ") + prefix, errno);
  }
  std::optional<std::string> hashed = CryptRn(password, setting.data());
  if (!hashed) return MakeError(ErrorCode::kInternal, std::string("crypt_rn failed for ") + prefix);
  return std::move(*hashed);
}

Result<std::string> HashArgon2id(std::string_view password) {
  std::array<uint8_t, kArgon2SaltSize> salt;
  TRY(RandomBytes(salt));
  std::string encoded(argon2_encodedlen(kArgon2Passes, kArgon2MemoryKib, kArgon2Lanes, salt.size(),
                                        kArgon2HashSize, Argon2_id),
                      '\0');
  int rc = argon2id_hash_encoded(kArgon2Passes, kArgon2MemoryKib, kArgon2Lanes, password.data(),
                                 password.size(), salt.data(), salt.size(), kArgon2HashSize,
                                 encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return MakeError(ErrorCode::kInternal, argon2_error_message(rc));
  encoded.resize(strlen(encoded.c_str()));
  return encoded;
}

}  // namespace ringmail::secret_internal
