#include "server/config.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace ringmail {
namespace {

constexpr char kPath[] = "/etc/ringmail.toml";

// A listener that makes an otherwise empty config valid; appended after the table under test.
constexpr char kListener[] = R"(
[listener.imap]
protocol = "imap"
bind = "127.0.0.1:10143"
)";

// The message of the error TEXT produces, or "<ok>".
std::string ErrorOf(const std::string& text) {
  Result<Config> config = ParseConfig(text, kPath);
  if (config) return "<ok>";
  EXPECT_EQ(config.error().code, ErrorCode::kConfig);
  return config.error().message;
}

Config ParseOk(const std::string& text) {
  Result<Config> config = ParseConfig(text, kPath);
  EXPECT_TRUE(config.has_value()) << config.error().message;
  return config.value_or(Config{});
}

constexpr char kFullConfig[] = R"([server]
hostname = "mail.example.test"
cores = [0]
log-level = "debug"
data-dir = "/var/lib/ringmail"

[runtime]
ring-entries = 8192
recv-buffer-size = 16384
recv-buffer-count = 2048
send-zerocopy-threshold = 16384
workers = 4
shutdown-timeout-ms = 5000

[listener.imap]
protocol = "imap"
bind = ["0.0.0.0:143", "[::]:143"]
tls = "starttls"

[listener.imaps]
protocol = "imap"
bind = "0.0.0.0:993"
tls = "implicit"
connections-max = 50000
idle-timeout-ms = 3600000
input-max = 131072

[listener.metrics]
protocol = "metrics"
bind = "127.0.0.1:9090"

[tls]
certificate = "/etc/ringmail/default.pem"
private-key = "/etc/ringmail/default.key"

[tls.example-org]
certificate = "/etc/ringmail/example.org.pem"
private-key = "/etc/ringmail/example.org.key"
domains = ["example.org", "*.Example.org"]

[storage]
metadata = "postgresql://ringmail:pw@db:5432/ringmail?sslmode=require"
blobs = "s3://mail?endpoint=http://s3:9000&region=us-east-1&style=path"
compression = "zstd"

[storage.s3]
access-key = "AKIA"
secret-key = "SECRET"

[directory]
type = "sql"
subaddress-separators = "+-"

[directory.sql]
url = "postgresql://dir@db/accounts"
query-domain = "SELECT 1 FROM domains WHERE name = $1"

[authentication]
password-scheme = "argon2id"
plain-text-networks = ["10.0.0.0/8"]

[authentication.rate-limit.per-address]
failures-before-block = 5
block-ms = 60000

[authentication.fallback-admin]
user = "admin"
secret = "$6$salt$hash"
)";

