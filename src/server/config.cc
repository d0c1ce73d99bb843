// The config file's top level and the [server], [runtime], [storage], [directory] and
// [authentication] tables; listeners and certificates are in config_listeners.cc.
#include "server/config.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>

#include "base/check.h"
#include "server/config_reader.h"

namespace ringmail {

using config_internal::FailAt;
using config_internal::LineOf;
using config_internal::Printable;
using config_internal::ReadAuthentication;
using config_internal::ReadDirectory;
using config_internal::Section;

namespace {

constexpr std::string_view kDefaultDataDir = "./var";
// The embedded default's listeners: loopback, unprivileged ports (docs/config.md).
struct EmbeddedListener {
  const char* name;
  Protocol protocol;
  const char* bind;
};
constexpr EmbeddedListener kEmbeddedListeners[] = {
    {"imap", Protocol::kImap, "127.0.0.1:10143"},
    {"smtp", Protocol::kSmtp, "127.0.0.1:10025"},
    {"submission", Protocol::kSubmission, "127.0.0.1:10587"},
    {"metrics", Protocol::kMetrics, "127.0.0.1:10090"},
};
constexpr uint32_t kBlobGraceMax = 366 * 86400;            // [storage] blob-grace, seconds
constexpr uint32_t kCollectIntervalMax = 86400;            // [storage] collect-interval, seconds
constexpr uint32_t kOrphanSweepIntervalMax = 366 * 86400;  // [storage] orphan-sweep-interval

// gethostname(2), or "localhost" when it fails or is not a valid host name (the name is
// written into protocol greetings, so it must never carry spaces or line breaks).
std::string MachineHostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || !config_internal::IsHostName(name, false)) {
    return "localhost";
  }
  return name;
}

// DIR + "/" + NAME without doubling a trailing slash.
std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string out(dir);
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  if (out != "/") out += '/';
  out += name;
  return out;
}

Result<void> ReadCores(const Section& s, std::vector<int>* cores) {
  const toml::node* node = s.Find("cores");
  if (node == nullptr) return {};
  const toml::array* array = node->as_array();
  if (array == nullptr) return s.Fail(LineOf(*node), "cores must be an array of integers");
  if (array->empty()) {
    return s.Fail(LineOf(*node), "cores must not be empty (leave it out to use every core)");
  }
  long online = std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));  // -1 if unknown
  std::set<int64_t> seen;
  for (const toml::node& element : *array) {
    const toml::value<int64_t>* value = element.as_integer();
    if (value == nullptr) return s.Fail(LineOf(element), "cores must be an array of integers");
    int64_t core = value->get();
    if (core < 0 || core >= online) {
      return s.Fail(LineOf(element), "cores: " + std::to_string(core) +
                                         " is not an online CPU (0.." + std::to_string(online - 1) +
                                         ")");
    }
    if (!seen.insert(core).second) {
      return s.Fail(LineOf(element), "cores: " + std::to_string(core) + " is listed twice");
    }
    cores->push_back(static_cast<int>(core));
  }
  return {};
}

Result<void> ReadServer(const Section& s, Config* config) {
  TRY(s.AllowOnly({"hostname", "node-id", "cores", "log-level", "data-dir"}));
  if (const toml::node* node = s.Find("hostname")) {
    TRY(s.String("hostname", &config->hostname));
    if (!config_internal::IsHostName(config->hostname, false)) {
      return s.Fail(LineOf(*node),
                    "hostname '" + Printable(config->hostname) + "' is not a valid host name");
    }
  }
  config->node_id = NodeIdFromHostName(config->hostname);
  TRY(s.Uint32("node-id", 0, kNodeIdMax, &config->node_id));
  if (const toml::node* node = s.Find("log-level")) {
    std::string level;
    TRY(s.String("log-level", &level));
    if (!ParseLogLevel(level, &config->log_level)) {
      return s.Fail(LineOf(*node), "unknown log-level '" + Printable(level) +
                                       "' (expected debug, info, warn or error)");
    }
  }
  if (const toml::node* node = s.Find("data-dir")) {
    TRY(s.String("data-dir", &config->data_dir));
    if (config->data_dir.empty()) return s.Fail(LineOf(*node), "data-dir must not be empty");
  }
  return ReadCores(s, &config->runtime.cores);
}

Result<void> ReadRuntime(const Section& s, RuntimeConfig* runtime) {
  TRY(s.AllowOnly({"ring-entries", "recv-buffer-size", "recv-buffer-count",
                   "send-zerocopy-threshold", "workers", "shutdown-timeout-ms"}));
  TRY(s.PowerOfTwo("ring-entries", 64, 32768, &runtime->ring_entries));
  TRY(s.PowerOfTwo("recv-buffer-size", 1024, 65536, &runtime->recv_buffer_size));
  TRY(s.PowerOfTwo("recv-buffer-count", 16, 32768, &runtime->recv_buffer_count));
  TRY(s.Uint32("send-zerocopy-threshold", 0, 64 * 1024 * 1024, &runtime->send_zerocopy_threshold));
  TRY(s.Uint32("workers", 1, 64, &runtime->workers));
  TRY(s.Uint32("shutdown-timeout-ms", 0, 600000, &runtime->shutdown_timeout_ms));
  return {};
}

