// PgChangeFeed: the ChangeFeed (store/change_feed.h) of nodes sharing one PostgreSQL
// database, over LISTEN/NOTIFY on the channel `ringmail_changes.SCHEMA` (the store's schema,
// so clusters in other schemas of one database stay apart; docs/storage.md, "Change feed").
//
// Publishing: each core keeps the notes it was given in an outbox and sends them, while none
// of its sends is in flight, as one statement on its own pool connection
// (`SELECT pg_notify(...) FROM unnest($1)`: one round trip for any number of notes). Notes for
// the same mailbox waiting together are sent once, with the highest modseq. A payload is
// "NODE ACCOUNT MAILBOX MODSEQ" in decimal; NODE is this feed's random 64-bit token, by which
// the follower skips the notes of its own node.
//
// Following: one connection of its own (opened like the pool's, outside it) that runs
// LISTEN and then only waits for notifications. After a failure it reconnects with backoff
// (the pool's backoff bounds) and reports MissedChanges() once listening again: NOTIFYs sent
// while no LISTEN was active are not kept by the server.
//
// Per-core state is touched only by its core.
#pragma once

#include <coroutine>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/change_feed.h"
#include "store/postgres/pg_pool.h"

namespace ringmail::postgres {

// "NODE ACCOUNT MAILBOX MODSEQ" (PgChangeFeed above), and back; nullopt for anything else.
std::string FormatChangePayload(uint64_t node, const MailboxChangeNote& note);
struct ParsedChange {
  uint64_t node = 0;
  MailboxChangeNote note;
};
std::optional<ParsedChange> ParseChangePayload(std::string_view payload);

class PgChangeFeed final : public ChangeFeed {
 public:
  // `pool` gives the calling core's pool; `config` is the pools' (backoff bounds).
  PgChangeFeed(std::function<PgCorePool&()> pool, const PgPoolConfig* config, size_t cores_max);
  ~PgChangeFeed() override;

  void Publish(const MailboxChangeNote& note) override;
  Task<void> Follow(ChangeFeedHandler* handler, StopSignal* stop) override;
  Task<void> Close() override;

  uint64_t node() const { return node_; }
  // The server process of the follower's connection while it listens, else 0 (tests cut it).
  int listener_pid() const { return listener_pid_; }

 private:
  struct Outbox {
    std::vector<MailboxChangeNote> notes;
    bool sending = false;
    bool closed = false;
    std::coroutine_handle<> close_waiter;
  };
  Outbox& CurrentOutbox();
  Task<void> Send(Outbox* outbox);
  // Listens on one connection until it fails or `stop` is stopped.
  Task<void> Listen(PgConnection* connection, ChangeFeedHandler* handler, StopSignal* stop);

  std::function<PgCorePool&()> pool_;
  const PgPoolConfig* config_;
  uint64_t node_;
  std::vector<std::unique_ptr<Outbox>> outboxes_;
  int listener_pid_ = 0;
};

}  // namespace ringmail::postgres
