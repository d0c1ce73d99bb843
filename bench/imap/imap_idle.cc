// Idle connections for the memory probe (imap_load.h): LOGIN, SELECT, IDLE, then hold.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "imap/imap_load.h"
#include "imap/imap_reader.h"
#include "line/load_socket.h"
#include "runtime/awaitables.h"
#include "runtime/connect.h"
#include "runtime/reactor.h"

namespace ringmail::bench {
namespace {

// Idle connections are never read from after IDLE; a server's keep-alive lines are small.
const ConnectionOptions kIdleConnection = {
    .input_max = 64 * 1024, .read_timeout_ms = 24 * 3600 * 1000, .write_timeout_ms = 60000};
constexpr int kOpeners = 32;  // connections being set up at once

struct IdleState {
  const ImapLoadOptions* options;
  std::vector<std::unique_ptr<Connection>> held;
  int next = 0;  // the next connection index to open
  int failed = 0;
  int openers = kOpeners;
};

// Sends `text` with `tag` and waits for its completion (or, with `continuation`, the "+").
Task<bool> Exchange(Connection* conn, ImapReader* reader, std::string tag, std::string text,
                    bool continuation) {
  conn->Write(tag + " " + text + "\r\n");
  Result<void> flushed = co_await conn->Flush();
  if (!flushed) co_return false;
  Result<ImapReply> reply = co_await reader->ReadUntil(tag, continuation);
  if (!reply) co_return false;
  co_return reply->status == (continuation ? ImapReply::Status::kContinue : ImapReply::Status::kOk);
}

// A connection to the server from `source` (a blocking connect: on loopback it returns at
// once unless the server's accept queue is full).
Task<Result<std::unique_ptr<Connection>>> ConnectFromSource(const ImapLoadOptions* o,
                                                            in_addr source) {
  if (o->server.family() != AF_INET) {
    co_return MakeError(ErrorCode::kInvalidArgument, "--source-ips needs an IPv4 --server");
  }
  sockaddr_in destination;
  std::memcpy(&destination, o->server.get(), sizeof destination);
  const int fd = ConnectFrom(destination, source, false);
  if (fd < 0) co_return SysError("connect " + o->server.ToString(), errno);
  auto conn =
      std::make_unique<Connection>(*Reactor::Current(), fd, o->server, kIdleConnection, nullptr);
  Result<void> started = co_await conn->Start(true);
  if (!started) {
    co_await conn->Close();
    co_return std::unexpected(started.error());
  }
  co_return std::move(conn);
}

// One connection into IDLE (connection `index`); null when any step failed.
Task<std::unique_ptr<Connection>> OpenIdle(const ImapLoadOptions* o, std::string user, int index) {
  Result<std::unique_ptr<Connection>> conn =
      MakeError(ErrorCode::kInvalidArgument, "not connected");
  if (o->source_ips.empty()) {
    conn = co_await Connect(o->server, &kIdleConnection, 10000);
  } else {
    conn = co_await ConnectFromSource(
        o, o->source_ips[static_cast<size_t>(index) % o->source_ips.size()]);
  }
  if (!conn) co_return nullptr;
  std::unique_ptr<Connection> c = std::move(*conn);
  ImapReader reader(c.get());
  Result<ImapReply> greeting = co_await reader.ReadUntil("", false);
  bool ok = greeting && greeting->status == ImapReply::Status::kGreeting;
  if (ok) {
    ok = co_await Exchange(c.get(), &reader, "a1", "LOGIN \"" + user + "\" \"" + o->password + "\"",
                           false);
  }
  if (ok) ok = co_await Exchange(c.get(), &reader, "a2", "SELECT " + o->mailbox, false);
  if (ok) ok = co_await Exchange(c.get(), &reader, "a3", "IDLE", true);
  if (!ok) {
    co_await c->Close();
    co_return nullptr;
  }
  co_return c;
}

Task<void> Opener(IdleState* state) {
  const ImapLoadOptions& o = *state->options;
  while (state->next < o.connections) {
    const int index = state->next++;
    std::unique_ptr<Connection> c =
        co_await OpenIdle(&o, o.users[static_cast<size_t>(index) % o.users.size()], index);
    if (c) {
      state->held.push_back(std::move(c));
    } else {
      ++state->failed;
    }
  }
  if (--state->openers == 0) {
    std::printf("idle=%zu failed=%d\n", state->held.size(), state->failed);
    std::fflush(stdout);
  }
}

// Ends the process on SIGTERM/SIGINT: the held connections close with it.
Task<void> WaitForSignal(int signal_fd) {
  Result<uint32_t> ready = co_await PollFd(signal_fd, POLLIN);
  (void)ready;
  std::fflush(stdout);
  std::_Exit(0);
}

}  // namespace

int RunImapIdle(const ImapLoadOptions& options) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  const int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC);
  ReactorOptions reactor_options;
  reactor_options.recv_buffer_count = 1024;
  reactor_options.direct_files_max = 16384;  // counts against RLIMIT_NOFILE
  Result<std::unique_ptr<Reactor>> reactor = Reactor::Create(reactor_options);
  if (!reactor || signal_fd < 0) {
    std::fprintf(stderr, "reactor or signalfd failed\n");
    return 1;
  }
  auto state = std::make_unique<IdleState>();
  state->options = &options;
  Spawn(WaitForSignal(signal_fd));
  for (int i = 0; i < kOpeners; ++i) Spawn(Opener(state.get()));
  (*reactor)->Run();
  return 0;
}

}  // namespace ringmail::bench