// Fails unless KEY's value starts with one of PREFIXES and has something after it. The value
// is not quoted in the message: a database URL may hold a password.
Result<void> CheckUrl(const Section& s, std::string_view key, const std::string& value,
                      std::initializer_list<std::string_view> prefixes, std::string_view forms) {
  for (std::string_view prefix : prefixes) {
    if (value.starts_with(prefix) && value.size() > prefix.size()) return {};
  }
  return s.Fail(LineOf(*s.Find(key)), std::string(key) + " must be " + std::string(forms));
}

Result<void> ReadS3(const Section& s, StorageConfig* storage) {
  TRY(s.AllowOnly({"access-key", "secret-key"}));
  TRY(s.RequiredString("access-key", &storage->s3_access_key));
  TRY(s.RequiredString("secret-key", &storage->s3_secret_key));
  if (storage->s3_access_key.empty()) {
    return s.Fail(LineOf(*s.Find("access-key")), "access-key must not be empty");
  }
  if (storage->s3_secret_key.empty()) {
    return s.Fail(LineOf(*s.Find("secret-key")), "secret-key must not be empty");
  }
  return {};
}

Result<void> ReadStorage(const Section& s, StorageConfig* storage) {
  TRY(s.AllowOnly({"metadata", "blobs", "s3", "unavailable-at-start", "blob-grace",
                   "collect-interval", "orphan-sweep-interval", "compression"}));
  if (const toml::node* node = s.Find("metadata")) {
    TRY(s.String("metadata", &storage->metadata));
    TRY(CheckUrl(s, "metadata", storage->metadata, {"sqlite://", "postgresql://", "postgres://"},
                 "sqlite://PATH, postgresql://... or postgres://..."));
    storage->metadata_line = LineOf(*node);
  }
  if (const toml::node* node = s.Find("blobs")) {
    TRY(s.String("blobs", &storage->blobs));
    TRY(CheckUrl(s, "blobs", storage->blobs, {"file://", "s3://"}, "file://PATH or s3://BUCKET"));
    storage->blobs_line = LineOf(*node);
  }
  static constexpr std::string_view kPolicies[] = {"retry", "exit"};
  size_t policy = 0;
  TRY(s.OneOf("unavailable-at-start", "unavailable-at-start value", kPolicies, &policy));
  storage->unavailable_at_start =
      policy == 0 ? UnavailableAtStart::kRetry : UnavailableAtStart::kExit;
  static constexpr std::string_view kCompressions[] = {"none", "zstd"};
  size_t compression = 0;
  TRY(s.OneOf("compression", "compression", kCompressions, &compression));
  storage->compress_blobs = compression == 1;
  TRY(s.Uint32("blob-grace", 0, kBlobGraceMax, &storage->blob_grace_s));
  TRY(s.Uint32("collect-interval", 1, kCollectIntervalMax, &storage->collect_interval_s));
  TRY(s.Uint32("orphan-sweep-interval", 1, kOrphanSweepIntervalMax,
               &storage->orphan_sweep_interval_s));
  const toml::table* s3 = TRY(s.Table("s3"));
  if (s3 != nullptr) TRY(ReadS3(Section(s.path(), *s3, "[storage.s3]"), storage));
  return {};
}

constexpr std::string_view kTopLevelTables[] = {"server",  "runtime",   "listener",       "tls",
                                                "storage", "directory", "authentication", "imap",
                                                "smtp",    "queue",     "http",           "jmap"};

// Every top-level key must be one of kTopLevelTables and hold a table; the first offender in
// file order is reported.
Result<void> CheckTopLevel(std::string_view path, const toml::table& root) {
  for (const config_internal::Entry& entry : config_internal::InFileOrder(root)) {
    std::string name = Printable(entry.key->str());
    bool known = std::find(std::begin(kTopLevelTables), std::end(kTopLevelTables),
                           entry.key->str()) != std::end(kTopLevelTables);
    if (known && entry.value->is_table()) continue;
    if (known) return FailAt(path, LineOf(*entry.value), name + " must be a table");
    if (entry.value->is_table()) {
      return FailAt(path, LineOf(*entry.key), "unknown table [" + name + "]");
    }
    return FailAt(path, LineOf(*entry.key), "unknown key '" + name + "'");
  }
  return {};
}