TEST(ConfigTest, FullConfig) {
  Config c = ParseOk(kFullConfig);
  EXPECT_EQ(c.path, kPath);
  EXPECT_EQ(c.hostname, "mail.example.test");
  EXPECT_EQ(c.runtime.cores, std::vector<int>{0});
  EXPECT_EQ(c.log_level, LogLevel::kDebug);
  EXPECT_EQ(c.data_dir, "/var/lib/ringmail");
  EXPECT_EQ(c.runtime.ring_entries, 8192u);
  EXPECT_EQ(c.runtime.recv_buffer_size, 16384u);
  EXPECT_EQ(c.runtime.recv_buffer_count, 2048u);
  EXPECT_EQ(c.runtime.send_zerocopy_threshold, 16384u);
  EXPECT_EQ(c.runtime.workers, 4u);
  EXPECT_EQ(c.runtime.shutdown_timeout_ms, 5000u);

  ASSERT_EQ(c.listeners.size(), 3u);
  const ListenerConfig& imap = c.listeners[0];
  EXPECT_EQ(imap.name, "imap");
  EXPECT_EQ(imap.protocol, Protocol::kImap);
  ASSERT_EQ(imap.bind.size(), 2u);
  EXPECT_EQ(imap.bind[0].ToString(), "0.0.0.0:143");
  EXPECT_EQ(imap.bind[1].ToString(), "[::]:143");
  EXPECT_EQ(imap.tls, TlsMode::kStartTls);
  EXPECT_EQ(imap.connections_max, 10000u);
  EXPECT_EQ(imap.idle_timeout_ms, 1800000u);
  EXPECT_EQ(imap.input_max, 65536u);
  EXPECT_EQ(imap.line, 15);
  const ListenerConfig& imaps = c.listeners[1];
  EXPECT_EQ(imaps.name, "imaps");
  EXPECT_EQ(imaps.tls, TlsMode::kImplicit);
  EXPECT_EQ(imaps.connections_max, 50000u);
  EXPECT_EQ(imaps.idle_timeout_ms, 3600000u);
  EXPECT_EQ(imaps.input_max, 131072u);
  EXPECT_EQ(c.listeners[2].protocol, Protocol::kMetrics);
  EXPECT_EQ(c.listeners[2].tls, TlsMode::kNone);

  ASSERT_EQ(c.tls.size(), 2u);
  EXPECT_EQ(c.tls[0].name, "");
  EXPECT_EQ(c.tls[0].certificate, "/etc/ringmail/default.pem");
  EXPECT_EQ(c.tls[0].private_key, "/etc/ringmail/default.key");
  EXPECT_TRUE(c.tls[0].domains.empty());
  EXPECT_EQ(c.tls[0].line, 32);
  EXPECT_EQ(c.tls[1].name, "example-org");
  EXPECT_EQ(c.tls[1].domains, (std::vector<std::string>{"example.org", "*.example.org"}));
  EXPECT_EQ(c.tls[1].line, 36);

  EXPECT_EQ(c.storage.metadata, "postgresql://ringmail:pw@db:5432/ringmail?sslmode=require");
  EXPECT_EQ(c.storage.blobs, "s3://mail?endpoint=http://s3:9000&region=us-east-1&style=path");
  EXPECT_EQ(c.storage.s3_access_key, "AKIA");
  EXPECT_EQ(c.storage.s3_secret_key, "SECRET");
  EXPECT_EQ(c.storage.metadata_line, 42);
  EXPECT_EQ(c.storage.blobs_line, 43);
  EXPECT_EQ(c.directory.type, "sql");
  EXPECT_TRUE(c.fallback_admin.present);
  EXPECT_EQ(c.fallback_admin.user, "admin");
  EXPECT_EQ(c.fallback_admin.secret, "$6$salt$hash");
  EXPECT_EQ(c.fallback_admin.line, 66);
  EXPECT_TRUE(c.storage.compress_blobs);
  EXPECT_EQ(c.directory.subaddress_separators, "+-");
  EXPECT_EQ(c.directory.sql.url, "postgresql://dir@db/accounts");
  EXPECT_EQ(c.directory.sql.queries.domain, "SELECT 1 FROM domains WHERE name = $1");
  EXPECT_EQ(c.directory.sql.queries.principal, SqlDirectoryQueries().principal);
  EXPECT_EQ(c.authentication.password_scheme, "argon2id");
  EXPECT_EQ(c.authentication.plain_text_networks, std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_EQ(c.authentication.rate_limits.per_address.failures_before_block, 5u);
  EXPECT_EQ(c.authentication.rate_limits.per_address.block_ms, 60000u);
}

TEST(ConfigTest, MinimalConfigTakesDefaults) {
  Config c = ParseOk(kListener);
  EXPECT_FALSE(c.hostname.empty());
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
  EXPECT_EQ(c.data_dir, "./var");
  EXPECT_TRUE(c.runtime.cores.empty());
  EXPECT_EQ(c.runtime.ring_entries, 4096u);
  EXPECT_EQ(c.runtime.recv_buffer_size, 8192u);
  EXPECT_EQ(c.runtime.recv_buffer_count, 1024u);
  EXPECT_EQ(c.runtime.send_zerocopy_threshold, 0u);
  EXPECT_EQ(c.runtime.workers, 2u);
  EXPECT_EQ(c.runtime.shutdown_timeout_ms, 10000u);
  ASSERT_EQ(c.listeners.size(), 1u);
  EXPECT_EQ(c.listeners[0].bind[0].ToString(), "127.0.0.1:10143");
  EXPECT_EQ(c.listeners[0].line, 2);
  EXPECT_TRUE(c.tls.empty());
  EXPECT_EQ(c.storage.metadata, "sqlite://./var/meta.db");
  EXPECT_EQ(c.storage.blobs, "file://./var/blobs");
  EXPECT_TRUE(c.storage.s3_access_key.empty());
  EXPECT_EQ(c.storage.unavailable_at_start, UnavailableAtStart::kRetry);
  EXPECT_EQ(c.storage.blob_grace_s, 3600u);
  EXPECT_EQ(c.storage.collect_interval_s, 300u);
  EXPECT_EQ(c.storage.orphan_sweep_interval_s, 86400u);
  EXPECT_EQ(c.storage.metadata_line, 0);
  EXPECT_EQ(c.storage.blobs_line, 0);
  EXPECT_EQ(c.directory.type, "internal");
  EXPECT_FALSE(c.fallback_admin.present);
}

TEST(ConfigTest, StorageRunSettings) {
  Config c = ParseOk(std::string(R"([storage]
unavailable-at-start = "exit"
blob-grace = 0
collect-interval = 1
orphan-sweep-interval = 1
)") + kListener);
  EXPECT_EQ(c.storage.unavailable_at_start, UnavailableAtStart::kExit);
  EXPECT_EQ(c.storage.blob_grace_s, 0u);
  EXPECT_EQ(c.storage.collect_interval_s, 1u);
  EXPECT_EQ(c.storage.orphan_sweep_interval_s, 1u);
  c = ParseOk(std::string(R"([storage]
unavailable-at-start = "retry"
blob-grace = 31_622_400
collect-interval = 86400
orphan-sweep-interval = 31_622_400
)") + kListener);
  EXPECT_EQ(c.storage.unavailable_at_start, UnavailableAtStart::kRetry);
  EXPECT_EQ(c.storage.blob_grace_s, 31622400u);
  EXPECT_EQ(c.storage.collect_interval_s, 86400u);
  EXPECT_EQ(c.storage.orphan_sweep_interval_s, 31622400u);
}

TEST(ConfigTest, StorageDefaultsFollowDataDir) {
  Config c = ParseOk(std::string("[server]\ndata-dir = \"/srv/mail/\"\n") + kListener);
  EXPECT_EQ(c.storage.metadata, "sqlite:///srv/mail/meta.db");
  EXPECT_EQ(c.storage.blobs, "file:///srv/mail/blobs");
}

TEST(ConfigTest, JmapLimits) {
  Config c = ParseOk(kListener);
  EXPECT_EQ(c.jmap.max_concurrent_requests, 4u);
  EXPECT_EQ(c.jmap.max_size_request, 10u << 20);
  c = ParseOk(std::string(R"([jmap]
max-size-upload = 2048
max-concurrent-upload = 2
max-size-request = 4096
max-concurrent-requests = 1000
max-calls-in-request = 16
max-objects-in-get = 500
max-objects-in-set = 50
)") + kListener);
  EXPECT_EQ(c.jmap.max_size_upload, 2048u);
  EXPECT_EQ(c.jmap.max_concurrent_upload, 2u);
  EXPECT_EQ(c.jmap.max_size_request, 4096u);
  EXPECT_EQ(c.jmap.max_concurrent_requests, 1000u);
  EXPECT_EQ(c.jmap.max_calls_in_request, 16u);
  EXPECT_EQ(c.jmap.max_objects_in_get, 500u);
  EXPECT_EQ(c.jmap.max_objects_in_set, 50u);
  EXPECT_EQ(ErrorOf(std::string("[jmap]\nmax-calls-in-request = 0\n") + kListener),
            "/etc/ringmail.toml:2: [jmap]: max-calls-in-request must be in 1..1000, not 0");
  EXPECT_EQ(ErrorOf(std::string("[jmap]\nmax-size = 1\n") + kListener),
            "/etc/ringmail.toml:2: [jmap]: unknown key 'max-size'");
}

TEST(ConfigTest, ListenersKeepFileOrder) {
  Config c = ParseOk(R"([listener.zeta]
protocol = "smtp"
bind = "127.0.0.1:10025"
[listener.alpha]
protocol = "lmtp"
bind = "127.0.0.1:10024"
[listener.http]
protocol = "http"
bind = "[::1]:10080"
)");
  ASSERT_EQ(c.listeners.size(), 3u);
  EXPECT_EQ(c.listeners[0].name, "zeta");
  EXPECT_EQ(c.listeners[1].name, "alpha");
  EXPECT_EQ(c.listeners[1].protocol, Protocol::kLmtp);
  EXPECT_EQ(c.listeners[2].protocol, Protocol::kHttp);
}

TEST(ConfigTest, PortZeroMayRepeat) {
  Config c = ParseOk(R"([listener.a]
protocol = "imap"
bind = ["127.0.0.1:0", "127.0.0.1:0"]
[listener.b]
protocol = "submission"
bind = "127.0.0.1:0"
)");
  EXPECT_EQ(c.listeners.size(), 2u);
}

TEST(ConfigTest, WildcardsOfDifferentFamiliesDoNotConflict) {
  Config c = ParseOk(R"([listener.a]
protocol = "imap"
bind = "0.0.0.0:143"
[listener.b]
protocol = "smtp"
bind = "[::1]:143"
)");
  EXPECT_EQ(c.listeners.size(), 2u);
}

TEST(ConfigTest, NamedCertificatesWithoutDefault) {
  Config c = ParseOk(std::string(R"([tls.a]
certificate = "a.pem"
private-key = "a.key"
domains = ["a.example"]
)") + kListener);
  ASSERT_EQ(c.tls.size(), 1u);
  EXPECT_EQ(c.tls[0].name, "a");
}

TEST(ConfigTest, EmbeddedDefault) {
  Config c = EmbeddedDefaultConfig("./var");
  EXPECT_EQ(c.path, "<embedded>");
  EXPECT_FALSE(c.hostname.empty());
  EXPECT_EQ(c.data_dir, "./var");
  EXPECT_EQ(c.storage.metadata, "sqlite://./var/meta.db");
  EXPECT_EQ(c.storage.blobs, "file://./var/blobs");
  EXPECT_EQ(c.directory.type, "internal");
  EXPECT_FALSE(c.fallback_admin.present);
  EXPECT_TRUE(c.tls.empty());
  struct Expected {
    const char* name;
    Protocol protocol;
    const char* bind;
  };
  const Expected expected[] = {{"imap", Protocol::kImap, "127.0.0.1:10143"},
                               {"smtp", Protocol::kSmtp, "127.0.0.1:10025"},
                               {"submission", Protocol::kSubmission, "127.0.0.1:10587"},
                               {"metrics", Protocol::kMetrics, "127.0.0.1:10090"}};
  ASSERT_EQ(c.listeners.size(), std::size(expected));
  for (size_t i = 0; i < std::size(expected); ++i) {
    const ListenerConfig& l = c.listeners[i];
    EXPECT_EQ(l.name, expected[i].name);
    EXPECT_EQ(l.protocol, expected[i].protocol);
    ASSERT_EQ(l.bind.size(), 1u);
    EXPECT_EQ(l.bind[0].ToString(), expected[i].bind);
    EXPECT_TRUE(l.bind[0].IsLoopback());
    EXPECT_EQ(l.tls, TlsMode::kNone);
  }
  EXPECT_EQ(EmbeddedDefaultConfig("/data/").storage.metadata, "sqlite:///data/meta.db");
}

TEST(ConfigTest, Names) {
  EXPECT_STREQ(ProtocolName(Protocol::kSubmission), "submission");
  EXPECT_STREQ(ProtocolName(Protocol::kMetrics), "metrics");
  EXPECT_STREQ(TlsModeName(TlsMode::kStartTls), "starttls");
}

TEST(ConfigTest, SyntaxErrorHasLine) {
  std::string message = ErrorOf("[server]\nhostname = \n");
  EXPECT_TRUE(message.starts_with("/etc/ringmail.toml:2: ")) << message;
  EXPECT_NE(message.find("expected"), std::string::npos) << message;
  message = ErrorOf("[server]\nlog-level = \"info\"\n\n[server]\n");
  EXPECT_TRUE(message.starts_with("/etc/ringmail.toml:4: ")) << message;
}

// Headers that toml++ 3.3 cannot reject by itself (it asserts) are caught before parsing.
TEST(ConfigTest, BadTableHeaderStart) {
  EXPECT_EQ(ErrorOf("[=]\n"), "/etc/ringmail.toml:1: expected a table name after '['");
  EXPECT_EQ(ErrorOf("# x\n  [ \n"), "/etc/ringmail.toml:2: expected a table name after '['");
  EXPECT_EQ(ErrorOf("\n\n[[[1]]]"), "/etc/ringmail.toml:3: expected a table name after '['");
  EXPECT_EQ(ErrorOf(std::string("[a]\n[\0]\n", 8)),
            "/etc/ringmail.toml:2: expected a table name after '['");
  EXPECT_EQ(ErrorOf("\xEF\xBB\xBF[\xC3\xA9]"),
            "/etc/ringmail.toml:1: expected a table name after '['");
  std::string message = ErrorOf("[ ]\n");  // toml++ reports this one itself
  EXPECT_TRUE(message.starts_with("/etc/ringmail.toml:1: ")) << message;
  EXPECT_EQ(ErrorOf("[ listener . imap ]\nprotocol = \"imap\"\nbind = \"127.0.0.1:1\"\n"), "<ok>");
}

// toml++ 3.3 asserts on an array element that starts with '}'; it is caught first.
TEST(ConfigTest, ArrayElementStartingWithBrace) {
  EXPECT_EQ(ErrorOf("[server]\ncores = [\n  0, # first\n}]\n"),
            "/etc/ringmail.toml:4: expected a value, saw '}'");
  EXPECT_EQ(ErrorOf("[server]\ncores = [}]\n"), "/etc/ringmail.toml:2: expected a value, saw '}'");
  // Empty arrays and trailing commas close their array: the next header is checked as one.
  EXPECT_EQ(ErrorOf("[tls.a]\ndomains = []\n[:]\n"),
            "/etc/ringmail.toml:3: expected a table name after '['");
  EXPECT_EQ(ErrorOf("[tls.a]\ndomains = [\"a\", [1,],]\n[:]\n"),
            "/etc/ringmail.toml:3: expected a table name after '['");
  EXPECT_EQ(ErrorOf("[server]\ncores = [\"}\", '}', '''}''']\n"),
            "/etc/ringmail.toml:2: [server]: cores must be an array of integers");
}

// toml++ 3.3 asserts on some malformed dates; no key takes a date, so bare values that start
// with a digit or sign must be plain numbers.
TEST(ConfigTest, BareValuesMustBeNumbers) {
  EXPECT_EQ(ErrorOf("[runtime]\nworkers = 1979-05-27T:7:32\n"),
            "/etc/ringmail.toml:2: '1979-05-27T:7:32' is not a value the config uses: expected a "
            "string, number, boolean, array or table");
  EXPECT_EQ(ErrorOf("[server]\ncores = [0,\n  07:32:00]\n"),
            "/etc/ringmail.toml:3: '07:32:00' is not a value the config uses: expected a string, "
            "number, boolean, array or table");
  // Numbers in any TOML form still reach the typed checks.
  EXPECT_EQ(ErrorOf("[runtime]\nworkers = 0x10_0\n"),
            "/etc/ringmail.toml:2: [runtime]: workers must be in 1..64, not 256");
  EXPECT_EQ(ErrorOf("[runtime]\nworkers = -1.5e+3\n"),
            "/etc/ringmail.toml:2: [runtime]: workers must be an integer");
  EXPECT_EQ(ErrorOf("[runtime]\nworkers = +inf\n"),
            "/etc/ringmail.toml:2: [runtime]: workers must be an integer");
  // A key may look like a date: only values are checked.
  EXPECT_EQ(ErrorOf("[listener.1979-05-27]\nprotocol = \"imap\"\nbind = \"127.0.0.1:1\"\n"),
            "<ok>");
}

// toml++ 3.3 misbehaves on non-ASCII text outside strings and comments; it is caught first.
TEST(ConfigTest, NonAsciiOutsideStrings) {
  EXPECT_EQ(ErrorOf("[server]\nhostname = \"a\" \xC3\xA9\n"),
            "/etc/ringmail.toml:2: non-ASCII character outside a string or comment");
  EXPECT_EQ(ErrorOf("\n\xEF\xBB\xBE = 1\n"),
            "/etc/ringmail.toml:2: non-ASCII character outside a string or comment");
  // """x"""" is x" followed by the delimiter; what follows is outside the string.
  EXPECT_EQ(ErrorOf("[server]\ndata-dir = \"\"\"x\"\"\"\"\xC3\xA9\n"),
            "/etc/ringmail.toml:2: non-ASCII character outside a string or comment");
  // A quote right after a bare key does not start a string for toml++.
  EXPECT_EQ(ErrorOf("[server]\nhost\"\xC3\xA9\" = 1\n"),
            "/etc/ringmail.toml:2: non-ASCII character outside a string or comment");
  EXPECT_EQ(ErrorOf("[server]\ndata-dir = \"\"\"\\\n  \xC2\xA7\"\"\"\n"),
            "/etc/ringmail.toml:3: non-ASCII character after '\\' in a string (use \\uXXXX)");
  // Comments and strings may hold any UTF-8; a BOM is skipped.
  Config c = ParseOk(std::string("\xEF\xBB\xBF# Caf\xC3\xA9 \"\n[server]\n") +
                     "data-dir = \"/srv/caf\xC3\xA9\" # \xE2\x82\xAC\n" +
                     "hostname = '''mail.example.test''' # \xC3\xA9 '\n" + kListener);
  EXPECT_EQ(c.data_dir, "/srv/caf\xC3\xA9");
  EXPECT_EQ(c.hostname, "mail.example.test");
}

TEST(ConfigTest, CoresMustBeOnline) {
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  std::string text = "[server]\ncores = [0, " + std::to_string(online) + "]\n" + kListener;
  EXPECT_EQ(ErrorOf(text), "/etc/ringmail.toml:2: [server]: cores: " + std::to_string(online) +
                               " is not an online CPU (0.." + std::to_string(online - 1) + ")");
  text = "[server]\ncores = [\n  0,\n  -1,\n]\n" + std::string(kListener);
  EXPECT_EQ(ErrorOf(text), "/etc/ringmail.toml:4: [server]: cores: -1 is not an online CPU (0.." +
                               std::to_string(online - 1) + ")");
}

// A temporary file that is removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/ringmail_config_test_XXXXXX";
    int fd = mkstemp(name);
    EXPECT_GE(fd, 0);
    path_ = name;
    EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    close(fd);
  }
  ~TempFile() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ConfigTest, LoadConfigFileReadsFile) {
  TempFile file(kListener);
  Result<Config> c = LoadConfigFile(file.path());
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->path, file.path());
  EXPECT_EQ(c->listeners.size(), 1u);
}

TEST(ConfigTest, LoadConfigFileReportsFileLine) {
  TempFile file("[server]\nhostname = 1\n");
  Result<Config> c = LoadConfigFile(file.path());
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message, file.path() + ":2: [server]: hostname must be a string");
}

TEST(ConfigTest, UnreadableFile) {
  Result<Config> c = LoadConfigFile("/nonexistent/ringmail.toml");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kConfig);
  EXPECT_EQ(c.error().message,
            "/nonexistent/ringmail.toml: cannot read: No such file or directory");
  c = LoadConfigFile("/tmp");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message, "/tmp: cannot read: Is a directory");
}

