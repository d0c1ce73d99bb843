// The closed-loop IMAP mix (imap_load.h).
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "imap/imap_load.h"
#include "imap/imap_reader.h"
#include "runtime/awaitables.h"
#include "runtime/connect.h"
#include "runtime/reactor.h"

namespace ringmail::bench {
namespace {

uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

double CpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

const ConnectionOptions kConnection = {
    .input_max = 4 << 20, .read_timeout_ms = 60000, .write_timeout_ms = 60000};

struct Shared {
  const ImapLoadOptions* options;
  bool measuring = false;
  bool stopping = false;
  uint64_t t0 = 0, t1 = 0;
  double cpu0 = 0, cpu1 = 0;
  std::array<CmdStats, static_cast<size_t>(Cmd::kCount)> stats;
  uint64_t sessions = 0;       // LOGOUTs completed while measuring
  uint64_t failures = 0;       // connections or sessions that broke off
  uint64_t literal_bytes = 0;  // literal bytes received while measuring
  int live = 0;                // connection loops still running
};

uint64_t SplitMix(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

// A new message of about `size` bytes, as a client would APPEND a draft or a sent copy.
std::string NewMessage(uint64_t id, size_t size) {
  std::string m =
      "From: Load Generator <load@bench.test>\r\nTo: bench@example.test\r\n"
      "Subject: appended by the load generator " +
      std::to_string(id) + "\r\nMessage-ID: <" + std::to_string(id) +
      "@load.bench.test>\r\n"
      "Date: Sun, 22 Nov 2026 12:00:00 +0000\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n\r\n";
  while (m.size() < size) m += "The quick brown fox jumps over the lazy dog, again and again.\r\n";
  return m;
}

class Session {
 public:
  Session(Shared* shared, Connection* conn, uint64_t seed)
      : shared_(shared), conn_(conn), reader_(conn), rng_(seed) {}

  // One whole session; false when it broke off (error, or the run ended meanwhile).
  Task<bool> Run(std::string user) {
    const ImapLoadOptions& o = *shared_->options;
    Result<ImapReply> greeting = co_await reader_.ReadUntil("", false);
    if (!greeting || greeting->status != ImapReply::Status::kGreeting) co_return Fail("greeting");
    bool ok = co_await Ok(Cmd::kLogin, "LOGIN \"" + user + "\" \"" + o.password + "\"");
    if (!ok) co_return Fail("LOGIN");
    ok = co_await Ok(Cmd::kList, "LIST \"\" \"*\"");
    if (ok) ok = co_await Ok(Cmd::kStatus, "STATUS " + o.mailbox + " (MESSAGES UNSEEN UIDNEXT)");
    if (ok) ok = co_await Ok(Cmd::kSelect, "SELECT " + o.mailbox);
    if (ok) ok = co_await Ok(Cmd::kFetchFlags, "FETCH 1:* (FLAGS)");
    for (int round = 0; ok && round < o.rounds; ++round) {
      const int64_t range = std::min<int64_t>(o.envelope_range, exists_);
      const int64_t first = 1 + Pick(exists_ - range + 1);
      ok = co_await Ok(Cmd::kFetchEnvelope, "FETCH " + std::to_string(first) + ":" +
                                                std::to_string(first + range - 1) + " (ENVELOPE)");
      if (ok)
        ok = co_await Ok(Cmd::kFetchBody,
                         "FETCH " + std::to_string(1 + Pick(exists_)) + " (BODY.PEEK[])");
      if (ok)
        ok = co_await Ok(Cmd::kStore,
                         "STORE " + std::to_string(1 + Pick(exists_)) + " +FLAGS (\\Seen)");
    }
    uint32_t uid = 0;
    if (ok) uid = co_await Append();
    if (ok && uid != 0) {
      ok = co_await Ok(Cmd::kStore, "UID STORE " + std::to_string(uid) + " +FLAGS (\\Deleted)");
      if (ok) ok = co_await Ok(Cmd::kExpunge, "EXPUNGE");
    }
    if (!ok) co_return Fail("the mix");
    ok = co_await Ok(Cmd::kLogout, "LOGOUT");
    if (ok && shared_->measuring) ++shared_->sessions;
    co_return ok;
  }

 private:
  bool Fail(const char* where) {
    if (shared_->stopping) return false;
    ++shared_->failures;
    if (shared_->options->verbose && shared_->failures <= 5) {
      std::fprintf(stderr, "session broke off at %s: %s\n", where, last_error_.c_str());
    }
    return false;
  }

  // A random integer in [0, n); 0 when n <= 0.
  int64_t Pick(int64_t n) {
    return n <= 0 ? 0 : static_cast<int64_t>(SplitMix(&rng_) % static_cast<uint64_t>(n));
  }

  // Sends a command, waits for its completion, records its latency and status. False when
  // the connection failed, the server said BYE or BAD, or the run is over; NO is counted and
  // the session goes on (a message expunged by another session, say).
  Task<bool> Ok(Cmd kind, std::string text) {
    std::string tag = "a" + std::to_string(++tags_);
    conn_->Write(tag + " " + text + "\r\n");
    const uint64_t start = NowNs();
    Result<void> flushed = co_await conn_->Flush();
    if (!flushed) co_return Broken(flushed.error());
    Result<ImapReply> reply = co_await reader_.ReadUntil(tag, false);
    if (!reply) co_return Broken(reply.error());
    co_return Record(kind, start, *reply, text);
  }

  // APPEND of a new message (a synchronizing literal: the command, the server's "+", the
  // message); returns its UID from APPENDUID, or 0.
  Task<uint32_t> Append() {
    const ImapLoadOptions& o = *shared_->options;
    const std::string message = NewMessage(SplitMix(&rng_), o.append_size);
    std::string tag = "a" + std::to_string(++tags_);
    std::string text = "APPEND " + o.mailbox + " (\\Seen) {" + std::to_string(message.size()) + "}";
    conn_->Write(tag + " " + text + "\r\n");
    const uint64_t start = NowNs();
    Result<void> flushed = co_await conn_->Flush();
    if (!flushed) co_return 0;
    Result<ImapReply> go = co_await reader_.ReadUntil(tag, true);
    if (!go || go->status != ImapReply::Status::kContinue) {
      if (go) Record(Cmd::kAppend, start, *go, text);
      co_return 0;
    }
    conn_->Write(message);
    conn_->Write("\r\n");
    flushed = co_await conn_->Flush();
    if (!flushed) co_return 0;
    Result<ImapReply> reply = co_await reader_.ReadUntil(tag, false);
    if (!reply) co_return 0;
    if (!Record(Cmd::kAppend, start, *reply, text)) co_return 0;
    co_return reply->append_uid;
  }

  bool Broken(const Error& e) {
    last_error_ = e.ToString();
    return false;
  }

  bool Record(Cmd kind, uint64_t start, const ImapReply& reply, const std::string& text) {
    if (reply.exists >= 0) exists_ = reply.exists;
    exists_ = std::max<int64_t>(0, exists_ - reply.expunged);
    CmdStats& stats = shared_->stats[static_cast<size_t>(kind)];
    if (shared_->measuring) {
      stats.latency.Record(NowNs() - start);
      shared_->literal_bytes += reply.literal_bytes;
      if (reply.status == ImapReply::Status::kNo) ++stats.no;
      if (reply.status == ImapReply::Status::kBad || reply.status == ImapReply::Status::kBye) {
        ++stats.bad;
      }
    }
    if (reply.status != ImapReply::Status::kOk) last_error_ = text + ": not OK";
    return !shared_->stopping && reply.status != ImapReply::Status::kBad &&
           reply.status != ImapReply::Status::kBye;
  }

  Shared* shared_;
  Connection* conn_;
  ImapReader reader_;
  uint64_t rng_;
  uint64_t tags_ = 0;
  int64_t exists_ = 0;
  std::string last_error_;
};

Task<void> ConnectionLoop(Shared* shared, int index) {
  const ImapLoadOptions& o = *shared->options;
  const std::string user = o.users[static_cast<size_t>(index) % o.users.size()];
  uint64_t seed = static_cast<uint64_t>(index) * 7919 + 1;
  while (!shared->stopping) {
    Result<std::unique_ptr<Connection>> conn = co_await Connect(o.server, &kConnection, 10000);
    if (!conn) {
      ++shared->failures;
      co_await Sleep(100);
      continue;
    }
    Session session(shared, conn->get(), seed++);
    bool ok = co_await session.Run(user);
    co_await (*conn)->Close();
    if (!ok && !shared->stopping) co_await Sleep(100);
  }
  if (--shared->live == 0) Reactor::Current()->RequestStop();
}

Task<void> RunClock(Shared* shared) {
  const ImapLoadOptions& o = *shared->options;
  co_await Sleep(static_cast<uint64_t>(o.warmup * 1000));
  shared->t0 = NowNs();
  shared->cpu0 = CpuSeconds();
  shared->measuring = true;
  co_await Sleep(static_cast<uint64_t>(o.seconds * 1000));
  shared->measuring = false;
  shared->t1 = NowNs();
  shared->cpu1 = CpuSeconds();
  shared->stopping = true;
}

void Print(const Shared& shared) {
  const double wall = static_cast<double>(shared.t1 - shared.t0) / 1e9;
  uint64_t commands = 0, errors = 0;
  for (const CmdStats& s : shared.stats) {
    commands += s.latency.total();
    errors += s.no + s.bad;
  }
  LatencyHistogram all, not_login;  // LOGIN is mostly password hashing: also apart
  for (const CmdStats& s : shared.stats) all.Merge(s.latency);
  for (size_t i = 0; i < shared.stats.size(); ++i) {
    if (static_cast<Cmd>(i) != Cmd::kLogin) not_login.Merge(shared.stats[i].latency);
  }
  std::printf(
      "commands_per_s=%.1f sessions_per_s=%.1f p50_us=%.0f p99_us=%.0f p999_us=%.0f "
      "p99_not_login_us=%.0f errors=%llu broken=%llu literal_mb_per_s=%.1f load_cpu_s=%.2f "
      "load_cpu_share=%.2f\n",
      static_cast<double>(commands) / wall, static_cast<double>(shared.sessions) / wall,
      all.Quantile(0.5) / 1e3, all.Quantile(0.99) / 1e3, all.Quantile(0.999) / 1e3,
      not_login.Quantile(0.99) / 1e3, static_cast<unsigned long long>(errors),
      static_cast<unsigned long long>(shared.failures),
      static_cast<double>(shared.literal_bytes) / wall / 1e6, shared.cpu1 - shared.cpu0,
      (shared.cpu1 - shared.cpu0) / wall);
  for (size_t i = 0; i < shared.stats.size(); ++i) {
    const CmdStats& s = shared.stats[i];
    std::printf(
        "cmd=%s count=%llu per_s=%.1f p50_us=%.0f p99_us=%.0f p999_us=%.0f no=%llu "
        "bad=%llu\n",
        kCmdNames[i], static_cast<unsigned long long>(s.latency.total()),
        static_cast<double>(s.latency.total()) / wall, s.latency.Quantile(0.5) / 1e3,
        s.latency.Quantile(0.99) / 1e3, s.latency.Quantile(0.999) / 1e3,
        static_cast<unsigned long long>(s.no), static_cast<unsigned long long>(s.bad));
  }
}

}  // namespace

int RunImapMix(const ImapLoadOptions& options) {
  ReactorOptions reactor_options;
  reactor_options.recv_buffer_count = 2048;
  reactor_options.direct_files_max = 16384;  // counts against RLIMIT_NOFILE (20,000 here)
  Result<std::unique_ptr<Reactor>> reactor = Reactor::Create(reactor_options);
  if (!reactor) {
    std::fprintf(stderr, "reactor: %s\n", reactor.error().ToString().c_str());
    return 1;
  }
  auto shared = std::make_unique<Shared>();
  shared->options = &options;
  shared->live = options.connections;
  Spawn(RunClock(shared.get()));
  for (int i = 0; i < options.connections; ++i) Spawn(ConnectionLoop(shared.get(), i));
  (*reactor)->Run();
  Print(*shared);
  return shared->failures > 0 && shared->sessions == 0 ? 1 : 0;
}

}  // namespace ringmail::bench
