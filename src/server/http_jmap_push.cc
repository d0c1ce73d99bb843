// JMAP push over an event source (RFC 8620 §7.3): a chunked text/event-stream answer that
// sends a StateChange whenever the account's state moves on, and pings.
//
// How a change reaches the stream: the stream watches its account on the MailboxHub
// (AccountWatcher), so every Changed() for one of the account's mailboxes on this node —
// SMTP/LMTP delivery, IMAP, JMAP — wakes it from the event loop within a few milliseconds.
// Between events the stream waits on the client connection's Read (with a timeout from the
// reactor's timer wheel, not a kernel timer): the wake interrupts that Read, and the same
// Read learns at once that the client left or that the server drains. Nothing runs while
// nothing happens, except the slow re-check: the account's state is read again every
// kStoreRecheckMs, for changes made on other nodes of a cluster (no cross-node notification
// yet; docs/jmap.md, "Push").
#include <memory>
#include <vector>

#include "base/json_writer.h"
#include "jmap/api.h"
#include "jmap/ids.h"
#include "mail/mailbox_hub.h"
#include "runtime/awaitables.h"
#include "server/http_jmap_internal.h"

namespace ringmail::jmap_http {
namespace {

// How often the state is read without a wake-up: what bounds the delay of a change made on
// another node sharing the store.
constexpr uint64_t kStoreRecheckMs = 30000;
constexpr uint32_t kPingMaxS = 3600;
constexpr uint32_t kStreamsPerAccountMax = 8;  // open event sources per account on this node

jmap::ConcurrencyGate& StreamGate() {
  static jmap::ConcurrencyGate gate;
  return gate;
}

class StateStream final : public http::BodySource, private AccountWatcher {
 public:
  StateStream(std::unique_ptr<jmap::GateSlot> slot, const MailServices& services, User user,
              std::vector<std::string> types, bool close_after_state, uint32_t ping_s)
      : slot_(std::move(slot)),
        services_(services),
        user_(std::move(user)),
        types_(std::move(types)),
        close_after_state_(close_after_state),
        ping_ms_(uint64_t{ping_s} * 1000) {}
  ~StateStream() override {
    if (services_.hub != nullptr && watching_) services_.hub->UnwatchAccount(this);
  }

  Task<Result<bool>> Next(std::string* chunk) override {
    if (done_) co_return false;
    if (!watching_ && services_.hub != nullptr) {
      // Before the first read: a change between the read and the wait still wakes us.
      services_.hub->WatchAccount(this, user_.account_id);
      watching_ = true;
    }
    if (first_) {
      first_ = false;
      Result<bool> read = co_await Refresh();
      if (!read) co_return std::unexpected(read.error());
      // The current state opens a lasting stream; a long poll (closeafter=state) waits for
      // the next change instead, or it would end at once.
      if (close_after_state_) {
        *chunk += ": waiting for a change\n\n";  // the answer starts, the wait is armed
      } else {
        AppendStateChange(chunk);
      }
      last_sent_ms_ = MonotonicMs();
      co_return true;
    }
    while (true) {
      const uint64_t now = MonotonicMs();
      if (woken_ || now >= next_check_ms_) {
        woken_ = false;
        Result<bool> moved = co_await Refresh();
        if (!moved) co_return std::unexpected(moved.error());
        if (*moved) {
          AppendStateChange(chunk);
          done_ = close_after_state_;
          last_sent_ms_ = now;
          co_return true;
        }
      }
      if (ping_ms_ > 0 && now >= last_sent_ms_ + ping_ms_) {
        *chunk += "event: ping\ndata: {\"interval\":" + std::to_string(ping_ms_ / 1000) + "}\n\n";
        last_sent_ms_ = now;
        co_return true;
      }
      uint64_t until = next_check_ms_;
      if (ping_ms_ > 0) until = std::min(until, last_sent_ms_ + ping_ms_);
      const bool go_on = co_await AwaitWake(until > now ? until - now : 1);
      if (!go_on) co_return false;
    }
  }

 private:
  // A mailbox of the account changed on this node (the hub, from the event loop).
  void AccountChanged(int64_t /*account_id*/) override {
    woken_ = true;
    if (waiting_) client_stream()->InterruptRead();
  }

