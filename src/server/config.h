// The daemon's configuration: one TOML file (docs/config.md lists every key), read once at
// start on the main thread before any reactor core runs. A Config is a plain value; once
// parsed it is immutable and may be copied to or shared (read-only) with every core.
//
// Every error is ErrorCode::kConfig with a message of exactly "PATH:LINE: reason", where LINE
// is the line of the offending key or value (or of its table when a required key is missing),
// so the daemon can print it as is and exit 2.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/log.h"
#include "base/result.h"
#include "base/socket_address.h"
#include "directory/auth_rate_limiter.h"
#include "directory/memory_directory.h"
#include "directory/sql_directory_config.h"
#include "jmap/limits.h"

namespace ringmail {

enum class Protocol { kImap, kSmtp, kSubmission, kRelay, kLmtp, kHttp, kMetrics };
enum class TlsMode { kNone, kStartTls, kImplicit };

// The name used in the config file ("imap", "submission", ...).
const char* ProtocolName(Protocol protocol);
// "none", "starttls" or "implicit".
const char* TlsModeName(TlsMode mode);

// One [listener.NAME] table.
struct ListenerConfig {
  std::string name;  // matches [a-z0-9-]+
  Protocol protocol = Protocol::kImap;
  // At least one address. No two listeners share an address with a nonzero port, and no
  // wildcard (0.0.0.0 / [::]) overlaps another address of its family on the same port.
  std::vector<SocketAddress> bind;
  TlsMode tls = TlsMode::kNone;  // kStartTls only for imap, smtp, submission, lmtp
  uint32_t connections_max = 10000;
  uint32_t idle_timeout_ms = 1800000;
  uint32_t input_max = 64 * 1024;  // longest command line / request head, bytes
  int line = 0;                    // line of its table, for later error messages
};

// [runtime]: the reactor's knobs. Sizes are validated here so the runtime can CHECK them.
struct RuntimeConfig {
  std::vector<int> cores;                // distinct online CPU indexes; empty = every online core
  uint32_t ring_entries = 4096;          // power of two, 64..32768
  uint32_t recv_buffer_size = 8192;      // power of two, 1024..65536
  uint32_t recv_buffer_count = 1024;     // power of two, 16..32768
  uint32_t send_zerocopy_threshold = 0;  // bytes; 0 = the runtime's built-in default
  uint32_t workers = 2;                  // blocking-work pool threads, 1..64
  uint32_t shutdown_timeout_ms = 10000;  // 0..600000
};

// [tls] (name "") or [tls.NAME]. The files are not opened here: the TLS layer reads and
// validates them and reports errors against `line`.
struct TlsCertificateConfig {
  std::string name;
  std::string certificate;           // path to a PEM chain
  std::string private_key;           // path to a PEM key
  std::vector<std::string> domains;  // SNI names served; empty for [tls], non-empty otherwise
  int line = 0;
};

// What to do when a store cannot be reached at start (connection refused, timeout, 5xx).
enum class UnavailableAtStart { kRetry, kExit };

struct StorageConfig {
  std::string metadata;                      // sqlite://PATH, postgresql://... or postgres://...
  std::string blobs;                         // file://PATH or s3://BUCKET...
  std::string s3_access_key, s3_secret_key;  // both set or both empty
  UnavailableAtStart unavailable_at_start = UnavailableAtStart::kRetry;
  uint32_t blob_grace_s = 3600;              // unreferenced blobs older than this are collected
  uint32_t collect_interval_s = 300;         // between the end of a collector pass and the next
  uint32_t orphan_sweep_interval_s = 86400;  // between the end of an orphan sweep and the next
  bool compress_blobs = false;               // "zstd": new blobs are stored zstd-compressed
  int metadata_line = 0, blobs_line = 0;     // lines of the keys; 0 when defaulted
};

// [directory] (docs/directory.md).
struct DirectoryConfig {
  std::string type = "internal";  // internal | sql | memory
  std::string subaddress_separators = "+";
  SqlDirectoryConfig sql;                         // [directory.sql], type "sql"
  std::vector<MemoryPrincipalConfig> principals;  // [[directory.principal]], type "memory"
  std::vector<std::string> domains;               // more local domains, type "memory"
};

// [authentication.fallback-admin]: an administrator that exists whatever the directory says.
struct FallbackAdminConfig {
  std::string user;
  std::string secret;  // a stored secret (directory/secret.h); hashed unless all on loopback
  bool present = false;
  int line = 0;
};

// [authentication] (docs/directory.md, "Authentication").
struct AuthenticationConfig {
  std::string password_scheme = "yescrypt";  // of secrets the CLI creates
  std::vector<std::string> plain_text_networks = {"127.0.0.0/8", "::1/128"};
  AuthRateLimiterConfig rate_limits;
  // HTTP Basic logins remembered (server/login_cache.h), and passwords verified against a
  // stored secret for every protocol (directory/verified_secrets.h); 0: off.
  uint32_t login_cache_ttl_s = 60;
};

// [imap] (docs/config.md): the IMAP sessions' limits and timeouts (config_imap.cc).
struct ImapConfig {
  uint32_t line_size_max = 64 * 1024;              // a command outside its literals; 8192..16 MiB
  uint64_t literal_size_max = 64 * 1024;           // a literal outside APPEND; 1 KiB..16 MiB
  uint64_t append_size_max = 64ull << 20;          // one APPEND message (APPENDLIMIT); 1 KiB..2 GiB
  uint32_t login_timeout_ms = 60 * 1000;           // idle before login; 1000..3600000
  uint32_t idle_timeout_ms = 30 * 60 * 1000;       // idle after login; 60000..86400000
  uint32_t idle_duration_max_ms = 29 * 60 * 1000;  // one IDLE command; 1000..86400000
  uint32_t bad_commands_max = 10;                  // BAD answers in a row before BYE; 1..1000
};

// [smtp] (docs/config.md): the SMTP sessions' limits, relay networks and delivery rules
// (config_smtp.cc). The defaults are smtp::SessionLimits's.
struct SmtpConfig {
  uint64_t message_size_max = 50ull << 20;  // body bytes, 1 KiB..4 GiB
  uint32_t recipients_max = 100;            // per message, 1..100000
  uint32_t errors_max = 20;                 // 4xx/5xx replies before 421 and close
  uint32_t hops_max = 50;                   // Received: fields before 554 5.4.6
  uint32_t command_timeout_ms = 300000;
  uint32_t data_timeout_ms = 180000;
  uint32_t greeting_delay_ms = 0;        // early-talker pause before the banner; 0..60000
  bool normalize_bare_newlines = false;  // bare-newlines = "reject" | "normalise"
  // Networks the `relay` listener accepts (CIDR); empty: it accepts nobody.
  std::vector<std::string> relay_networks;
  bool must_match_sender = true;             // submission: MAIL FROM and From: are the user's own
  uint32_t connections_per_source_max = 50;  // per listener, across cores; 0: no limit
  uint32_t messages_per_source_per_minute = 0;  // smtp (MX) listeners; 0: no limit
};

// [queue] (docs/config.md): the outbound queue and its smarthost (config_queue.cc).
struct QueueConfig {
  std::string smarthost_host;  // "" : no smarthost (mail for remote recipients is refused)
  uint16_t smarthost_port = 25;
  std::string smarthost_user;  // "" : no AUTH
  std::string smarthost_password;
  std::string smarthost_password_file;      // read at start when set
  std::string smarthost_tls = "none";       // "none" | "starttls" | "implicit"
  std::string smarthost_ca_file;            // "" : the system's CA bundle
  bool smarthost_tls_verify = true;         // false: any certificate (a private smarthost's)
  bool smarthost_auth_without_tls = false;  // AUTH over a plain connection
  uint32_t lifetime_s = 5 * 86400;
  uint32_t delay_notice_s = 4 * 3600;  // NOTIFY=DELAY notice after this; 0: none
  std::vector<uint32_t> retry_schedule_s = {60, 300, 900, 1800, 3600, 7200, 14400};
  uint32_t concurrency = 4;
  uint32_t poll_interval_s = 30;  // the runner's longest sleep (other nodes and the CLI)
};

// [http] (docs/config.md, docs/http.md): the HTTP listeners' limits and the MTA-STS policy
// they serve (config_http.cc). A request head is bounded by the listener's input-max, the
// wait for a request by its idle-timeout-ms.
struct HttpConfig {
  uint64_t body_size_max = 1u << 20;     // a request body; 1 KiB..1 GiB
  uint32_t header_count_max = 100;       // fields in a request head; 8..1000
  uint32_t request_timeout_ms = 30000;   // a request's first byte to its last; 1000..600000
  std::string mta_sts_mode = "testing";  // none | testing | enforce (RFC 8461)
  uint32_t mta_sts_max_age_s = 604800;   // 86400..31557600
  bool admin_api = true;                 // serve /api/ (administrators only)
};

struct Config {
  std::string path;  // the file it came from; "<embedded>" for the default
  std::string hostname;
  // [server] node-id, else NodeIdFromHostName(hostname): names this node among its peers.
  uint32_t node_id = 0;
  LogLevel log_level = LogLevel::kInfo;
  RuntimeConfig runtime;
  std::vector<ListenerConfig> listeners;  // at least one, in file order
  std::vector<TlsCertificateConfig> tls;  // [tls] first if present, then [tls.NAME] in file order
  StorageConfig storage;
  DirectoryConfig directory;
  AuthenticationConfig authentication;
  FallbackAdminConfig fallback_admin;
  ImapConfig imap;
  SmtpConfig smtp;
  QueueConfig queue;
  HttpConfig http;
  jmap::Limits jmap;  // [jmap]: the limits JMAP advertises and enforces
  std::string data_dir;
};

// The node id a host name implies: the trailing digits of its first label, at most the last
// four of them (operators name nodes like "ausyd1nxvm1234" -> 1234); 0 when the first label
// does not end in a digit.
uint32_t NodeIdFromHostName(std::string_view hostname);
inline constexpr uint32_t kNodeIdMax = 9999;  // [server] node-id

// Parses and validates a whole config file's text; PATH only names it in messages.
// Reads the machine's hostname and online CPU count (for defaults and [server] cores), nothing
// else: certificates, databases and addresses are checked by their layers later.
Result<Config> ParseConfig(std::string_view text, std::string_view path);

// Reads PATH (at most kConfigFileSizeMax bytes) and parses it. An unreadable file is
// "PATH: cannot read: strerror".
Result<Config> LoadConfigFile(const std::string& path);
inline constexpr size_t kConfigFileSizeMax = 1024 * 1024;

// The configuration used without --config or RINGMAIL_CONFIG: SQLite and a blob directory under
// DATA_DIR, and loopback listeners on unprivileged ports (for now only metrics on
// 127.0.0.1:10090).
Config EmbeddedDefaultConfig(std::string_view data_dir);

}  // namespace ringmail
