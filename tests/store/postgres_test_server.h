// PostgreSQL for the tests, through tests/store/pg_cluster.sh (127.0.0.1, trust
// authentication as the user postgres, fsync on):
//   SharedPostgresUri()  one cluster for the whole test run: the first test that asks (in any
//                        process) starts it, later ones find it running; ctest's postgres_stop
//                        stops it after the run.
//   TestSchema           a fresh schema in that cluster for one test, dropped at its end; its
//                        uri() makes the schema the search_path of every connection.
//   PostgresTestServer   a private cluster for one test, to kill, pause and restart.
// All of it blocks: use it from the test's own thread (in SetUp or the test body).
#pragma once

#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "testing/launched_server.h"

namespace ringmail::testing {

namespace pg_internal {

inline std::string Script() { return SourceDir() + "/tests/store/pg_cluster.sh"; }

// The shared cluster's directory: the environment's RINGMAIL_TEST_PG_DIR, else the one
// CMake compiles in (one per build directory, which its postgres_stop test stops), else one
// per source tree.
inline std::string SharedDir() {
  if (const char* env = std::getenv("RINGMAIL_TEST_PG_DIR")) return env;
#ifdef RINGMAIL_TEST_PG_DIR
  return RINGMAIL_TEST_PG_DIR;
#else
  uint64_t hash = 14695981039346656037ull;  // FNV-1a
  for (const char c : SourceDir()) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return std::string("/tmp/ringmail-test-pg-") + hex;
#endif
}

// Runs `pg_cluster.sh ensure DIR` and returns its exit status (-1 when it could not run) and
// stdout. It gets no descriptor of ours beyond 0-2: the server it daemonizes would inherit
// them, and a pipe held open that way keeps ctest waiting.
inline int RunEnsure(const std::string& dir, std::string* out) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return -1;
  const std::string script = Script();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::close_range(3, ~0u, 0);
    ::execl("/bin/bash", "bash", script.c_str(), "ensure", dir.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    return -1;
  }
  char buf[512];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) != 0) {
    if (n > 0) out->append(buf, static_cast<size_t>(n));
    if (n < 0 && errno != EINTR) break;
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The pids of every descendant of `root` (children first), from /proc. PostgreSQL's backends
// leave the postmaster's process group (each calls setsid), so signalling the group does not
// reach them.
inline std::vector<pid_t> Descendants(pid_t root) {
  std::vector<std::pair<pid_t, pid_t>> procs;  // pid, parent
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] < '0' || name[0] > '9') continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    const size_t paren = stat.rfind(')');  // the command name may hold spaces and parens
    if (paren == std::string::npos || paren + 4 >= stat.size()) continue;
    procs.emplace_back(std::atoi(name.c_str()), std::atoi(stat.c_str() + paren + 4));
  }
  std::vector<pid_t> out;
  std::vector<pid_t> parents{root};
  for (size_t i = 0; i < parents.size(); ++i) {
    for (const auto& [pid, ppid] : procs) {
      if (ppid == parents[i]) {
        out.push_back(pid);
        parents.push_back(pid);
      }
    }
  }
  return out;
}

}  // namespace pg_internal

// Runs `sql` on a new connection to `uri`. Returns "" on success, else the error. With
// `value`, stores the first column of the first row there ("" without rows).
inline std::string PostgresExec(const std::string& uri, const std::string& sql,
                                std::string* value = nullptr) {
  const char* keys[] = {"dbname", "connect_timeout", nullptr};
  const char* values[] = {uri.c_str(), "10", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    const ExecStatusType status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      error = PQresultErrorMessage(res);
    } else if (value != nullptr) {
      *value = PQntuples(res) > 0 && PQnfields(res) > 0 ? PQgetvalue(res, 0, 0) : "";
    }
    PQclear(res);
  }
  PQfinish(conn);
  while (!error.empty() && error.back() == '\n') error.pop_back();
  return error;
}

// The URI of the test run's shared cluster, postgresql://postgres@127.0.0.1:PORT/postgres,
// starting it when it does not run. Asks pg_cluster.sh once per process. Returns "" when there
// is none, with the reason in *why_not and *skipped (when given) true when PostgreSQL is not
// installed (GTEST_SKIP) rather than broken (fail).
inline std::string SharedPostgresUri(std::string* why_not, bool* skipped = nullptr) {
  struct Answer {
    std::string uri;
    std::string why_not;
    bool skipped = false;
  };
  static const Answer answer = [] {
    Answer a;
    const std::string dir = pg_internal::SharedDir();
    std::string out;
    const int status = pg_internal::RunEnsure(dir, &out);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    const std::string last = out.substr(out.rfind('\n') + 1);  // npos + 1 == 0
    if (status == 0 && last.rfind("postgresql://", 0) == 0) {
      a.uri = last;
    } else if (status == 77) {
      a.skipped = true;
      a.why_not = last.rfind("SKIP: ", 0) == 0 ? last.substr(6) : last;
    } else {
      a.why_not = "pg_cluster.sh ensure " + dir + " failed with status " + std::to_string(status) +
                  " (see stderr)";
    }
    return a;
  }();
  if (why_not != nullptr) *why_not = answer.why_not;
  if (skipped != nullptr) *skipped = answer.skipped;
  return answer.uri;
}