TEST(ConfigTest, OversizedFile) {
  TempFile file(std::string(kConfigFileSizeMax + 1, '#'));
  Result<Config> c = LoadConfigFile(file.path());
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message, file.path() + ": cannot read: larger than 1048576 bytes");
}

// Table-driven error cases: TEXT must fail with exactly MESSAGE.
struct ErrorCase {
  const char* name;
  std::string text;
  std::string message;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class ConfigErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigErrorTest, Fails) {
  EXPECT_EQ(ErrorOf(GetParam().text), "/etc/ringmail.toml:" + GetParam().message);
}

// TABLE's text followed by a valid listener.
std::string With(const std::string& table) { return table + kListener; }

// A listener table "[listener.x]" with BODY.
std::string Listener(const std::string& body) { return "[listener.x]\n" + body; }

const ErrorCase kTopLevelCases[] = {
    {"empty_file", "", "1: no listeners: add at least one [listener.NAME] table"},
    {"empty_listener_table", "\n[listener]\n",
     "2: no listeners: add at least one [listener.NAME] table"},
    {"unknown_table", With("[mail]\nx = 1\n"), "1: unknown table [mail]"},
    {"unknown_top_key", With("\nverbose = true\n"), "2: unknown key 'verbose'"},
    {"server_not_table", "server = 1\n", "1: server must be a table"},
    {"listener_array_of_tables", "[[listener]]\nprotocol = \"imap\"\n",
     "1: listener must be a table"},
};
INSTANTIATE_TEST_SUITE_P(TopLevel, ConfigErrorTest, testing::ValuesIn(kTopLevelCases),
                         [](const auto& info) { return std::string(info.param.name); });

