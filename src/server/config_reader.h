// Internal to the config loader (src/server/config*.cc): reads TOML tables into config values
// and turns every problem into a "PATH:LINE: SCOPE: reason" error. Nothing else includes it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "server/config.h"

// toml++ is header-only; only the config*.cc files include it.
#include <toml++/toml.h>

namespace ringmail::config_internal {

int LineOf(const toml::node& node);
int LineOf(const toml::key& key);

// Untrusted text made safe to quote in a message: bytes outside printable ASCII become '?',
// and the result is cut at 64 characters.
std::string Printable(std::string_view text);

// "PATH:LINE: reason" as a kConfig error.
std::unexpected<Error> FailAt(std::string_view path, int line, std::string_view reason);

// Rejects the inputs on which toml++ 3.3 (Debian 12) has undefined behaviour instead of
// reporting an error, so that toml::parse only ever sees text it handles (config_toml_guard.cc
// lists them). Everything it rejects is invalid TOML or, at worst, TOML no valid config uses.
Result<void> CheckTomlInput(std::string_view path, std::string_view text);

// True when TEXT is a DNS host name: dot-separated labels of [A-Za-z0-9-], 1..63 characters,
// 253 characters in all. With allow_wildcard, a leading "*." is accepted too.
bool IsHostName(std::string_view text, bool allow_wildcard);

// True when TEXT matches [a-z0-9-]+ (listener and certificate names).
bool IsSimpleName(std::string_view text);

// TABLE's entries sorted by line: toml::table iterates in key order, but errors and
// listeners should follow the file.
struct Entry {
  const toml::key* key;
  const toml::node* value;
};
std::vector<Entry> InFileOrder(const toml::table& table);

// A string with its line, from an array or a single value.
struct LinedString {
  std::string value;
  int line = 0;
};

// One TOML table read as a config section. SCOPE prefixes every message ("[server]",
// "listener 'imap'"). Getters leave their output untouched when the key is absent, and fail
// when it has the wrong type or an out-of-range value; strings never hold control characters.
// REQUIRES: PATH's characters and TABLE outlive the Section.
class Section {
 public:
  Section(std::string_view path, const toml::table& table, std::string scope)
      : path_(path), table_(table), scope_(std::move(scope)) {}

  const toml::table& table() const { return table_; }
  std::string_view path() const { return path_; }
  int line() const { return LineOf(table_); }

  // "PATH:LINE: SCOPE: reason".
  std::unexpected<Error> Fail(int line, std::string_view reason) const;

  // Fails on the first key (in file order) that is not in ALLOWED.
  Result<void> AllowOnly(std::initializer_list<std::string_view> allowed) const;

  // The value under KEY, or nullptr.
  const toml::node* Find(std::string_view key) const { return table_.get(key); }

  Result<void> String(std::string_view key, std::string* out) const;
  // Fails at the table's line when KEY is absent.
  Result<void> RequiredString(std::string_view key, std::string* out) const;
  Result<void> Uint32(std::string_view key, uint32_t min, uint32_t max, uint32_t* out) const;
  Result<void> Uint64(std::string_view key, uint64_t min, uint64_t max, uint64_t* out) const;
  Result<void> Bool(std::string_view key, bool* out) const;
  Result<void> PowerOfTwo(std::string_view key, uint32_t min, uint32_t max, uint32_t* out) const;
  // A string or (when single_allowed) an array of strings; an array may be empty.
  Result<std::optional<std::vector<LinedString>>> Strings(std::string_view key,
                                                          bool single_allowed) const;
  // A string that must be one of NAMES; *index gets its position in NAMES. WHAT names the
  // kind of value in "unknown WHAT 'x'".
  Result<void> OneOf(std::string_view key, std::string_view what,
                     std::span<const std::string_view> names, size_t* index) const;
  // A subtable, or nullptr when absent.
  Result<const toml::table*> Table(std::string_view key) const;

 private:
  Result<std::string> StringValue(std::string_view key, const toml::node& node) const;

  std::string_view path_;
  const toml::table& table_;
  std::string scope_;
};

// [tls] and [tls.NAME] (NODE is the value of the top-level "tls" key).
Result<void> ReadTls(std::string_view path, const toml::node& node, Config* config);

// [listener.NAME] tables (NODE is the value of the top-level "listener" key), appended to
// config->listeners in file order.
// REQUIRES: config->tls is already read, so that a listener using TLS without any
// certificate is reported at its tls key.
Result<void> ReadListeners(std::string_view path, const toml::node& node, Config* config);

// [directory] and its subtables (config_directory.cc).
Result<void> ReadDirectory(const Section& s, DirectoryConfig* directory);
// [authentication] and its subtables (config_directory.cc).
Result<void> ReadAuthentication(const Section& s, Config* config);
// [imap] (config_imap.cc).
Result<void> ReadImap(const Section& s, ImapConfig* imap);
// [smtp] (config_smtp.cc).
Result<void> ReadSmtp(const Section& s, SmtpConfig* smtp);
// [queue] (config_queue.cc).
Result<void> ReadQueue(const Section& s, QueueConfig* queue);
// [http] (config_http.cc).
Result<void> ReadHttp(const Section& s, HttpConfig* http);
Result<void> ReadJmap(const Section& s, jmap::Limits* limits);

}  // namespace ringmail::config_internal