// A schema of its own for one test, t_<pid>_<counter>_<random>, in the cluster at `base_uri`
// (usually SharedPostgresUri()): created by the constructor, dropped with everything in it by
// the destructor. Connections through uri() have it as their search_path, so the code under
// test creates its tables there without knowing. Close those connections before the
// destructor runs: the drop waits for their locks (30 s at most, then it gives up and says so).
class TestSchema {
 public:
  explicit TestSchema(const std::string& base_uri) : base_uri_(base_uri) {
    static std::atomic<uint32_t> counter{0};
    static const uint32_t random = std::random_device{}();
    char name[64];
    std::snprintf(name, sizeof name, "t_%d_%u_%08x", static_cast<int>(::getpid()),
                  counter.fetch_add(1), random);
    name_ = name;
    // libpq percent-decodes the URI's options into "-c search_path=NAME".
    uri_ = base_uri_ + (base_uri_.find('?') == std::string::npos ? "?" : "&") +
           "options=-c%20search_path%3D" + name_;
    error_ = PostgresExec(base_uri_, "CREATE SCHEMA " + name_);
    created_ = error_.empty();
  }
  ~TestSchema() {
    if (!created_) return;
    const std::string error = PostgresExec(
        base_uri_, "SET lock_timeout = '30s'; SET client_min_messages = warning; DROP SCHEMA " +
                       name_ + " CASCADE");
    if (!error.empty()) {
      std::fprintf(stderr, "TestSchema: dropping %s failed: %s\n", name_.c_str(), error.c_str());
    }
  }
  TestSchema(const TestSchema&) = delete;
  TestSchema& operator=(const TestSchema&) = delete;

  // "" when the schema exists; else why it could not be created.
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }
  const std::string& uri() const { return uri_; }

 private:
  std::string base_uri_;
  std::string name_;
  std::string uri_;
  std::string error_;
  bool created_ = false;
};

// A fresh TestSchema in the shared test cluster (a fixture's SetUp), or null with `*why_not`
// said: no PostgreSQL for the tests, or the schema could not be made.
inline std::unique_ptr<TestSchema> NewTestSchema(std::string* why_not) {
  const std::string base = SharedPostgresUri(why_not);
  if (base.empty()) {
    *why_not = "no PostgreSQL for the tests: " + *why_not;
    return nullptr;
  }
  auto schema = std::make_unique<TestSchema>(base);
  if (!schema->error().empty()) {
    *why_not = schema->error();
    return nullptr;
  }
  return schema;
}

// A private PostgreSQL cluster in a temporary directory, for tests that break the server.
// Start() runs `pg_cluster.sh run` (the postmaster is our child) and waits for it to accept
// connections; Kill() is a crash (SIGKILL to the postmaster and all its processes), after
// which Start() brings the same data back on the same port through crash recovery.
class PostgresTestServer {
 public:
  PostgresTestServer() {
    char tmpl[] = "/tmp/ringmail-pg-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  ~PostgresTestServer() {
    Kill();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  PostgresTestServer(const PostgresTestServer&) = delete;
  PostgresTestServer& operator=(const PostgresTestServer&) = delete;

  // Starts the server on `port` (0: the port of the previous start, else a free one) and
  // waits until it accepts connections. Returns "" when it runs; otherwise why not, with
  // skipped() telling a missing PostgreSQL apart. REQUIRES: not running.
  std::string Start(uint16_t port = 0) {
    std::string error;
    // A free port can be taken before the server binds it; a picked one gets three tries.
    for (int attempt = 0; attempt < (port == 0 ? 3 : 1); ++attempt) {
      error = StartOnce(port);
      if (error.empty() || skipped_) break;
    }
    return error;
  }

  // A crash: SIGKILL to the postmaster and every process of the server, and reaps it.
  // No-op when not running.
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGSTOP);  // a stopped postmaster forks no new backends meanwhile
    for (const pid_t pid : pg_internal::Descendants(pid_)) ::kill(pid, SIGKILL);
    ::kill(-pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  // SIGSTOP / SIGCONT to every process of the server: connecting hangs (the kernel still
  // accepts), and so does every query on an open connection.
  void Pause() { SignalAll(SIGSTOP); }
  void Resume() { SignalAll(SIGCONT); }

  uint16_t port() const { return port_; }
  bool skipped() const { return skipped_; }
  // The data directory is dir()/data; the server's unix socket is in dir().
  const std::string& dir() const { return dir_; }
  std::string uri() const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
  }

 private:
  std::string StartOnce(uint16_t port) {
    // The first start on a machine runs initdb; crash recovery replays the WAL.
    LaunchedServer launched =
        LaunchServer({"/bin/bash", pg_internal::Script(), "run", dir_, std::to_string(port)},
                     "postgres port=", 180000, "PostgreSQL");
    pid_ = launched.pid;
    port_ = launched.port;
    skipped_ = launched.skipped;
    return launched.error;
  }

  void SignalAll(int sig) {
    if (pid_ <= 0) return;
    ::kill(-pid_, sig);
    for (const pid_t pid : pg_internal::Descendants(pid_)) ::kill(pid, sig);
  }

  std::string dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  bool skipped_ = false;
};

}  // namespace ringmail::testing
