// Conformance test bodies (metadata_conformance.h), continued: JMAP blob uploads and blob
// ownership (docs/storage.md, "Blob uploads").
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "metadata_conformance_bodies.h"
#include "runtime/awaitables.h"

namespace ringmail::testing::conformance {

inline BlobUploadRequest MakeUpload(int64_t account_id, std::string_view content,
                                    int64_t expires_at) {
  BlobUploadRequest r;
  r.account_id = account_id;
  r.blob = BlobKey::Of(content);
  r.size = content.size();
  r.stored_size = content.size();
  r.type = "message/rfc822";
  r.expires_at = expires_at;
  r.blob_stored_at_ms = MonotonicMs();
  return r;
}

// An upload is its account's alone, as a delivered email's blob is; expired, neither.
inline Task<void> UploadOwnership(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  CO_ASSERT_OK(bob, MakeAccount(env.store, "bob"));
  const BlobUploadRequest upload = MakeUpload(alice->id(), "uploaded", Now() + 3600);
  CO_ASSERT_OK(none_yet, env.store->AccountHasBlob(alice->id(), upload.blob));
  EXPECT_FALSE(*none_yet);
  CO_ASSERT_OK(recorded, env.store->RecordUpload(upload));
  EXPECT_EQ(env.inspect->BlobRows(upload.blob), 1);
  EXPECT_EQ(env.inspect->BlobRefcount(upload.blob), 0);
  CO_ASSERT_OK(alice_has, env.store->AccountHasBlob(alice->id(), upload.blob));
  EXPECT_TRUE(*alice_has);
  CO_ASSERT_OK(bob_has, env.store->AccountHasBlob(bob->id(), upload.blob));
  EXPECT_FALSE(*bob_has);
  CO_ASSERT_OK(again, env.store->RecordUpload(upload));  // the same upload twice is one row

  const DeliveryRequest delivered = MakeRequest("delivered to bob", bob->Mailbox("INBOX"));
  CO_ASSERT_OK(placed, env.store->Deliver(delivered));
  CO_ASSERT_OK(bob_email, env.store->AccountHasBlob(bob->id(), delivered.blob));
  EXPECT_TRUE(*bob_email);
  CO_ASSERT_OK(alice_email, env.store->AccountHasBlob(alice->id(), delivered.blob));
  EXPECT_FALSE(*alice_email);

  const BlobUploadRequest expired = MakeUpload(alice->id(), "expired", Now() - 10);
  CO_ASSERT_OK(recorded_expired, env.store->RecordUpload(expired));
  CO_ASSERT_OK(has_expired, env.store->AccountHasBlob(alice->id(), expired.blob));
  EXPECT_FALSE(*has_expired);

  BlobUploadRequest no_account = MakeUpload(987654, "nobody's", Now() + 3600);
  Result<void> missing = co_await env.store->RecordUpload(no_account);
  EXPECT_TRUE(!missing && missing.error().code == ErrorCode::kNotFound);
  BlobUploadRequest bad_type = MakeUpload(alice->id(), "typed", Now() + 3600);
  bad_type.type = "text/plain\r\nX: y";
  Result<void> refused = co_await env.store->RecordUpload(bad_type);
  EXPECT_TRUE(!refused && refused.error().code == ErrorCode::kInvalidArgument);
  BlobUploadRequest stale = MakeUpload(alice->id(), "stale", Now() + 3600);
  stale.blob_stored_at_ms = MonotonicMs() - kBlobWriteValidityMs - 1000;
  Result<void> timed_out = co_await env.store->RecordUpload(stale);
  EXPECT_TRUE(!timed_out && timed_out.error().code == ErrorCode::kTimeout);
}

// The collector keeps a live upload's blob and collects an expired one's; an upload of a blob
// being collected is refused (kBusy) like a delivery; an email keeps the blob after the
// upload expires.
inline Task<void> UploadsAndCollection(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  const BlobUploadRequest live = MakeUpload(alice->id(), "live upload", Now() + 3600);
  const BlobUploadRequest expired = MakeUpload(alice->id(), "expired upload", Now() - 10);
  const BlobUploadRequest imported = MakeUpload(alice->id(), "imported", Now() - 10);
  CO_ASSERT_OK(r1, env.store->RecordUpload(live));
  CO_ASSERT_OK(r2, env.store->RecordUpload(expired));
  CO_ASSERT_OK(r3, env.store->RecordUpload(imported));
  CO_ASSERT_OK(placed, env.store->Deliver(MakeRequest("imported", alice->Mailbox("INBOX"))));
  EXPECT_EQ(env.inspect->BlobRefcount(imported.blob), 1);

  CO_ASSERT_OK(marked, env.store->MarkBlobsForDeletion(Now() + 3600, 100));
  EXPECT_EQ(*marked, std::vector<BlobKey>{expired.blob});
  Result<void> busy =
      co_await env.store->RecordUpload(MakeUpload(alice->id(), "expired upload", Now() + 3600));
  EXPECT_TRUE(!busy && busy.error().code == ErrorCode::kBusy);
  CO_ASSERT_OK(forgotten, env.store->ForgetBlobs(*marked));
  EXPECT_EQ(env.inspect->BlobRows(expired.blob), 0);
  EXPECT_EQ(env.inspect->BlobRows(live.blob), 1);
  EXPECT_EQ(env.inspect->BlobRows(imported.blob), 1);
  CO_ASSERT_OK(still, env.store->AccountHasBlob(alice->id(), imported.blob));
  EXPECT_TRUE(*still);  // through the email now

  // Uploaded again once the row is gone: a fresh row, kept while the upload lives.
  CO_ASSERT_OK(r4, env.store->RecordUpload(MakeUpload(alice->id(), "expired upload", Now() + 60)));
  CO_ASSERT_OK(none, env.store->MarkBlobsForDeletion(Now() + 3600, 100));
  EXPECT_TRUE(none->empty());
}

}  // namespace ringmail::testing::conformance