const ErrorCase kUnknownKeyCases[] = {
    {"server", With("[server]\nhostname = \"a\"\nhost = \"b\"\n"),
     "3: [server]: unknown key 'host'"},
    {"runtime", With("[runtime]\nthreads = 4\n"), "2: [runtime]: unknown key 'threads'"},
    {"listener", Listener("protocol = \"imap\"\nbind = \"127.0.0.1:1\"\nport = 143\n"),
     "4: listener 'x': unknown key 'port'"},
    {"tls", With("[tls]\ncertificate = \"c\"\nprivate-key = \"k\"\nca = \"x\"\n"),
     "4: [tls]: unknown key 'ca'"},
    {"tls_named",
     With("[tls.a]\ncertificate = \"c\"\nprivate-key = \"k\"\ndomains = [\"a.b\"]\nsni = 1\n"),
     "5: [tls.a]: unknown key 'sni'"},
    {"storage", With("[storage]\nindex = \"x\"\n"), "2: [storage]: unknown key 'index'"},
    {"storage_s3", With("[storage.s3]\nregion = \"x\"\n"), "2: [storage.s3]: unknown key 'region'"},
    {"directory", With("[directory]\nurl = \"x\"\n"), "2: [directory]: unknown key 'url'"},
    {"authentication", With("[authentication]\nmechanisms = []\n"),
     "2: [authentication]: unknown key 'mechanisms'"},
    {"authentication_subtable", With("[authentication.ldap]\n"),
     "1: [authentication]: unknown key 'ldap'"},
    {"fallback_admin",
     With("[authentication.fallback-admin]\nuser = \"a\"\nsecret = \"$6$x\"\nemail = \"x\"\n"),
     "4: [authentication.fallback-admin]: unknown key 'email'"},
};
INSTANTIATE_TEST_SUITE_P(UnknownKey, ConfigErrorTest, testing::ValuesIn(kUnknownKeyCases),
                         [](const auto& info) { return std::string(info.param.name); });

