#include "store_bench.h"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "base/log.h"
#include "base/metrics.h"
#include "runtime/reactor.h"
#include "runtime/runtime_metrics.h"
#include "store/postgres_test_server.h"

namespace ringmail::bench {

void InitStoreBench() {
  SetLogLevel(LogLevel::kWarn);  // not the reactor's start and stop
  MetricsRegistry::Global().ResetForTesting();
  RegisterRuntimeMetrics();
  MetricsRegistry::Global().Freeze(1);
}

namespace {

Task<void> RunThenStop(Task<void> task, Reactor* reactor) {
  co_await std::move(task);
  reactor->RequestStop();
}

// `uri` with more `-c NAME=VALUE` settings appended to its (last) options parameter, which
// TestSchema::uri() always has.
std::string WithSettings(std::string uri, const std::vector<std::string>& settings) {
  for (const std::string& setting : settings) {
    uri += "%20-c%20";
    for (const char c : setting) uri += c == '=' ? std::string("%3D") : std::string(1, c);
  }
  return uri;
}

// CreateBenchInbox's failure.
int64_t NoInbox(const std::string& why) {
  std::fprintf(stderr, "creating the benchmark's account: %s\n", why.c_str());
  return 0;
}

}  // namespace

bool RunOnReactor(Task<void> task) {
  ReactorOptions options;
  options.recv_buffer_count = 256;
  options.direct_files_max = 256;  // a few sockets to S3 at most
  Result<std::unique_ptr<Reactor>> reactor = Reactor::Create(options);
  if (!reactor) {
    std::fprintf(stderr, "reactor: %s\n", reactor.error().ToString().c_str());
    return false;
  }
  Spawn(RunThenStop(std::move(task), reactor->get()));
  (*reactor)->Run();
  return true;
}

std::unique_ptr<BenchMetadata> BenchMetadata::Open(const MetadataSpec& spec) {
  std::unique_ptr<BenchMetadata> m(new BenchMetadata());
  if (spec.backend == "sqlite") {
    m->dir_ = spec.dir + "/ringmail-store-bench";
    std::filesystem::remove_all(m->dir_);
    SqliteStoreOptions options;
    options.path = m->dir_ + "/meta.db";
    options.executor.batch_max = spec.sqlite_batch_max;
    Result<std::unique_ptr<SqliteMetadataStore>> store = SqliteMetadataStore::Open(options);
    if (!store) {
      std::fprintf(stderr, "SQLite in %s: %s\n", m->dir_.c_str(), store.error().ToString().c_str());
      return nullptr;
    }
    m->sqlite_ = store->get();
    m->store_ = std::move(*store);
    return m;
  }
  if (spec.backend != "postgres" || spec.postgres_uri.empty()) {
    std::fprintf(stderr, "backend %s: want sqlite, or postgres with --postgres URI\n",
                 spec.backend.c_str());
    return nullptr;
  }
  // The schema's owner connection drops it with CASCADE, which would print a NOTICE for each
  // object; the store's own connections get their options from the schema's URI instead.
  const std::string quiet = spec.postgres_uri +
                            (spec.postgres_uri.find('?') == std::string::npos ? "?" : "&") +
                            "options=-c%20client_min_messages%3Dwarning";
  m->schema_ = std::make_unique<testing::TestSchema>(quiet);
  if (!m->schema_->error().empty()) {
    std::fprintf(stderr, "PostgreSQL schema: %s\n", m->schema_->error().c_str());
    return nullptr;
  }
  PostgresStoreOptions options = spec.postgres;
  options.uri = WithSettings(m->schema_->uri(), spec.postgres_settings);
  Result<std::unique_ptr<PostgresMetadataStore>> store = PostgresMetadataStore::Open(options);
  if (!store) {
    std::fprintf(stderr, "PostgreSQL: %s\n", store.error().ToString().c_str());
    return nullptr;
  }
  m->store_ = std::move(*store);
  return m;
}

std::string BenchMetadata::PostgresExec(const std::string& sql) {
  return schema_ == nullptr ? "" : testing::PostgresExec(schema_->uri(), sql);
}

BenchMetadata::~BenchMetadata() {
  store_.reset();
  schema_.reset();
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

Task<int64_t> CreateBenchInbox(MetadataStore* store) {
  AccountRecord account;
  account.name = "bench";
  Result<AccountRecord> created = co_await store->CreateAccount(account);
  if (!created) co_return NoInbox(created.error().ToString());
  Result<std::vector<MailboxRecord>> mailboxes = co_await store->ListMailboxes(created->id);
  if (!mailboxes) co_return NoInbox(mailboxes.error().ToString());
  for (const MailboxRecord& m : *mailboxes) {
    if (m.name == "INBOX") co_return m.id;
  }
  co_return NoInbox("the new account has no INBOX");
}

DeliveryRequest MetadataOnlyDelivery(int64_t mailbox, const BlobKey& key, uint64_t size) {
  DeliveryRequest request;
  request.blob = key;
  request.size = size;
  request.stored_size = size;
  request.received_at = 1700000000;
  request.blob_stored_at_ms = MonotonicMs();
  const std::string id = key.Hex().substr(0, 16);
  request.summary.message_id = "<" + id + "@bench.example>";
  request.summary.subject = "Benchmark message " + id;
  request.summary.from_display = "Bench Sender";
  request.summary.sent_at = 1700000000;
  request.summary.preview = std::string(120, 'p');
  request.summary.envelope = "(\"Tue, 14 Nov 2023 22:13:20 +0000\" \"Benchmark message " + id +
                             "\" ((\"Bench Sender\" NIL \"sender\" \"bench.example\")) " +
                             std::string(160, 'e') + ")";
  request.summary.bodystructure = "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" " +
                                  std::to_string(size) + " 40 NIL NIL NIL NIL)";
  request.targets.push_back({mailbox, {}});
  return request;
}

std::vector<std::string> MakeMessages(int count, size_t size) {
  std::vector<std::string> out;
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (int i = 0; i < count; ++i) {
    std::string m = "Subject: bench " + std::to_string(i) + "\r\n\r\n";
    while (m.size() < size) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      m.push_back(static_cast<char>('a' + x % 26));
      if (m.size() % 78 == 0) m += "\r\n";
    }
    m.resize(size);
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<std::string> SplitList(const std::string& list) {
  std::vector<std::string> out;
  for (size_t start = 0; start < list.size();) {
    const size_t comma = std::min(list.find(',', start), list.size());
    out.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

double Quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

double NowSeconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double CpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace ringmail::bench