// Reads each top-level table whose reader takes a Section.
Result<void> ReadSections(std::string_view path, const toml::table& root, Config* config) {
  auto section = [&](std::string_view name) -> std::optional<Section> {
    const toml::node* node = root.get(name);
    if (node == nullptr) return std::nullopt;
    return Section(path, *node->as_table(), "[" + std::string(name) + "]");
  };
  if (auto s = section("server")) TRY(ReadServer(*s, config));
  if (auto s = section("runtime")) TRY(ReadRuntime(*s, &config->runtime));
  if (auto s = section("storage")) TRY(ReadStorage(*s, &config->storage));
  if (auto s = section("directory")) TRY(ReadDirectory(*s, &config->directory));
  if (auto s = section("authentication")) TRY(ReadAuthentication(*s, config));
  if (auto s = section("imap")) TRY(ReadImap(*s, &config->imap));
  if (auto s = section("smtp")) TRY(ReadSmtp(*s, &config->smtp));
  if (auto s = section("queue")) TRY(ReadQueue(*s, &config->queue));
  if (auto s = section("http")) TRY(ReadHttp(*s, &config->http));
  if (auto s = section("jmap")) TRY(ReadJmap(*s, &config->jmap));
  return {};
}

}  // namespace

const char* ProtocolName(Protocol protocol) {
  switch (protocol) {
    case Protocol::kImap: return "imap";
    case Protocol::kSmtp: return "smtp";
    case Protocol::kSubmission: return "submission";
    case Protocol::kRelay: return "relay";
    case Protocol::kLmtp: return "lmtp";
    case Protocol::kHttp: return "http";
    case Protocol::kMetrics: return "metrics";
  }
  return "unknown";
}

const char* TlsModeName(TlsMode mode) {
  switch (mode) {
    case TlsMode::kNone: return "none";
    case TlsMode::kStartTls: return "starttls";
    case TlsMode::kImplicit: return "implicit";
  }
  return "unknown";
}

Result<Config> ParseConfig(std::string_view text, std::string_view path) {
  TRY(config_internal::CheckTomlInput(path, text));
  toml::parse_result parsed = toml::parse(text, path);
  if (!parsed) {
    const toml::parse_error& error = parsed.error();
    int line = std::max(1, static_cast<int>(error.source().begin.line));
    return FailAt(path, line, error.description());
  }
  const toml::table& root = parsed.table();
  TRY(CheckTopLevel(path, root));

  Config config;
  config.path = path;
  config.hostname = MachineHostName();
  config.node_id = NodeIdFromHostName(config.hostname);
  config.data_dir = kDefaultDataDir;
  TRY(ReadSections(path, root, &config));
  if (const toml::node* tls = root.get("tls")) TRY(config_internal::ReadTls(path, *tls, &config));
  const toml::node* listeners = root.get("listener");
  if (listeners != nullptr) TRY(config_internal::ReadListeners(path, *listeners, &config));
  if (config.listeners.empty()) {
    int line = listeners != nullptr ? LineOf(*listeners) : 1;
    return FailAt(path, line, "no listeners: add at least one [listener.NAME] table");
  }
  if (config.storage.metadata.empty()) {
    config.storage.metadata = "sqlite://" + JoinPath(config.data_dir, "meta.db");
  }
  if (config.storage.blobs.empty()) {
    config.storage.blobs = "file://" + JoinPath(config.data_dir, "blobs");
  }
  return config;
}

uint32_t NodeIdFromHostName(std::string_view hostname) {
  std::string_view label = hostname.substr(0, hostname.find('.'));
  size_t digits = 0;
  while (digits < 4 && digits < label.size() &&
         std::isdigit(static_cast<unsigned char>(label[label.size() - 1 - digits]))) {
    ++digits;
  }
  uint32_t id = 0;
  for (char c : label.substr(label.size() - digits)) id = id * 10 + static_cast<uint32_t>(c - '0');
  return id;
}

Result<Config> LoadConfigFile(const std::string& path) {
  auto cannot_read = [&](std::string_view why) {
    return MakeError(ErrorCode::kConfig, path + ": cannot read: " + std::string(why));
  };
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return cannot_read(std::strerror(errno));
  std::string text;
  char buffer[16384];
  while (text.size() <= kConfigFileSizeMax) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return cannot_read(std::strerror(err));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  if (text.size() > kConfigFileSizeMax) {
    return cannot_read("larger than " + std::to_string(kConfigFileSizeMax) + " bytes");
  }
  return ParseConfig(text, path);
}

Config EmbeddedDefaultConfig(std::string_view data_dir) {
  Config config;
  config.path = "<embedded>";
  config.hostname = MachineHostName();
  config.node_id = NodeIdFromHostName(config.hostname);
  config.data_dir = data_dir;
  config.storage.metadata = "sqlite://" + JoinPath(data_dir, "meta.db");
  config.storage.blobs = "file://" + JoinPath(data_dir, "blobs");
  for (const EmbeddedListener& e : kEmbeddedListeners) {
    ListenerConfig listener;
    listener.name = e.name;
    listener.protocol = e.protocol;
    Result<SocketAddress> bind = SocketAddress::Parse(e.bind);
    CHECK(bind.has_value(), "the embedded addresses must parse");
    listener.bind.push_back(*bind);
    config.listeners.push_back(std::move(listener));
  }
  return config;
}

}  // namespace ringmail