const ErrorCase kWrongTypeCases[] = {
    {"hostname", With("[server]\nhostname = 1\n"), "2: [server]: hostname must be a string"},
    {"cores_not_array", With("[server]\ncores = 0\n"),
     "2: [server]: cores must be an array of integers"},
    {"cores_element", With("[server]\ncores = [0, \"1\"]\n"),
     "2: [server]: cores must be an array of integers"},
    {"log_level", With("[server]\nlog-level = 1\n"), "2: [server]: log-level must be a string"},
    {"data_dir", With("[server]\ndata-dir = [\"a\"]\n"), "2: [server]: data-dir must be a string"},
    {"ring_entries", With("[runtime]\nring-entries = \"4096\"\n"),
     "2: [runtime]: ring-entries must be an integer"},
    {"recv_buffer_size", With("[runtime]\nrecv-buffer-size = 8192.0\n"),
     "2: [runtime]: recv-buffer-size must be an integer"},
    {"recv_buffer_count", With("[runtime]\nrecv-buffer-count = true\n"),
     "2: [runtime]: recv-buffer-count must be an integer"},
    {"send_zerocopy_threshold", With("[runtime]\nsend-zerocopy-threshold = \"3k\"\n"),
     "2: [runtime]: send-zerocopy-threshold must be an integer"},
    {"workers", With("[runtime]\nworkers = [2]\n"), "2: [runtime]: workers must be an integer"},
    {"shutdown_timeout_ms", With("[runtime]\nshutdown-timeout-ms = 1.5\n"),
     "2: [runtime]: shutdown-timeout-ms must be an integer"},
    {"protocol", Listener("protocol = 143\nbind = \"127.0.0.1:1\"\n"),
     "2: listener 'x': protocol must be a string"},
    {"bind", Listener("protocol = \"imap\"\nbind = 143\n"),
     "3: listener 'x': bind must be a string or an array of strings"},
    {"bind_element", Listener("protocol = \"imap\"\nbind = [\n  \"127.0.0.1:1\",\n  2,\n]\n"),
     "5: listener 'x': bind must be a string or an array of strings"},
    {"listener_tls", Listener("protocol = \"imap\"\nbind = \"127.0.0.1:1\"\ntls = false\n"),
     "4: listener 'x': tls must be a string"},
    {"connections_max",
     Listener("protocol = \"imap\"\nbind = \"127.0.0.1:1\"\nconnections-max = \"many\"\n"),
     "4: listener 'x': connections-max must be an integer"},
    {"idle_timeout_ms",
     Listener("protocol = \"imap\"\nbind = \"127.0.0.1:1\"\nidle-timeout-ms = 1.0\n"),
     "4: listener 'x': idle-timeout-ms must be an integer"},
    {"input_max", Listener("protocol = \"imap\"\nbind = \"127.0.0.1:1\"\ninput-max = \"64k\"\n"),
     "4: listener 'x': input-max must be an integer"},
    {"listener_not_table", "[listener]\nimap = \"x\"\n",
     "2: [listener]: listener.imap must be a table"},
    {"tls_certificate", With("[tls]\ncertificate = 1\nprivate-key = \"k\"\n"),
     "2: [tls]: certificate must be a string"},
    {"tls_private_key", With("[tls]\ncertificate = \"c\"\nprivate-key = 1\n"),
     "3: [tls]: private-key must be a string"},
    {"tls_unknown_scalar", With("[tls]\ncertificate = \"c\"\nprivate-key = \"k\"\nx = 1\n"),
     "4: [tls]: unknown key 'x'"},
    {"tls_domains", With("[tls.a]\ncertificate = \"c\"\nprivate-key = \"k\"\ndomains = \"a.b\"\n"),
     "4: [tls.a]: domains must be an array of strings"},
    {"tls_domains_element",
     With("[tls.a]\ncertificate = \"c\"\nprivate-key = \"k\"\ndomains = [\"a.b\", 1]\n"),
     "4: [tls.a]: domains must be an array of strings"},
    {"metadata", With("[storage]\nmetadata = 1\n"), "2: [storage]: metadata must be a string"},
    {"blobs", With("[storage]\nblobs = {}\n"), "2: [storage]: blobs must be a string"},
    {"s3_table", With("[storage]\ns3 = \"x\"\n"), "2: [storage]: s3 must be a table"},
    {"s3_access_key", With("[storage.s3]\naccess-key = 1\nsecret-key = \"s\"\n"),
     "2: [storage.s3]: access-key must be a string"},
    {"s3_secret_key", With("[storage.s3]\naccess-key = \"a\"\nsecret-key = 1\n"),
     "3: [storage.s3]: secret-key must be a string"},
    {"directory_type", With("[directory]\ntype = 1\n"), "2: [directory]: type must be a string"},
    {"fallback_admin_table", With("[authentication]\nfallback-admin = \"admin\"\n"),
     "2: [authentication]: fallback-admin must be a table"},
    {"fallback_user", With("[authentication.fallback-admin]\nuser = 1\nsecret = \"$6$x\"\n"),
     "2: [authentication.fallback-admin]: user must be a string"},
    {"fallback_secret", With("[authentication.fallback-admin]\nuser = \"a\"\nsecret = 1\n"),
     "3: [authentication.fallback-admin]: secret must be a string"},
    {"control_character", With("[server]\nhostname = \"mail\\r\\nexample\"\n"),
     "2: [server]: hostname must not contain control characters"},
};
INSTANTIATE_TEST_SUITE_P(WrongType, ConfigErrorTest, testing::ValuesIn(kWrongTypeCases),
                         [](const auto& info) { return std::string(info.param.name); });

