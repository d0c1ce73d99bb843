#include "store/postgres/pg_change_feed.h"

#include <sys/random.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "base/check.h"
#include "base/log.h"
#include "runtime/awaitables.h"
#include "runtime/reactor.h"
#include "store/postgres/pg_value.h"

namespace ringmail::postgres {
namespace {

// How long the follower waits for a notification before it looks at its stop signal: the
// bound on how late it ends after a stop.
constexpr uint64_t kListenPollMs = 500;
// Notes sent in one statement at most (a larger outbox takes several round trips).
constexpr size_t kNotesPerSend = 512;

// The channel is per schema (nodes of one cluster share a schema; clusters in other schemas of
// the database are not woken by ours), cut to the 63 bytes of an identifier on both sides.
constexpr char kNotifySql[] =
    "SELECT pg_notify(left('ringmail_changes.' || current_schema(), 63), p) "
    "FROM unnest($1::text[]) p";
constexpr char kListenSql[] =
    "DO $$BEGIN EXECUTE format('LISTEN %I', left('ringmail_changes.' || current_schema(), 63)); "
    "END$$";

uint64_t RandomNode() {
  uint64_t node = 0;
  if (getrandom(&node, sizeof node, 0) != sizeof node) {
    // No randomness (never on Linux with a seeded pool): the clock still tells nodes apart.
    node = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  return node;
}

template <typename T>
bool ParseNumber(std::string_view* text, T* out) {
  const size_t end = text->find(' ');
  const std::string_view field = text->substr(0, end);
  auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), *out);
  if (ec != std::errc() || ptr != field.data() + field.size() || field.empty()) return false;
  text->remove_prefix(end == std::string_view::npos ? text->size() : end + 1);
  return true;
}

}  // namespace

std::string FormatChangePayload(uint64_t node, const MailboxChangeNote& note) {
  return std::to_string(node) + ' ' + std::to_string(note.account_id) + ' ' +
         std::to_string(note.mailbox_id) + ' ' + std::to_string(note.modseq);
}

std::optional<ParsedChange> ParseChangePayload(std::string_view payload) {
  ParsedChange parsed;
  if (payload.empty() || payload.back() == ' ') return std::nullopt;
  if (!ParseNumber(&payload, &parsed.node) || !ParseNumber(&payload, &parsed.note.account_id) ||
      !ParseNumber(&payload, &parsed.note.mailbox_id) ||
      !ParseNumber(&payload, &parsed.note.modseq) || !payload.empty()) {
    return std::nullopt;
  }
  return parsed;
}

PgChangeFeed::PgChangeFeed(std::function<PgCorePool&()> pool, const PgPoolConfig* config,
                           size_t cores_max)
    : pool_(std::move(pool)), config_(config), node_(RandomNode()) {
  for (size_t i = 0; i < cores_max; ++i) outboxes_.push_back(std::make_unique<Outbox>());
}

PgChangeFeed::~PgChangeFeed() = default;

PgChangeFeed::Outbox& PgChangeFeed::CurrentOutbox() {
  Reactor* reactor = Reactor::Current();
  CHECK(reactor != nullptr, "the change feed runs on reactor cores");
  const size_t core = static_cast<size_t>(reactor->core());
  CHECK(core < outboxes_.size(), "core index over cores_max");
  return *outboxes_[core];
}

void PgChangeFeed::Publish(const MailboxChangeNote& note) {
  Outbox& outbox = CurrentOutbox();
  if (outbox.closed) return;
  auto same = std::find_if(outbox.notes.begin(), outbox.notes.end(), [&](const auto& queued) {
    return queued.mailbox_id == note.mailbox_id;
  });
  if (same != outbox.notes.end()) {
    same->modseq = std::max(same->modseq, note.modseq);
  } else {
    outbox.notes.push_back(note);
  }
  if (!outbox.sending) {
    outbox.sending = true;
    Spawn(Send(&outbox));
  }
}

Task<void> PgChangeFeed::Send(Outbox* outbox) {
  while (!outbox->notes.empty()) {
    const size_t count = std::min(outbox->notes.size(), kNotesPerSend);
    std::vector<std::string> payloads;
    for (size_t i = 0; i < count; ++i) {
      payloads.push_back(FormatChangePayload(node_, outbox->notes[i]));
    }
    outbox->notes.erase(outbox->notes.begin(), outbox->notes.begin() + static_cast<long>(count));
    std::vector<PgQuery> unit;
    unit.push_back(PgQuery::Text(kNotifySql, {PgTextArray(payloads)}));
    Result<std::vector<PgRows>> sent = co_await pool_().Execute(std::move(unit));
    if (!sent) {
      // The other nodes' followers lose their connections too in an outage and then treat
      // everything as changed; a failure of this statement alone only delays their update.
      Log(LogLevel::kDebug, "change_feed_publish_failed", "error", sent.error().message, "notes",
          count);
    }
  }
  outbox->sending = false;
  if (outbox->close_waiter) std::exchange(outbox->close_waiter, nullptr).resume();
}

Task<void> PgChangeFeed::Close() {
  Outbox& outbox = CurrentOutbox();
  outbox.closed = true;
  if (outbox.sending) co_await WaitUntil{&outbox.close_waiter};
}

Task<void> PgChangeFeed::Follow(ChangeFeedHandler* handler, StopSignal* stop) {
  uint64_t backoff_ms = 0;
  while (!stop->stopped()) {
    Result<std::unique_ptr<PgConnection>> connection = co_await pool_().Open();
    if (connection) {
      std::vector<PgQuery> listen;
      listen.push_back(PgQuery::Text(kListenSql, {}));
      Result<std::vector<PgRows>> listening = co_await (*connection)->Execute(std::move(listen));
      if (listening) {
        backoff_ms = 0;
        Log(LogLevel::kInfo, "change_feed_listening");
        handler->MissedChanges();
        listener_pid_ = (*connection)->backend_pid();
        co_await Listen(connection->get(), handler, stop);
        listener_pid_ = 0;
        if (stop->stopped()) break;
      } else {
        connection = std::unexpected(listening.error());
      }
    }
    if (!connection) {
      Log(LogLevel::kWarn, "change_feed_unavailable", "error", connection.error().message);
    }
    backoff_ms = std::clamp(backoff_ms * 2, config_->backoff_initial_ms, config_->backoff_max_ms);
    co_await stop->Sleep(backoff_ms);
  }
}

Task<void> PgChangeFeed::Listen(PgConnection* connection, ChangeFeedHandler* handler,
                                StopSignal* stop) {
  while (!stop->stopped()) {
    Result<std::vector<PgNotification>> arrived =
        co_await connection->WaitNotifications(kListenPollMs);
    if (!arrived) {
      Log(LogLevel::kWarn, "change_feed_lost", "error", arrived.error().message);
      co_return;
    }
    for (const PgNotification& n : *arrived) {
      std::optional<ParsedChange> change = ParseChangePayload(n.payload);
      if (!change) {
        Log(LogLevel::kWarn, "change_feed_bad_payload", "payload", n.payload);
        continue;
      }
      if (change->node != node_) handler->ChangedElsewhere(change->note);
    }
  }
}

}  // namespace ringmail::postgres
