// The PostgreSQL change feed (store/postgres/pg_change_feed.h) between two store objects on
// one schema — two nodes of a cluster — against a real PostgreSQL: a note one node publishes
// reaches the other and never itself, and a follower whose connection is cut reconnects and
// reports the gap.
#include "store/postgres/pg_change_feed.h"

#include <gtest/gtest.h>

#include <vector>

#include "postgres_test_server.h"
#include "runtime/awaitables.h"
#include "store/postgres/pg_store.h"
#include "testing/latch.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

using postgres::FormatChangePayload;
using postgres::ParseChangePayload;

TEST(PgChangeFeedPayload, RoundTrips) {
  const MailboxChangeNote note{42, 7, 1234567890123};
  std::optional<postgres::ParsedChange> parsed =
      ParseChangePayload(FormatChangePayload(0xfedcba9876543210, note));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->node, 0xfedcba9876543210u);
  EXPECT_EQ(parsed->note.account_id, 42);
  EXPECT_EQ(parsed->note.mailbox_id, 7);
  EXPECT_EQ(parsed->note.modseq, 1234567890123u);
}

TEST(PgChangeFeedPayload, RefusesAnythingElse) {
  for (const char* bad : {"", "1 2 3", "1 2 3 4 5", "1 2 x 4", "1  2 3 4", " 1 2 3 4", "1 2 3 4 ",
                          "-1 2 3 4", "1 2 3 -4", "99999999999999999999 1 2 3"}) {
    EXPECT_FALSE(ParseChangePayload(bad).has_value()) << "'" << bad << "'";
  }
}

struct Recorder : ChangeFeedHandler {
  void ChangedElsewhere(const MailboxChangeNote& note) override { notes.push_back(note); }
  void MissedChanges() override { ++gaps; }
  bool Has(int64_t mailbox_id) const {
    for (const MailboxChangeNote& n : notes) {
      if (n.mailbox_id == mailbox_id) return true;
    }
    return false;
  }
  std::vector<MailboxChangeNote> notes;
  int gaps = 0;
};

// Sleeps in 10 ms steps until `done()` or about 10 s passed.
template <typename Done>
Task<bool> WaitFor(Done done) {
  for (int i = 0; i < 1000 && !done(); ++i) co_await Sleep(10);
  co_return done();
}

class PgChangeFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why_not;
    schema_ = NewTestSchema(&why_not);
    ASSERT_NE(schema_, nullptr) << why_not;
    for (auto* node : {&a_, &b_}) {
      PostgresStoreOptions options;
      options.uri = schema_->uri();
      Result<std::unique_ptr<PostgresMetadataStore>> store = PostgresMetadataStore::Open(options);
      ASSERT_TRUE(store.has_value()) << store.error().ToString();
      *node = std::move(*store);
    }
  }

  std::unique_ptr<TestSchema> schema_;
  std::unique_ptr<PostgresMetadataStore> a_, b_;
};

Task<void> FollowThenSignal(ChangeFeed* feed, Recorder* recorder, StopSignal* stop, Latch* done) {
  co_await feed->Follow(recorder, stop);
  done->Done();
}

TEST_F(PgChangeFeedTest, OtherNodesNotesArriveOwnDoNot) {
  ChangeFeed* a = a_->change_feed();
  ChangeFeed* b = b_->change_feed();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  RunOnReactor([](ChangeFeed* a, ChangeFeed* b) -> Task<void> {
    Recorder recorder;
    StopSignal stop;
    Latch followed(1);
    Spawn(FollowThenSignal(b, &recorder, &stop, &followed));
    EXPECT_TRUE(co_await WaitFor([&] { return recorder.gaps == 1; }));
    b->Publish(MailboxChangeNote{1, 99, 1});  // b's own: never told to b
    co_await Sleep(200);
    a->Publish(MailboxChangeNote{1, 2, 3});
    a->Publish(MailboxChangeNote{1, 2, 5});  // the same mailbox: at most its highest modseq
    a->Publish(MailboxChangeNote{4, 8, 9});
    EXPECT_TRUE(co_await WaitFor([&] { return recorder.Has(2) && recorder.Has(8); }));
    EXPECT_FALSE(recorder.Has(99));
    uint64_t highest = 0;
    for (const MailboxChangeNote& n : recorder.notes) {
      if (n.mailbox_id == 2) {
        EXPECT_EQ(n.account_id, 1);
        highest = std::max(highest, n.modseq);
      }
    }
    EXPECT_EQ(highest, 5u);
    EXPECT_EQ(recorder.gaps, 1);
    stop.Stop();
    co_await followed.Wait();
    co_await a->Close();
    co_await b->Close();
    a->Publish(MailboxChangeNote{1, 2, 6});  // closed: dropped, nothing left in flight
  }(a, b));
}

TEST_F(PgChangeFeedTest, CutListenerReconnectsAndReportsTheGap) {
  const std::string uri = schema_->uri();
  RunOnReactor([](ChangeFeed* a, postgres::PgChangeFeed* b, std::string uri) -> Task<void> {
    Recorder recorder;
    StopSignal stop;
    Latch followed(1);
    Spawn(FollowThenSignal(b, &recorder, &stop, &followed));
    EXPECT_TRUE(co_await WaitFor([&] { return recorder.gaps == 1; }));
    // The server ends the listening backend (an administrator, a failover).
    EXPECT_NE(b->listener_pid(), 0);
    EXPECT_EQ(
        PostgresExec(uri, "SELECT pg_terminate_backend(" + std::to_string(b->listener_pid()) + ")"),
        "");
    EXPECT_TRUE(co_await WaitFor([&] { return recorder.gaps == 2; }));
    a->Publish(MailboxChangeNote{1, 3, 4});
    EXPECT_TRUE(co_await WaitFor([&] { return recorder.Has(3); }));
    stop.Stop();
    co_await followed.Wait();
    co_await a->Close();
  }(a_->change_feed(), static_cast<postgres::PgChangeFeed*>(b_->change_feed()), uri));
}

}  // namespace
}  // namespace ringmail::testing