const ErrorCase kBadValueCases[] = {
    {"hostname", With("[server]\nhostname = \"mail example\"\n"),
     "2: [server]: hostname 'mail example' is not a valid host name"},
    {"hostname_empty_label", With("[server]\nhostname = \"mail..example\"\n"),
     "2: [server]: hostname 'mail..example' is not a valid host name"},
    {"log_level", With("[server]\nlog-level = \"verbose\"\n"),
     "2: [server]: unknown log-level 'verbose' (expected debug, info, warn or error)"},
    {"data_dir_empty", With("[server]\ndata-dir = \"\"\n"),
     "2: [server]: data-dir must not be empty"},
    {"cores_empty", With("[server]\ncores = []\n"),
     "2: [server]: cores must not be empty (leave it out to use every core)"},
    {"cores_duplicate", With("[server]\ncores = [0, 0]\n"),
     "2: [server]: cores: 0 is listed twice"},
    {"ring_entries_small", With("[runtime]\nring-entries = 32\n"),
     "2: [runtime]: ring-entries must be a power of two in 64..32768, not 32"},
    {"ring_entries_large", With("[runtime]\nring-entries = 65536\n"),
     "2: [runtime]: ring-entries must be a power of two in 64..32768, not 65536"},
    {"ring_entries_not_power", With("[runtime]\nring-entries = 1000\n"),
     "2: [runtime]: ring-entries must be a power of two in 64..32768, not 1000"},
    {"recv_buffer_size", With("[runtime]\nrecv-buffer-size = 512\n"),
     "2: [runtime]: recv-buffer-size must be a power of two in 1024..65536, not 512"},
    {"recv_buffer_size_not_power", With("[runtime]\nrecv-buffer-size = 3000\n"),
     "2: [runtime]: recv-buffer-size must be a power of two in 1024..65536, not 3000"},
    {"recv_buffer_count", With("[runtime]\nrecv-buffer-count = -16\n"),
     "2: [runtime]: recv-buffer-count must be a power of two in 16..32768, not -16"},
    {"send_zerocopy_threshold", With("[runtime]\nsend-zerocopy-threshold = 67108865\n"),
     "2: [runtime]: send-zerocopy-threshold must be in 0..67108864, not 67108865"},
    {"workers_zero", With("[runtime]\nworkers = 0\n"),
     "2: [runtime]: workers must be in 1..64, not 0"},
    {"workers_many", With("[runtime]\nworkers = 65\n"),
     "2: [runtime]: workers must be in 1..64, not 65"},
    {"shutdown_timeout_ms", With("[runtime]\nshutdown-timeout-ms = 600001\n"),
     "2: [runtime]: shutdown-timeout-ms must be in 0..600000, not 600001"},
    {"shutdown_timeout_ms_negative", With("[runtime]\nshutdown-timeout-ms = -1\n"),
     "2: [runtime]: shutdown-timeout-ms must be in 0..600000, not -1"},
    {"connections_max_zero",
     Listener("protocol = \"imap\"\nbind = \"127.0.0.1:1\"\nconnections-max = 0\n"),
     "4: listener 'x': connections-max must be in 1..1000000, not 0"},
    {"connections_max_huge",
     Listener("protocol = \"imap\"\nbind = \"127.0.0.1:1\"\nconnections-max = 10000000000\n"),
     "4: listener 'x': connections-max must be in 1..1000000, not 10000000000"},
    {"idle_timeout_ms",
     Listener("protocol = \"imap\"\nbind = \"127.0.0.1:1\"\nidle-timeout-ms = 999\n"),
     "4: listener 'x': idle-timeout-ms must be in 1000..86400000, not 999"},
    {"input_max_small", Listener("protocol = \"imap\"\nbind = \"127.0.0.1:1\"\ninput-max = 1023\n"),
     "4: listener 'x': input-max must be in 1024..67108864, not 1023"},
    {"input_max_large",
     Listener("protocol = \"imap\"\nbind = \"127.0.0.1:1\"\ninput-max = 67108865\n"),
     "4: listener 'x': input-max must be in 1024..67108864, not 67108865"},
    {"directory_type", With("[directory]\ntype = \"ldap\"\n"),
     "2: [directory]: unknown directory type 'ldap' (expected internal, sql or memory)"},
};
INSTANTIATE_TEST_SUITE_P(BadValue, ConfigErrorTest, testing::ValuesIn(kBadValueCases),
                         [](const auto& info) { return std::string(info.param.name); });

