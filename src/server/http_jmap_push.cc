// JMAP push over an event source (RFC 8620 §7.3): a chunked text/event-stream answer that
// sends a StateChange whenever the account's state moves on, and pings.
//
// The account's mailboxes are watched on the MailboxHub (one watcher per mailbox, the list
// read again after each change, so new mailboxes are watched too); a wake only sets a flag
// that the stream checks every kTickMs, so a change made anywhere on this node is pushed
// within about that. The state is also read at every ping, which catches what no
// notification announced (another node, until cross-node notifications exist).
#include <memory>
#include <vector>

#include "base/json_writer.h"
#include "jmap/ids.h"
#include "runtime/awaitables.h"
#include "server/http_jmap_internal.h"

namespace ringmail::jmap_http {
namespace {

constexpr uint64_t kTickMs = 20;
constexpr uint32_t kPingMaxS = 3600;
constexpr size_t kWatchedMailboxesMax = 10000;

class Watcher final : public MailboxWatcher {
 public:
  explicit Watcher(bool* woken) : woken_(woken) {}
  void MailboxChanged(int64_t /*mailbox_id*/) override { *woken_ = true; }

 private:
  bool* woken_;
};

class StateStream final : public http::BodySource {
 public:
  StateStream(const MailServices& services, User user, std::vector<std::string> types,
              bool close_after_state, uint32_t ping_s)
      : services_(services),
        user_(std::move(user)),
        types_(std::move(types)),
        close_after_state_(close_after_state),
        ping_ms_(uint64_t{ping_s} * 1000) {}
  ~StateStream() override { Unwatch(); }

  Task<Result<bool>> Next(std::string* chunk) override {
    if (done_) co_return false;
    uint64_t waited_ms = 0;
    while (true) {
      if (woken_ || first_ || (ping_ms_ > 0 && waited_ms >= ping_ms_)) {
        const bool ping = !woken_ && !first_;
        woken_ = false;
        Result<bool> moved = co_await Refresh();
        if (!moved) co_return std::unexpected(moved.error());
        if (*moved || first_) {
          first_ = false;
          AppendStateChange(chunk);
          done_ = close_after_state_;
          co_return true;
        }
        if (ping) {
          *chunk += "event: ping\ndata: {\"interval\":" + std::to_string(ping_ms_ / 1000) + "}\n\n";
          co_return true;
        }
      }
      if (shutdown_requested()) co_return false;
      co_await Sleep(kTickMs);
      waited_ms += kTickMs;
    }
  }

 private:
  // Reads the account's state and watches its mailboxes; true when the state moved on.
  Task<Result<bool>> Refresh() {
    MetadataStore* store = services_.stores->metadata.get();
    Result<AccountRecord> account = co_await store->GetAccount(user_.name);
    if (!account) co_return std::unexpected(account.error());
    if (services_.hub != nullptr) {
      Result<std::vector<MailboxRecord>> list = co_await store->ListMailboxes(user_.account_id);
      if (!list) co_return std::unexpected(list.error());
      Unwatch();
      for (const MailboxRecord& m : *list) {
        if (watchers_.size() == kWatchedMailboxesMax) break;
        watchers_.push_back(std::make_unique<Watcher>(&woken_));
        services_.hub->Watch(watchers_.back().get(), m.id);
      }
    }
    const bool moved = account->highest_modseq != state_;
    state_ = account->highest_modseq;
    co_return moved;
  }

  void Unwatch() {
    if (services_.hub == nullptr) return;
    for (auto& w : watchers_) services_.hub->Unwatch(w.get());
    watchers_.clear();
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

  MailServices services_;
  User user_;
  std::vector<std::string> types_;
  bool close_after_state_;
  uint64_t ping_ms_;
  bool first_ = true;
  bool woken_ = false;
  bool done_ = false;
  uint64_t state_ = 0;
  std::vector<std::unique_ptr<Watcher>> watchers_;
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
  http::Response r;
  r.content_type = "text/event-stream";
  r.With("Cache-Control", "no-cache");
  r.stream = std::make_unique<StateStream>(services, std::move(user),
                                           SplitTypes(types.empty() ? "*" : types),
                                           close_after == "state", ping_s);
  co_return r;
}

}  // namespace ringmail::jmap_http
