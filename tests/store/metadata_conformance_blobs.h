// Conformance test bodies (metadata_conformance.h), continued: what the orphan sweep and the
// collector lease need from a backend (docs/storage.md, "Collection").
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "metadata_conformance_bodies.h"
#include "runtime/awaitables.h"

namespace ringmail::testing::conformance {

inline std::vector<OrphanBlob> Orphans(const std::vector<BlobKey>& keys, int64_t written_at) {
  std::vector<OrphanBlob> out;
  for (const BlobKey& key : keys) out.push_back({key, 100, written_at});
  return out;
}

inline std::vector<BlobKey> Sorted(std::vector<BlobKey> keys) {
  std::sort(keys.begin(), keys.end(),
            [](const BlobKey& a, const BlobKey& b) { return a.sha256 < b.sha256; });
  return keys;
}

// Adoption creates unreferenced rows for keys without one and leaves every existing row as
// it is: referenced, unreferenced, or being collected.
inline Task<void> AdoptOrphanBlobs(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const int64_t inbox = alice->Mailbox("INBOX");
  const DeliveryRequest referenced = MakeRequest("referenced", inbox);
  CO_ASSERT_OK(placed, env.store->Deliver(referenced));
  const DeliveryRequest collected = MakeRequest("being collected", inbox);
  CO_ASSERT_OK(placed2, env.store->Deliver(collected));
  CO_ASSERT_OK(removed, env.store->Expunge(inbox, UidList(2)));
  CO_ASSERT_OK(marked, env.store->MarkBlobsForDeletion(Now() + 3600, 100));
  EXPECT_EQ(*marked, std::vector<BlobKey>{collected.blob});

  const BlobKey orphan = BlobKey::Of("orphan");
  const int64_t written_at = Now() - 7200;
  std::vector<BlobKey> keys = {orphan, referenced.blob, collected.blob, orphan};
  CO_ASSERT_OK(adopted, env.store->AdoptOrphanBlobs(Orphans(keys, written_at)));
  EXPECT_EQ(*adopted, 1u);
  EXPECT_EQ(env.inspect->BlobRows(orphan), 1);
  EXPECT_EQ(env.inspect->BlobRefcount(orphan), 0);
  EXPECT_EQ(env.inspect->BlobRefcount(referenced.blob), 1);
  CO_ASSERT_OK(again, env.store->AdoptOrphanBlobs(Orphans(keys, written_at)));
  EXPECT_EQ(*again, 0u);

  // The adopted row is unreferenced since the object was written: past a one-hour grace.
  // The row being collected stays 'deleting' (handed out again with it).
  CO_ASSERT_OK(collectable, env.store->MarkBlobsForDeletion(Now() - 3600, 100));
  EXPECT_EQ(Sorted(*collectable), Sorted(std::vector<BlobKey>{orphan, collected.blob}));
  Result<std::vector<PlacedMessage>> busy =
      co_await env.store->Deliver(MakeRequest("orphan", inbox));
  EXPECT_TRUE(!busy && busy.error().code == ErrorCode::kBusy);
  CO_ASSERT_OK(forgotten, env.store->ForgetBlobs(*collectable));
  EXPECT_EQ(env.inspect->BlobRows(orphan), 0);

  // A delivery that references an adopted row before the collector marks it keeps it.
  const BlobKey raced = BlobKey::Of("raced");
  std::vector<OrphanBlob> raced_orphan = Orphans(std::vector<BlobKey>(1, raced), written_at);
  CO_ASSERT_OK(adopted_raced, env.store->AdoptOrphanBlobs(raced_orphan));
  EXPECT_EQ(*adopted_raced, 1u);
  CO_ASSERT_OK(delivered, env.store->Deliver(MakeRequest("raced", inbox)));
  EXPECT_EQ(env.inspect->BlobRefcount(raced), 1);
  CO_ASSERT_OK(none, env.store->MarkBlobsForDeletion(Now() + 3600, 100));
  EXPECT_TRUE(none->empty());

  CO_ASSERT_OK(empty, env.store->AdoptOrphanBlobs(std::vector<OrphanBlob>()));
  EXPECT_EQ(*empty, 0u);
  std::vector<BlobKey> too_many(kAdoptBlobsMax + 1, orphan);
  Result<size_t> refused = co_await env.store->AdoptOrphanBlobs(Orphans(too_many, written_at));
  EXPECT_TRUE(!refused && refused.error().code == ErrorCode::kInvalidArgument);
  std::vector<OrphanBlob> negative_time = Orphans(std::vector<BlobKey>(1, orphan), -1);
  Result<size_t> negative = co_await env.store->AdoptOrphanBlobs(negative_time);
  EXPECT_TRUE(!negative && negative.error().code == ErrorCode::kInvalidArgument);
}

// One holder at a time; the holder renews; a release or an expiry frees it.
inline Task<void> CollectorLease(Env env) {
  CO_ASSERT_OK(a, env.store->ClaimCollectorLease("node-a", 600));
  EXPECT_TRUE(*a);
  CO_ASSERT_OK(b, env.store->ClaimCollectorLease("node-b", 600));
  EXPECT_FALSE(*b);
  CO_ASSERT_OK(renewed, env.store->ClaimCollectorLease("node-a", 600));
  EXPECT_TRUE(*renewed);
  CO_ASSERT_OK(not_b, env.store->ReleaseCollectorLease("node-b"));  // not its lease
  CO_ASSERT_OK(still_a, env.store->ClaimCollectorLease("node-b", 600));
  EXPECT_FALSE(*still_a);
  CO_ASSERT_OK(released, env.store->ReleaseCollectorLease("node-a"));
  CO_ASSERT_OK(b_now, env.store->ClaimCollectorLease("node-b", 1));
  EXPECT_TRUE(*b_now);

  // node-b's one-second lease expires by the database's clock: node-a gets it then.
  bool taken = false;
  for (int tries = 0; tries < 50 && !taken; ++tries) {
    CO_ASSERT_OK(claim, env.store->ClaimCollectorLease("node-a", 600));
    taken = *claim;
    if (!taken) co_await Sleep(100);
  }
  EXPECT_TRUE(taken) << "node-b's lease did not expire within 5 s";

  Result<bool> empty = co_await env.store->ClaimCollectorLease("", 600);
  EXPECT_TRUE(!empty && empty.error().code == ErrorCode::kInvalidArgument);
  Result<bool> control = co_await env.store->ClaimCollectorLease("a\nb", 600);
  EXPECT_TRUE(!control && control.error().code == ErrorCode::kInvalidArgument);
}

}  // namespace ringmail::testing::conformance