const ErrorCase kListenerCases[] = {
    {"bad_protocol", "\n\n\n\n\n[listener.imap]\nprotocol = \"imapx\"\nbind = \"127.0.0.1:1\"\n",
     "7: listener 'imap': unknown protocol 'imapx' "
     "(expected imap, smtp, submission, relay, lmtp, http or metrics)"},
    {"pop3", Listener("protocol = \"pop3\"\nbind = \"127.0.0.1:110\"\n"),
     "2: listener 'x': protocol 'pop3' is not supported yet"},
    {"managesieve", Listener("protocol = \"managesieve\"\nbind = \"127.0.0.1:4190\"\n"),
     "2: listener 'x': protocol 'managesieve' is not supported yet"},
    {"missing_protocol", Listener("bind = \"127.0.0.1:1\"\n"),
     "1: listener 'x': missing key 'protocol'"},
    {"missing_bind", Listener("protocol = \"imap\"\n"), "1: listener 'x': missing key 'bind'"},
    {"two_without_bind", "[listener.a]\nprotocol = \"imap\"\n[listener.b]\nprotocol = \"smtp\"\n",
     "1: listener 'a': missing key 'bind'"},
    {"empty_bind", Listener("protocol = \"imap\"\nbind = []\n"),
     "3: listener 'x': bind must list at least one address"},
    {"bind_hostname", Listener("protocol = \"imap\"\nbind = \"localhost:143\"\n"),
     "3: listener 'x': bind 'localhost:143': bad IP address 'localhost'"},
    {"bind_no_port", Listener("protocol = \"imap\"\nbind = \"127.0.0.1\"\n"),
     "3: listener 'x': bind '127.0.0.1': expected ADDRESS:PORT"},
    {"bind_bad_port", Listener("protocol = \"imap\"\nbind = \"127.0.0.1:70000\"\n"),
     "3: listener 'x': bind '127.0.0.1:70000': bad port '70000'"},
    {"bind_bad_ipv6", Listener("protocol = \"imap\"\nbind = [\"[::1]143\"]\n"),
     "3: listener 'x': bind '[::1]143': expected [IPv6]:PORT"},
    {"bad_name", "[listener.IMAP]\nprotocol = \"imap\"\nbind = \"127.0.0.1:1\"\n",
     "1: [listener]: listener name 'IMAP' must match [a-z0-9-]+"},
    {"bad_tls_mode", Listener("protocol = \"imap\"\nbind = \"127.0.0.1:1\"\ntls = \"ssl\"\n"),
     "4: listener 'x': unknown tls mode 'ssl' (expected none, starttls or implicit)"},
    {"starttls_http", Listener("protocol = \"http\"\nbind = \"127.0.0.1:1\"\ntls = \"starttls\"\n"),
     "4: listener 'x': tls = 'starttls' is not possible with protocol 'http' "
     "(use 'implicit' or 'none')"},
    {"starttls_metrics",
     Listener("protocol = \"metrics\"\nbind = \"127.0.0.1:1\"\ntls = \"starttls\"\n"),
     "4: listener 'x': tls = 'starttls' is not possible with protocol 'metrics' "
     "(use 'implicit' or 'none')"},
    {"tls_without_certificate",
     Listener("protocol = \"imap\"\nbind = \"127.0.0.1:1\"\ntls = \"implicit\"\n"),
     "4: listener 'x': tls = 'implicit' needs a certificate: add a [tls] table"},
    {"duplicate_bind_across_listeners",
     "[listener.a]\nprotocol = \"imap\"\nbind = \"127.0.0.1:143\"\n"
     "[listener.b]\nprotocol = \"smtp\"\nbind = [\"127.0.0.1:25\", \"127.0.0.1:143\"]\n",
     "6: listener 'b': bind 127.0.0.1:143 is already bound by listener 'a' (line 3)"},
    {"duplicate_bind_in_listener",
     Listener("protocol = \"imap\"\nbind = [\n  \"[::1]:143\",\n  \"[0:0::1]:143\",\n]\n"),
     "5: listener 'x': bind [::1]:143 is already bound by listener 'x' (line 4)"},
    {"wildcard_overlap",
     "[listener.a]\nprotocol = \"imap\"\nbind = \"0.0.0.0:143\"\n"
     "[listener.b]\nprotocol = \"imap\"\nbind = \"127.0.0.1:143\"\n",
     "6: listener 'b': bind 127.0.0.1:143 overlaps 0.0.0.0:143 of listener 'a' (line 3)"},
    {"wildcard_overlap_ipv6",
     "[listener.a]\nprotocol = \"imap\"\nbind = \"[::1]:143\"\n"
     "[listener.b]\nprotocol = \"imap\"\nbind = \"[::]:143\"\n",
     "6: listener 'b': bind [::]:143 overlaps [::1]:143 of listener 'a' (line 3)"},
};
INSTANTIATE_TEST_SUITE_P(Listener, ConfigErrorTest, testing::ValuesIn(kListenerCases),
                         [](const auto& info) { return std::string(info.param.name); });

const ErrorCase kTlsCases[] = {
    {"certificate_missing", With("\n[tls]\nprivate-key = \"k.pem\"\n"),
     "2: [tls]: missing key 'certificate'"},
    {"private_key_missing", With("[tls]\ncertificate = \"c.pem\"\n"),
     "1: [tls]: missing key 'private-key'"},
    {"empty_table", With("[tls]\n"), "1: [tls]: missing key 'certificate'"},
    {"empty_certificate", With("[tls]\ncertificate = \"\"\nprivate-key = \"k\"\n"),
     "2: [tls]: certificate must not be empty"},
    {"empty_private_key", With("[tls]\ncertificate = \"c\"\nprivate-key = \"\"\n"),
     "3: [tls]: private-key must not be empty"},
    {"named_missing_key", With("[tls.a]\ncertificate = \"c\"\ndomains = [\"a.b\"]\n"),
     "1: [tls.a]: missing key 'private-key'"},
    {"named_missing_domains", With("[tls.a]\ncertificate = \"c\"\nprivate-key = \"k\"\n"),
     "1: [tls.a]: missing key 'domains'"},
    {"named_empty_domains",
     With("[tls.a]\ncertificate = \"c\"\nprivate-key = \"k\"\ndomains = []\n"),
     "4: [tls.a]: domains must list at least one domain"},
    {"named_bad_domain",
     With("[tls.a]\ncertificate = \"c\"\nprivate-key = \"k\"\ndomains = [\"a..b\"]\n"),
     "4: [tls.a]: domain 'a..b' is not a host name"},
    {"bad_name", With("[tls.\"A b\"]\ncertificate = \"c\"\nprivate-key = \"k\"\n"),
     "1: [tls]: certificate name 'A b' must match [a-z0-9-]+"},
};
INSTANTIATE_TEST_SUITE_P(Tls, ConfigErrorTest, testing::ValuesIn(kTlsCases),
                         [](const auto& info) { return std::string(info.param.name); });

