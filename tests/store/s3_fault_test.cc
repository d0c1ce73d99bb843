// Delivery into S3 (s3rver) and SQLite when the S3 server crashes under load
// (crash_under_load.h): deliveries fail with a temporary error while it is down, recover by
// themselves once it is back, and every acknowledged message is in the mailbox and readable
// from S3 afterwards.
#include <gtest/gtest.h>

#include "crash_under_load.h"
#include "metadata_conformance.h"
#include "s3_test_server.h"
#include "sqlite_test_util.h"
#include "store/delivery.h"
#include "store/s3/s3_blob_store.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

Task<void> LoadCrashCheck(CrashLoad* load, S3BlobStore* blobs) {
  CO_ASSERT_OK(alice, conformance::MakeAccount(load->metadata, "alice"));
  load->mailbox = alice->Mailbox("INBOX");
  co_await CrashUnderLoad(load);
  co_await ExpectAcknowledgedPresent(load);
  for (const auto& [uid, content] : load->acknowledged) {
    Result<std::string> stored = co_await blobs->Get(BlobKey::Of(content));
    EXPECT_TRUE(stored.has_value() && *stored == content) << "UID " << uid << " unreadable";
  }
  co_await blobs->CloseConnections();
}

TEST(StoreS3Faults, CrashUnderLoadLosesNothingAcknowledged) {
  S3TestServer server;
  const std::string error = server.Start();
  if (server.skipped()) GTEST_SKIP() << "the S3 tests need s3rver: " << error;
  ASSERT_EQ(error, "");
  Result<S3BlobStoreOptions> options = S3BlobStore::OptionsFromConfig(
      server.endpoint_url(), S3TestServer::kAccessKey, S3TestServer::kSecretKey, nullptr);
  ASSERT_TRUE(options.has_value()) << options.error().ToString();
  options->client.connect_timeout_ms = 1000;
  options->client.request_timeout_ms = 3000;
  options->client.attempts_max = 2;
  options->client.backoff_base_ms = 20;
  options->client.backoff_max_ms = 100;
  Result<std::unique_ptr<S3BlobStore>> blobs = S3BlobStore::Open(std::move(*options));
  ASSERT_TRUE(blobs.has_value()) << blobs.error().ToString();
  TempDir dir;
  Result<std::unique_ptr<SqliteMetadataStore>> metadata =
      SqliteMetadataStore::Open(dir.path() + "/meta.db");
  ASSERT_TRUE(metadata.has_value()) << metadata.error().ToString();

  CrashLoad load;
  load.metadata = metadata->get();
  BlobStore* blob_store = blobs->get();
  MetadataStore* metadata_store = metadata->get();
  load.deliver = [blob_store, metadata_store](std::string content, int64_t mailbox) {
    DeliveryRequest request;
    request.received_at = 1700000000;
    request.targets.push_back({mailbox, {}});
    return DeliverMessage(*blob_store, *metadata_store, std::move(content), std::move(request));
  };
  load.kill = [&server] { server.Kill(); };
  load.restart = [&server] { return server.Start(server.port()); };
  RunOnReactor(LoadCrashCheck(&load, blobs->get()));
  EXPECT_FALSE(load.failures.empty());
}

}  // namespace
}  // namespace ringmail::testing