  // Waits up to `ms` for a wake-up; false when the stream must end (the client left, the
  // server drains, the connection failed).
  Task<bool> AwaitWake(uint64_t ms) {
    Stream* stream = client_stream();
    if (stream == nullptr) {  // not under a server session: only the timer
      co_await Sleep(std::min<uint64_t>(ms, 1000));
      co_return !shutdown_requested();
    }
    if (woken_) co_return true;
    stream->set_read_timeout_ms(static_cast<uint32_t>(std::min<uint64_t>(ms, UINT32_MAX)));
    waiting_ = true;
    Result<std::string_view> got = co_await stream->Read();
    waiting_ = false;
    // Input (a pipelined request) stays for the session; an interrupt or a timeout goes on.
    if (got || got.error().code == ErrorCode::kCancelled ||
        got.error().code == ErrorCode::kTimeout) {
      co_return true;
    }
    co_return false;
  }

  // Reads the account's state; true when it moved on since the last read.
  Task<Result<bool>> Refresh() {
    next_check_ms_ = MonotonicMs() + kStoreRecheckMs;
    Result<AccountRecord> account = co_await services_.stores->metadata->GetAccount(user_.name);
    if (!account) co_return std::unexpected(account.error());
    const bool moved = account->highest_modseq != state_;
    state_ = account->highest_modseq;
    co_return moved;
  }

  void AppendStateChange(std::string* chunk) const {
    std::string data;
    JsonWriter w(&data);
    w.BeginObject().Key("@type").String("StateChange").Key("changed").BeginObject();
    w.Key(jmap::AccountId(user_.account_id)).BeginObject();
    for (const char* type : {"Mailbox", "Email", "Thread"}) {
      if (Wants(type)) w.Key(type).String(jmap::StateString(state_));
    }
    w.EndObject().EndObject().EndObject();
    *chunk += "event: state\ndata: " + data + "\n\n";
  }

  bool Wants(std::string_view type) const {
    for (const std::string& t : types_) {
      if (t == "*" || t == type) return true;
    }
    return false;
  }

  std::unique_ptr<jmap::GateSlot> slot_;
  MailServices services_;
  User user_;
  std::vector<std::string> types_;
  bool close_after_state_;
  uint64_t ping_ms_;
  bool first_ = true;
  bool woken_ = false;
  bool waiting_ = false;  // in AwaitWake's Read: a wake-up interrupts it
  bool watching_ = false;
  bool done_ = false;
  uint64_t state_ = 0;
  uint64_t last_sent_ms_ = 0;
  uint64_t next_check_ms_ = 0;
};

std::vector<std::string> SplitTypes(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty() && out.size() < 16) {
    const size_t comma = s.find(',');
    out.emplace_back(s.substr(0, comma));
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
  }
  return out;
}

}  // namespace

Task<http::Response> EventSource(const MailServices& services, http::Request request, User user) {
  const std::string types = request.QueryParam("types");
  const std::string close_after = request.QueryParam("closeafter");
  const std::string ping = request.QueryParam("ping");
  uint32_t ping_s = 0;
  if (!ping.empty()) {
    if (ping.size() > 6 || ping.find_first_not_of("0123456789") != std::string::npos) {
      co_return http::JsonError(400, "ping must be a number of seconds");
    }
    ping_s = std::min<uint32_t>(static_cast<uint32_t>(std::stoul(ping)), kPingMaxS);
  }
  if (!close_after.empty() && close_after != "state" && close_after != "no") {
    co_return http::JsonError(400, "closeafter must be state or no");
  }
  auto slot =
      std::make_unique<jmap::GateSlot>(&StreamGate(), user.account_id, kStreamsPerAccountMax);
  if (!slot->held()) co_return http::JsonError(429, "too many event sources for this account");
  http::Response r;
  r.content_type = "text/event-stream";
  r.With("Cache-Control", "no-cache");
  r.stream = std::make_unique<StateStream>(std::move(slot), services, std::move(user),
                                           SplitTypes(types.empty() ? "*" : types),
                                           close_after == "state", ping_s);
  co_return r;
}

}  // namespace ringmail::jmap_http