const ErrorCase kStorageAndAuthCases[] = {
    {"metadata_scheme", With("[storage]\nmetadata = \"mysql://u:pw@h/db\"\n"),
     "2: [storage]: metadata must be sqlite://PATH, postgresql://... or postgres://..."},
    {"metadata_empty_path", With("[storage]\nmetadata = \"sqlite://\"\n"),
     "2: [storage]: metadata must be sqlite://PATH, postgresql://... or postgres://..."},
    {"blobs_scheme", With("[storage]\nblobs = \"http://s3/bucket\"\n"),
     "2: [storage]: blobs must be file://PATH or s3://BUCKET"},
    {"s3_secret_missing", With("[storage.s3]\naccess-key = \"a\"\n"),
     "1: [storage.s3]: missing key 'secret-key'"},
    {"s3_access_empty", With("[storage.s3]\naccess-key = \"\"\nsecret-key = \"s\"\n"),
     "2: [storage.s3]: access-key must not be empty"},
    {"unavailable_at_start", With("[storage]\nunavailable-at-start = \"wait\"\n"),
     "2: [storage]: unknown unavailable-at-start value 'wait' (expected retry or exit)"},
    {"unavailable_at_start_type", With("[storage]\nunavailable-at-start = true\n"),
     "2: [storage]: unavailable-at-start must be a string"},
    {"blob_grace_negative", With("[storage]\nblob-grace = -1\n"),
     "2: [storage]: blob-grace must be in 0..31622400, not -1"},
    {"blob_grace_type", With("[storage]\nblob-grace = \"1h\"\n"),
     "2: [storage]: blob-grace must be an integer"},
    {"collect_interval_zero",
     With("[storage]\nmetadata = \"sqlite://m.db\"\ncollect-interval = 0\n"),
     "3: [storage]: collect-interval must be in 1..86400, not 0"},
    {"collect_interval_large", With("[storage]\ncollect-interval = 86401\n"),
     "2: [storage]: collect-interval must be in 1..86400, not 86401"},
    {"compression_unknown", With("[storage]\ncompression = \"gzip\"\n"),
     "2: [storage]: unknown compression 'gzip' (expected none or zstd)"},
    {"orphan_sweep_interval_zero", With("[storage]\norphan-sweep-interval = 0\n"),
     "2: [storage]: orphan-sweep-interval must be in 1..31622400, not 0"},
    {"plain_text_secret",
     With("[authentication.fallback-admin]\nuser = \"admin\"\nsecret = \"hunter2\"\n"),
     "3: [authentication.fallback-admin]: secret must be a password hash (crypt(3) such as "
     "$6$... or $y$..., Argon2, {SCHEME}..., SCRAM-SHA-256$...)"},
    {"secret_missing", With("[authentication.fallback-admin]\nuser = \"admin\"\n"),
     "1: [authentication.fallback-admin]: missing key 'secret'"},
    {"user_empty", With("[authentication.fallback-admin]\nuser = \"\"\nsecret = \"$6$x\"\n"),
     "2: [authentication.fallback-admin]: user must not be empty"},
};
INSTANTIATE_TEST_SUITE_P(StorageAndAuth, ConfigErrorTest, testing::ValuesIn(kStorageAndAuthCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ConfigNodeId, FromTheHostNamesLastFourDigits) {
  EXPECT_EQ(NodeIdFromHostName("ausyd1nxvm1234"), 1234u);
  EXPECT_EQ(NodeIdFromHostName("ausyd1nxvm1234.example.test"), 1234u);
  EXPECT_EQ(NodeIdFromHostName("node98765"), 8765u);
  EXPECT_EQ(NodeIdFromHostName("mx0042"), 42u);
  EXPECT_EQ(NodeIdFromHostName("mx7"), 7u);
  EXPECT_EQ(NodeIdFromHostName("ringmail"), 0u);
  EXPECT_EQ(NodeIdFromHostName("mail1.example9"), 1u);  // only the first label counts
  EXPECT_EQ(NodeIdFromHostName(""), 0u);
}

TEST(ConfigNodeId, DerivedFromTheConfiguredHostName) {
  Config c =
      ParseOk(std::string("[server]\nhostname = \"ausyd1nxvm1234.example.test\"\n") + kListener);
  EXPECT_EQ(c.node_id, 1234u);
}

TEST(ConfigNodeId, SetExplicitlyWins) {
  Config c =
      ParseOk(std::string("[server]\nhostname = \"ausyd1nxvm1234\"\nnode-id = 7\n") + kListener);
  EXPECT_EQ(c.node_id, 7u);
  EXPECT_EQ(ErrorOf(std::string("[server]\nnode-id = 10000\n") + kListener),
            std::string(kPath) + ":2: [server]: node-id must be in 0..9999, not 10000");
}

}  // namespace
TEST(ConfigTest, MemoryDirectoryPrincipals) {
  Config c = ParseOk(R"(
[listener.imap]
protocol = "imap"
bind = "127.0.0.1:0"
[directory]
type = "memory"
domains = ["example.test"]
[[directory.principal]]
name = "alice"
secret = "{PLAIN}pw"
emails = ["alice@example.test", "a@example.test"]
member-of = "team"
quota = 1000
[[directory.principal]]
name = "team"
type = "group"
active = false
)");
  ASSERT_EQ(c.directory.principals.size(), 2u);
  const MemoryPrincipalConfig& alice = c.directory.principals[0];
  EXPECT_EQ(alice.name, "alice");
  EXPECT_EQ(alice.secret, "{PLAIN}pw");
  EXPECT_EQ(alice.emails, (std::vector<std::string>{"alice@example.test", "a@example.test"}));
  EXPECT_EQ(alice.member_of, std::vector<std::string>{"team"});
  EXPECT_EQ(alice.quota_bytes, 1000u);
  EXPECT_EQ(alice.line, 8);
  EXPECT_FALSE(c.directory.principals[1].active);
  EXPECT_EQ(c.directory.domains, std::vector<std::string>{"example.test"});
}

TEST(ConfigTest, DirectoryAndAuthenticationErrors) {
  const std::string listener = kListener;
  EXPECT_EQ(ErrorOf(listener + "[directory]\ntype = \"sql\"\n"),
            std::string(kPath) +
                ":5: [directory]: type \"sql\" needs a [directory.sql] table with its url");
  EXPECT_EQ(ErrorOf(listener + "[authentication]\npassword-scheme = \"md5\"\n"),
            std::string(kPath) +
                ":6: [authentication]: unknown password-scheme (expected yescrypt, "
                "sha512-crypt, bcrypt, argon2id or scram-sha-256)");
  EXPECT_EQ(ErrorOf(listener + "[authentication]\nplain-text-networks = [\"10.0.0.0/33\"]\n"),
            std::string(kPath) +
                ":6: [authentication]: plain-text-networks: '10.0.0.0/33': prefix "
                "length out of range");
  EXPECT_EQ(ErrorOf(listener + "[[directory.principal]]\nname = \"a\"\nsecret = \"hunter2\"\n"),
            std::string(kPath) +
                ":7: [[directory.principal]]: secret is not a stored secret form (a "
                "crypt(3) or Argon2 hash, {SCHEME}..., SCRAM-SHA-256$...; plain text is written "
                "{PLAIN}...)");
  EXPECT_EQ(
      ErrorOf(listener + "[authentication.fallback-admin]\nuser = \"admin\"\nsecret = \"admin\"\n"),
      std::string(kPath) +
          ":7: [authentication.fallback-admin]: secret must be a password hash "
          "(crypt(3) such as $6$... or $y$..., Argon2, {SCHEME}..., SCRAM-SHA-256$...)");
  EXPECT_EQ(ErrorOf(listener + "[authentication.rate-limit.per-account]\nwindow-ms = 0\n"),
            std::string(kPath) +
                ":6: [authentication.rate-limit.per-account]: window-ms must be in "
                "1..604800000, not 0");
}

}  // namespace ringmail
