// Group commit on the PostgreSQL backend (store/postgres/pg_connection.h): writes queued on one
// core's only connection share transactions. Concurrent writers still get distinct UIDs and
// strictly increasing modseqs, and a unit that fails inside a group fails alone while the
// others commit.
#include <gtest/gtest.h>

#include "metadata_conformance.h"
#include "postgres_test_server.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_store.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

using conformance::ExpectIndexAgrees;
using conformance::MakeAccount;

// A fresh schema, and a store with one connection on the core: every write goes through it.
class PgGroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why_not;
    schema_ = NewTestSchema(&why_not);
    ASSERT_NE(schema_, nullptr) << why_not;
    PostgresStoreOptions options;
    options.uri = schema_->uri();
    options.connections_per_core = 1;
    Result<std::unique_ptr<PostgresMetadataStore>> store = PostgresMetadataStore::Open(options);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override { store_.reset(); }  // before the schema is dropped

  std::unique_ptr<TestSchema> schema_;
  std::unique_ptr<PostgresMetadataStore> store_;
};

struct Outcome {
  Result<std::vector<PlacedMessage>> placed = MakeError(ErrorCode::kInternal, "not run");
};

Task<void> DeliverOne(MetadataStore* store, int64_t mailbox, std::string content, Outcome* out,
                      Latch* latch) {
  out->placed = co_await store->Deliver(MakeRequest(content, mailbox));
  latch->Done();
}

// Flags of one message changed by many writers at once, interleaved with the deliveries.
Task<void> FlagOne(MetadataStore* store, int64_t mailbox, uint32_t uid, int i,
                   Result<FlagUpdateResult>* out, Latch* latch) {
  FlagUpdate update;
  update.mailbox_id = mailbox;
  update.uids = UidList(uid);
  update.operation = i % 2 == 0 ? FlagOperation::kAdd : FlagOperation::kRemove;
  update.flags.flagged = true;
  *out = co_await store->UpdateFlags(std::move(update));
  latch->Done();
}

constexpr int kWriters = 150;

