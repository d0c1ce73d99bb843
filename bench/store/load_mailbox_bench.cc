// bench_store_load_mailbox [--backends sqlite,postgres] [--postgres URI] [--dir /var/tmp]
//                          [--messages 10000] [--loads 100]
//
// "Load mailbox state" — what opening a mailbox reads — for one mailbox holding N messages:
// LoadMailbox (every message in full) and LoadMailboxIndex (UID, modseq and flags: what an
// IMAP SELECT keeps), timed one call at a time, alternating. Each backend gets a fresh store
// and a mailbox filled by N metadata-only deliveries from 64 coroutines (not timed: SQLite
// with group commit, PostgreSQL pipelined with synchronous_commit off on the filling
// connections), with flags as a mailbox has them: two thirds \Seen, one in 17 \Flagged, one
// in 10 the keyword $Junk, one in 29 "$Forwarded work". Then 3 untimed loads of each read
// and `loads` timed ones. On PostgreSQL twice: "fresh", right after the fill with autovacuum
// off for the table (no page is all-visible, so an index-only scan still reads the table),
// and "vacuumed", after VACUUM (ANALYZE) — the state autovacuum keeps a mailbox in.
//
// Prints per backend, state and read the median, p90, p99, min and max milliseconds; this
// process's CPU milliseconds per load (SQLite runs inside it, PostgreSQL does not: there it
// is the client's share); `srv ms`, the CPU milliseconds per load of the PostgreSQL server's
// processes (0 when it runs on another machine); loads/s over the timed loads' wall time; and, for
// the index, its median over the full read's. Target: LoadMailboxIndex on PostgreSQL under 5 ms for
// 10,000 messages.
#include <dirent.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "common/flags.h"
#include "store_bench.h"

namespace ringmail::bench {
namespace {

constexpr int kFillers = 64;
constexpr int kWarmup = 3;

// The timed loads of one read in one state.
struct Series {
  std::vector<double> ms;
  double cpu_seconds = 0;         // this process's, over the loads
  double server_cpu_seconds = 0;  // the PostgreSQL server processes', over the loads
  double wall_seconds = 0;
};

struct Phase {
  std::string state;
  Series full;
  Series index;
};

struct LoadBench {
  LoadBench(int messages, int loads_in) : queue(messages, kFillers), loads(loads_in) {}

