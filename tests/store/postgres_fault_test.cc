// The PostgreSQL backend when its server crashes under load (crash_under_load.h): deliveries
// in flight fail with kUnavailable (never a hang, never a crash), the store recovers by itself
// once the server is back, and every delivery it acknowledged is there after crash recovery.
#include <gtest/gtest.h>

#include "crash_under_load.h"
#include "metadata_conformance.h"
#include "postgres_test_server.h"
#include "store/postgres/pg_store.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {
namespace {

Task<void> LoadCrashCheck(CrashLoad* load) {
  CO_ASSERT_OK(alice, conformance::MakeAccount(load->metadata, "alice"));
  load->mailbox = alice->Mailbox("INBOX");
  co_await CrashUnderLoad(load);
  co_await ExpectAcknowledgedPresent(load);
}

TEST(StorePostgresFaults, CrashUnderLoadLosesNothingAcknowledged) {
  PostgresTestServer server;
  ASSERT_EQ(server.Start(), "");
  PostgresStoreOptions options;
  options.uri = server.uri();
  options.connect_timeout_ms = 2000;
  Result<std::unique_ptr<PostgresMetadataStore>> store = PostgresMetadataStore::Open(options);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  MetadataStore* metadata = store->get();
  CrashLoad load;
  load.metadata = metadata;
  load.deliver = [metadata](std::string content, int64_t mailbox) {
    return metadata->Deliver(MakeRequest(content, mailbox));
  };
  load.kill = [&server] { server.Kill(); };
  load.restart = [&server] { return server.Start(server.port()); };
  RunOnReactor(LoadCrashCheck(&load));
  EXPECT_FALSE(load.failures.empty());
}

}  // namespace
}  // namespace ringmail::testing
