// AuthRateLimiter: brute-force defence for password authentication (IMAP LOGIN/AUTHENTICATE,
// SMTP AUTH, HTTP Basic). Failed attempts are counted per source address and per account;
// past a threshold the answer to each failure is delayed, and past a second one the key is
// blocked for a while, so that a blocked attempt is refused before any directory lookup or
// password hash and costs the server a hash-table lookup.
//
// One instance per reactor core, owned by that core and used only there (no locks on reactor
// threads, ARCHITECTURE.md): the server wires one per core, and connections on a core share
// it. Cores do not share counts, so an attacker whose connections land on N cores gets at most
// N times the attempts one core allows. That is accepted: it is a constant factor, and
// exchanging counts between cores would cost a message per failure.
//
// Time is injected: every call takes `now_ms` (a monotonic clock in milliseconds, never going
// backwards) and nothing here reads a clock, so tests simulate time.
//
// Keys:
// - Address: an IPv4 address exactly (IPv4-mapped IPv6 addresses are IPv4); IPv6 by its /64.
//   One IPv6 host can use any of the 2^64 addresses of its subnet, so per-address IPv6 keys
//   would be evaded by changing address (and would fill the table); a /64 is the smallest
//   unit an end site gets. IPv4 addresses are scarce and often shared (NAT), so grouping them
//   would punish neighbours without slowing an attacker down. Non-IP addresses share one key.
// - Account: the name as given, ASCII-lower-cased, its first kAuthAccountKeyMax bytes. An
//   empty name (not known yet) is counted by address only.
//
// Counting, per key (AuthRateLimits): the first `failures_before_delay` failures are answered
// at once; the k-th one after them is answered after min(k * delay_step_ms, delay_max_ms)
// (the larger of the two keys' delays). Failure number `failures_before_block` blocks the key
// for `block_ms`; failures during a block do not extend it, and when it ends the key starts
// afresh. A key's failures are forgotten together once `window_ms` has passed since its most
// recent failure: one timestamp per key instead of one per failure, and stricter than a fixed
// window against slow guessing (a steady trickle of failures never resets).
//
// The account-lock trap: a block that refused an account outright would let anyone lock its
// owner out. So a blocked account refuses only the addresses that have failed for it, from
// `window_ms` before the block started until it ends; an address that never failed for the
// account (its owner's, usually) still logs in. An attack spread over many addresses is still
// slowed: once the account is blocked each address gets a single failure on it.
//
// Success (RecordSuccess) forgets the account's failures (unless the account is blocked: the
// owner logging in does not end an attack) and that address's failures for the account, but
// not the address's own count: otherwise an attacker with any valid account here could reset
// its address's count by logging in to it between guesses.
//
// Memory is bounded: each table keeps at most `tracked_max` keys and evicts the least recently
// failed one when full (the cost: an attacker with more keys than that can push old blocks
// out). Tables are hashed with a per-instance random SipHash key, so chosen account names or
// IPv6 prefixes cannot degrade lookups.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/metrics.h"
#include "base/result.h"
#include "base/socket_address.h"

namespace ringmail {

inline constexpr size_t kAuthAccountKeyMax = 256;      // bytes of an account name kept as key
inline constexpr size_t kAuthTrackedMax = 10'000'000;  // the largest tracked_max accepted

struct AuthRateLimits {
  uint32_t failures_before_delay = 3;   // per key, within the window
  uint64_t delay_step_ms = 1000;        // the k-th delayed failure waits k * step ...
  uint64_t delay_max_ms = 5000;         // ... at most this
  uint32_t failures_before_block = 10;  // then blocked for block_ms; 0: never blocks
  uint64_t window_ms = 10 * 60 * 1000;  // failures are forgotten after this long without one
  uint64_t block_ms = 15 * 60 * 1000;
  size_t tracked_max = 100000;  // keys kept; the least recently failed is evicted
};

// Config keys `per-address` and `per-account` (docs/config.md).
struct AuthRateLimiterConfig {
  AuthRateLimits per_address;
  AuthRateLimits per_account;
};

// kInvalidArgument naming the bad field: tracked_max 0 or over kAuthTrackedMax, window_ms 0,
// block_ms 0 while failures_before_block is not.
Result<void> ValidateAuthRateLimits(const AuthRateLimiterConfig& config);

enum class AuthKey : uint8_t { kAddress, kAccount };
std::string_view AuthKeyName(AuthKey key);  // "address" | "account"

struct AuthVerdict {
  bool allowed = true;
  AuthKey key = AuthKey::kAddress;  // when refused: the key that is blocked
  uint64_t blocked_until_ms = 0;    // when refused: the block ends then
};

struct FailureOutcome {
  uint64_t delay_ms = 0;          // wait this long before answering the failure
  bool address_blocked = false;   // this failure started a block of the address
  bool account_blocked = false;   // this failure started a block of the account
  uint32_t address_failures = 0;  // counts including this failure, for the log line
  uint32_t account_failures = 0;
};

// Metric ids (MetricsRegistry): ringmail_auth_blocks_total{key="address"|"account"} (blocks
// started), ringmail_auth_blocked_attempts_total (attempts refused by Check),
// ringmail_auth_delayed_failures_total, ringmail_auth_tracked_keys (gauge, keys in the tables).
struct AuthRateLimiterMetrics {
  MetricId address_blocks;
  MetricId account_blocks;
  MetricId blocked_attempts;
  MetricId delayed_failures;
  MetricId tracked_keys;
};

// REQUIRES: the registry is not frozen. Idempotent.
AuthRateLimiterMetrics RegisterAuthRateLimiterMetrics(MetricsRegistry& registry);

class AuthRateLimiter {
 public:
  // REQUIRES: ValidateAuthRateLimits(config) succeeds.
  explicit AuthRateLimiter(const AuthRateLimiterConfig& config);
  ~AuthRateLimiter();
  AuthRateLimiter(const AuthRateLimiter&) = delete;
  AuthRateLimiter& operator=(const AuthRateLimiter&) = delete;

  // Counts into `shard` (this core's) from now on. `shard` must outlive the limiter.
  void AttachMetrics(MetricsShard* shard, const AuthRateLimiterMetrics& ids);

  // Whether an attempt by `address` for `account` may proceed. Call it before any directory
  // lookup or hashing. O(1), no allocation and no table change: a refused attempt costs only
  // this call (and is not counted as a failure).
  AuthVerdict Check(const SocketAddress& address, std::string_view account, uint64_t now_ms);

  // A failed attempt (wrong password, unknown account: the same, so as not to tell them
  // apart). The caller waits outcome.delay_ms before answering, and logs (LogNewBlocks) when
  // a block started.
  FailureOutcome RecordFailure(const SocketAddress& address, std::string_view account,
                               uint64_t now_ms);

  // A successful login (see the header comment for what it forgets).
  void RecordSuccess(const SocketAddress& address, std::string_view account, uint64_t now_ms);

  // One warning line (event=auth_blocked) per block `outcome` started.
  void LogNewBlocks(std::string_view protocol, const SocketAddress& address,
                    std::string_view account, const FailureOutcome& outcome) const;

  // Keys held, for tests and the gauge. Pairs are (address, account) failure records.
  size_t tracked_addresses() const;
  size_t tracked_accounts() const;
  size_t tracked_pairs() const;

 private:
  class Tables;
  void UpdateTrackedGauge();

  AuthRateLimiterConfig config_;
  std::unique_ptr<Tables> tables_;
  MetricsShard* shard_ = nullptr;
  AuthRateLimiterMetrics metric_ids_{};
};

}  // namespace ringmail