  BenchMetadata* metadata = nullptr;
  MetadataStore* store = nullptr;
  int64_t mailbox = 0;
  WorkQueue queue;  // the fill
  int loads;
  int postmaster = 0;  // PostmasterPid
  double fill_seconds = 0;
  std::vector<Phase> phases;
};

MessageFlags BenchFlags(int index) {
  MessageFlags f;
  f.seen = index % 3 != 0;
  f.flagged = index % 17 == 0;
  if (index % 10 == 0) f.keywords = {"$Junk"};
  if (index % 29 == 0) f.keywords = {"$Forwarded", "work"};
  return f;
}

Task<void> Filler(LoadBench* b) {
  for (int index = b->queue.Take(); index >= 0; index = b->queue.Take()) {
    const BlobKey key = BlobKey::Of("message " + std::to_string(index));
    DeliveryRequest request = MetadataOnlyDelivery(b->mailbox, key, 4096 + index % 50000);
    request.targets[0].flags = BenchFlags(index);
    Result<std::vector<PlacedMessage>> placed = co_await b->store->Deliver(std::move(request));
    if (!placed && b->queue.failures++ == 0) {
      std::fprintf(stderr, "fill: %s\n", placed.error().ToString().c_str());
    }
  }
  b->queue.done.Done();
}

// One read of the mailbox; false (reported) unless it returns every message.
Task<bool> LoadOnce(LoadBench* b, bool index) {
  size_t count = 0;
  if (index) {
    Result<MailboxIndex> loaded = co_await b->store->LoadMailboxIndex(b->mailbox);
    if (!loaded) {
      std::fprintf(stderr, "LoadMailboxIndex: %s\n", loaded.error().ToString().c_str());
      co_return false;
    }
    count = loaded->messages.size();
  } else {
    Result<MailboxSnapshot> loaded = co_await b->store->LoadMailbox(b->mailbox);
    if (!loaded) {
      std::fprintf(stderr, "LoadMailbox: %s\n", loaded.error().ToString().c_str());
      co_return false;
    }
    count = loaded->messages.size();
  }
  if (count != static_cast<size_t>(b->queue.count)) {
    std::fprintf(stderr, "%s returned %zu messages, not %d\n",
                 index ? "LoadMailboxIndex" : "LoadMailbox", count, b->queue.count);
    co_return false;
  }
  co_return true;
}

// The postmaster of the cluster at `uri` when it runs on this machine (the parent of a
// backend we ask), else 0.
int PostmasterPid(const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  PGresult* r = PQexec(conn, "SELECT pg_backend_pid()");
  const int backend = PQresultStatus(r) == PGRES_TUPLES_OK ? std::atoi(PQgetvalue(r, 0, 0)) : 0;
  PQclear(r);
  int parent = 0;
  std::ifstream status("/proc/" + std::to_string(backend) + "/status");
  for (std::string line; backend > 0 && std::getline(status, line);) {
    if (line.starts_with("PPid:")) parent = std::atoi(line.c_str() + 5);
  }
  PQfinish(conn);  // after reading: the backend is gone once closed
  return parent;
}

// The CPU seconds (user and system) of the postmaster `postmaster` and its children: the
// server's share of a load (0 without one). Read outside the timed window and this process's
// CPU: a scan of /proc costs a few hundred microseconds.
double ServerCpuSeconds(int postmaster) {
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  if (postmaster <= 0) return 0;
  double seconds = 0;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return 0;
  for (dirent* d = readdir(proc); d != nullptr; d = readdir(proc)) {
    if (d->d_name[0] < '0' || d->d_name[0] > '9') continue;
    std::ifstream stat(std::string("/proc/") + d->d_name + "/stat");
    std::string line;
    if (!std::getline(stat, line) || line.rfind(')') == std::string::npos) continue;
    // After "pid (comm) ": state, ppid, ... utime (field 14), stime (15).
    int pid = std::atoi(d->d_name), ppid = 0;
    unsigned long utime = 0, stime = 0;
    if (std::sscanf(line.c_str() + line.rfind(')') + 2,
                    "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ppid, &utime,
                    &stime) == 3 &&
        (pid == postmaster || ppid == postmaster)) {
      seconds += static_cast<double>(utime + stime) / ticks;
    }
  }
  closedir(proc);
  return seconds;
}

// One timed load into `series`.
Task<void> TimedLoad(LoadBench* b, bool index, Series* series) {
  const double server_start = ServerCpuSeconds(b->postmaster);
  const double start = NowSeconds();
  const double cpu_start = CpuSeconds();
  const bool loaded = co_await LoadOnce(b, index);
  if (!loaded) ++b->queue.failures;
  const double seconds = NowSeconds() - start;
  series->ms.push_back(seconds * 1000);
  series->wall_seconds += seconds;
  series->cpu_seconds += CpuSeconds() - cpu_start;
  series->server_cpu_seconds += ServerCpuSeconds(b->postmaster) - server_start;
}

// Warms up and times both reads, alternating which goes first.
Task<void> Measure(LoadBench* b, std::string state) {
  Phase phase;
  phase.state = std::move(state);
  for (int i = 0; i < kWarmup && b->queue.failures == 0; ++i) {
    const bool full = co_await LoadOnce(b, false);
    const bool index = co_await LoadOnce(b, true);
    if (!full || !index) ++b->queue.failures;
  }
  for (int i = 0; i < b->loads && b->queue.failures == 0; ++i) {
    const bool index_first = i % 2 == 1;
    co_await TimedLoad(b, index_first, index_first ? &phase.index : &phase.full);
    co_await TimedLoad(b, !index_first, index_first ? &phase.full : &phase.index);
  }
  b->phases.push_back(std::move(phase));
}

// The PostgreSQL statement `sql`; false (reported) when it fails.
bool Exec(LoadBench* b, const std::string& sql) {
  const std::string error = b->metadata->PostgresExec(sql);
  if (error.empty()) return true;
  std::fprintf(stderr, "%s: %s\n", sql.c_str(), error.c_str());
  ++b->queue.failures;
  return false;
}

Task<void> Drive(LoadBench* b, bool postgres) {
  b->mailbox = co_await CreateBenchInbox(b->store);
  if (b->mailbox == 0) {
    ++b->queue.failures;
    co_return;
  }
  if (postgres && !Exec(b, "ALTER TABLE mailbox_messages SET (autovacuum_enabled = off)")) {
    co_return;
  }
  const double start = NowSeconds();
  for (int i = 0; i < kFillers; ++i) Spawn(Filler(b));
  co_await b->queue.done.Wait();
  b->fill_seconds = NowSeconds() - start;
  if (b->queue.failures > 0) co_return;
  co_await Measure(b, postgres ? "fresh" : "-");
  if (!postgres || b->queue.failures > 0) co_return;
  if (!Exec(b, "VACUUM (ANALYZE) mailbox_messages")) co_return;
  co_await Measure(b, "vacuumed");
}

void PrintSeries(const std::string& backend, const Phase& phase, bool index, double full_median) {
  const Series& s = index ? phase.index : phase.full;
  const double median = Quantile(s.ms, 0.5);
  const auto [min, max] = std::minmax_element(s.ms.begin(), s.ms.end());
  const auto n = static_cast<double>(s.ms.size());
  std::printf("%-9s %-9s %-6s %9.2f %7.2f %7.2f %7.2f %7.2f %7.2f %7.2f %8.1f", backend.c_str(),
              phase.state.c_str(), index ? "index" : "full", median, Quantile(s.ms, 0.9),
              Quantile(s.ms, 0.99), *min, *max, s.cpu_seconds * 1000 / n,
              s.server_cpu_seconds * 1000 / n, n / s.wall_seconds);
  if (index) std::printf(" %6.2f  < 5 ms", median / full_median);
  std::printf("\n");
}

// Fills and loads on `spec`'s backend and prints its lines; false when it failed.
bool RunBackend(const MetadataSpec& spec, int messages, int loads) {
  std::unique_ptr<BenchMetadata> metadata = BenchMetadata::Open(spec);
  if (metadata == nullptr) return false;
  LoadBench b(messages, loads);
  b.metadata = metadata.get();
  b.store = &metadata->store();
  if (spec.backend == "postgres") b.postmaster = PostmasterPid(spec.postgres_uri);
  if (!RunOnReactor(Drive(&b, spec.backend == "postgres")) || b.queue.failures > 0) return false;
  std::printf("%s: filled in %.1f s\n", spec.backend.c_str(), b.fill_seconds);
  for (const Phase& phase : b.phases) {
    PrintSeries(spec.backend, phase, false, 0);
    PrintSeries(spec.backend, phase, true, Quantile(phase.full.ms, 0.5));
  }
  std::fflush(stdout);
  return true;
}

}  // namespace
}  // namespace ringmail::bench