Task<void> ManyWriters(MetadataStore* store) {
  CO_ASSERT_OK(alice, MakeAccount(store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  CO_ASSERT_OK(first, store->Deliver(MakeRequest("the flagged one", inbox)));
  std::vector<Outcome> delivered(kWriters);
  std::vector<Result<FlagUpdateResult>> flagged(kWriters, MakeError(ErrorCode::kInternal, ""));
  const uint64_t grouped_before = postgres::PgGroupedUnits();
  Latch latch(2 * kWriters);
  // All spawned in one go: the first write goes alone, the rest queue behind it.
  for (int i = 0; i < kWriters; ++i) {
    Spawn(DeliverOne(store, inbox, "message " + std::to_string(i), &delivered[i], &latch));
    Spawn(FlagOne(store, inbox, (*first)[0].uid, i, &flagged[i], &latch));
  }
  co_await latch.Wait();
  EXPECT_GT(postgres::PgGroupedUnits() - grouped_before, static_cast<uint64_t>(kWriters));
  std::vector<PlacedMessage> placed = *first;
  std::vector<uint64_t> modseqs;
  for (const Outcome& o : delivered) {
    CO_ASSERT_TRUE(o.placed.has_value());
    placed.push_back(o.placed->front());
    modseqs.push_back(o.placed->front().modseq);
  }
  for (const Result<FlagUpdateResult>& f : flagged) {
    CO_ASSERT_TRUE(f.has_value());
    CO_ASSERT_TRUE(f->changed.size() == 1);
    modseqs.push_back(f->changed[0].modseq);
  }
  conformance::ExpectDistinctUidsAndIncreasingModseqs(placed, kWriters + 1);
  // One modseq per write, none shared, none skipped: the first delivery's, then one each.
  std::sort(modseqs.begin(), modseqs.end());
  for (size_t i = 0; i < modseqs.size(); ++i) EXPECT_EQ(modseqs[i], (*first)[0].modseq + 1 + i);
  CO_ASSERT_OK(snapshot, store->LoadMailbox(inbox));
  EXPECT_EQ(snapshot->mailbox.message_count, static_cast<uint64_t>(kWriters + 1));
  ExpectCountersMatchRows(*snapshot);
}

TEST_F(PgGroupCommitTest, ConcurrentWritersGetDistinctUidsAndIncreasingModseqs) {
  RunOnReactor(ManyWriters(store_.get()));
}

Task<void> OneFailsInAGroup(MetadataStore* store) {
  CO_ASSERT_OK(alice, MakeAccount(store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  CO_ASSERT_OK(doomed, store->CreateMailbox(alice->id(), "Doomed", ""));
  CO_ASSERT_OK(deleted, store->DeleteMailbox(alice->id(), doomed->id));
  constexpr int kUnits = 12;
  constexpr int kFailing = 6;  // in the middle of the group that forms behind unit 0
  std::vector<Outcome> outcomes(kUnits);
  const uint64_t grouped_before = postgres::PgGroupedUnits();
  Latch latch(kUnits);
  for (int i = 0; i < kUnits; ++i) {
    Spawn(DeliverOne(store, i == kFailing ? doomed->id : inbox, "unit " + std::to_string(i),
                     &outcomes[i], &latch));
  }
  co_await latch.Wait();
  EXPECT_EQ(postgres::PgGroupedUnits() - grouped_before, static_cast<uint64_t>(kUnits - 1));
  std::vector<PlacedMessage> placed;
  for (int i = 0; i < kUnits; ++i) {
    if (i == kFailing) {
      CO_ASSERT_TRUE(!outcomes[i].placed.has_value());
      EXPECT_EQ(outcomes[i].placed.error().code, ErrorCode::kNotFound);
    } else {
      CO_ASSERT_TRUE(outcomes[i].placed.has_value());
      placed.push_back(outcomes[i].placed->front());
    }
  }
  conformance::ExpectDistinctUidsAndIncreasingModseqs(placed, kUnits - 1);
  CO_ASSERT_OK(snapshot, store->LoadMailbox(inbox));
  EXPECT_EQ(snapshot->mailbox.message_count, static_cast<uint64_t>(kUnits - 1));
  ExpectCountersMatchRows(*snapshot);
  // The failed unit left nothing behind: no blob row for its message.
  CO_ASSERT_OK(has, store->HasBlob(BlobKey::Of("unit " + std::to_string(kFailing))));
  EXPECT_FALSE(*has);
}

TEST_F(PgGroupCommitTest, AFailingUnitFailsAloneAndItsNeighboursCommit) {
  RunOnReactor(OneFailsInAGroup(store_.get()));
}

// One flag change sent straight on `conn`: keyword `keyword` added to `uids` (a PostgreSQL
// array literal, which may be one the server refuses).
Task<void> AddKeyword(postgres::PgConnection* conn, int64_t mailbox, std::string uids,
                      std::string keyword, Result<std::vector<postgres::PgRows>>* out,
                      Latch* latch) {
  std::vector<postgres::PgQuery> unit;
  unit.push_back({postgres::PgStatementId::kUpdateFlags,
                  {std::to_string(mailbox), uids, "add", "0", "{" + keyword + "}", std::nullopt}});
  *out = co_await conn->Execute(std::move(unit));
  latch->Done();
}

// A call that fails where its rm_try_* function cannot catch it (a parameter the server
// refuses before the function runs) aborts its group's transaction: it gets its error, and
// the group's other units run again on their own, each once.
Task<void> UncaughtFailureRerunsTheOthers(MetadataStore* store, std::string uri) {
  CO_ASSERT_OK(alice, MakeAccount(store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  CO_ASSERT_OK(first, store->Deliver(MakeRequest("keywords pile up here", inbox)));
  CO_ASSERT_OK(conn, postgres::PgConnection::Connect(uri, "", 5000, 30000));
  (*conn)->set_group_commit(true);
  constexpr int kUnits = 8;
  constexpr int kBad = 4;
  std::vector<Result<std::vector<postgres::PgRows>>> out;  // PgRows do not copy
  for (int i = 0; i < kUnits; ++i) out.push_back(MakeError(ErrorCode::kInternal, "not run"));
  const uint64_t grouped_before = postgres::PgGroupedUnits();
  Latch latch(kUnits);
  for (int i = 0; i < kUnits; ++i) {
    Spawn(AddKeyword(conn->get(), inbox, i == kBad ? "{x}" : "{1}", "k" + std::to_string(i),
                     &out[i], &latch));
  }
  co_await latch.Wait();
  EXPECT_EQ(postgres::PgGroupedUnits() - grouped_before, static_cast<uint64_t>(kUnits - 1));
  std::vector<std::string> keywords;
  for (int i = 0; i < kUnits; ++i) {
    if (i == kBad) {
      CO_ASSERT_TRUE(!out[i].has_value());
      EXPECT_EQ(out[i].error().code, ErrorCode::kInternal);
      continue;
    }
    CO_ASSERT_TRUE(out[i].has_value());
    CO_ASSERT_TRUE(out[i]->size() == 1 && (*out[i])[0].size() == 1);
    keywords.push_back("k" + std::to_string(i));
  }
  CO_ASSERT_OK(snapshot, store->LoadMailbox(inbox));
  CO_ASSERT_TRUE(snapshot->messages.size() == 1);
  EXPECT_EQ(snapshot->messages[0].flags.keywords, keywords);
  // One modseq per change that happened, none for the refused one.
  EXPECT_EQ(snapshot->messages[0].modseq, (*first)[0].modseq + kUnits - 1);
  co_await ExpectIndexAgrees(store, inbox);
}

TEST_F(PgGroupCommitTest, AnUncaughtFailureRunsTheOthersAgainAlone) {
  RunOnReactor(UncaughtFailureRerunsTheOthers(store_.get(), schema_->uri()));
}

}  // namespace
}  // namespace ringmail::testing