int main(int argc, char** argv) {
  using namespace ringmail;
  bench::Flags flags(argc, argv, {"--backends", "--postgres", "--dir", "--messages", "--loads"});
  bench::InitStoreBench();
  const std::string postgres = flags.String("--postgres", "");
  const int messages = static_cast<int>(flags.Int("--messages", 10000));
  const int loads = static_cast<int>(flags.Int("--loads", 100));
  if (messages < 1 || loads < 1) {
    std::fprintf(stderr, "--messages and --loads must be positive\n");
    return 2;
  }
  std::printf(
      "One mailbox holding %d messages: LoadMailbox (full) and LoadMailboxIndex (index), %d "
      "timed loads of each, alternating\n",
      messages, loads);
  std::printf(
      "backend   state     read   median ms  p90 ms  p99 ms  min ms  max ms  cpu ms  srv ms  "
      "loads/s  x full  target\n");
  for (const std::string& backend : bench::SplitList(
           flags.String("--backends", postgres.empty() ? "sqlite" : "sqlite,postgres"))) {
    bench::MetadataSpec spec;
    spec.backend = backend;
    spec.dir = flags.String("--dir", "/var/tmp");
    spec.postgres_uri = postgres;
    spec.postgres_settings = {"synchronous_commit=off"};  // the fill only; loads only read
    if (!bench::RunBackend(spec, messages, loads)) return 1;
  }
  return 0;
}
