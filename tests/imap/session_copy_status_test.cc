// COPY and MOVE as one store transaction (COPYUID, other sessions' EXPUNGE and VANISHED, a
// store outage copying nothing), QUOTA RES-MESSAGE next to RES-STORAGE (RFC 9208), STATUS
// DELETED and DELETED-STORAGE (RFC 9051, RFC 9208) also through LIST-STATUS, and the shared
// index refreshed from the changes alone.
#include "imap/flaky_metadata_store.h"
#include "imap/session_test_util.h"

namespace ringmail::testing {
namespace {

const char kMessage[] = "From: a@example.test\r\nSubject: hi\r\n\r\nbody\r\n";  // 43 bytes

Task<std::string> Append(ImapClient* c, std::string tag, std::string mailbox = "INBOX") {
  std::string out = co_await c->Run(tag + " APPEND " + mailbox + " {43+}\r\n" + kMessage);
  co_return out;
}

std::string UidValidity(const std::string& select) {
  const size_t at = select.find("[UIDVALIDITY ") + 13;
  return select.substr(at, select.find(']', at) - at);
}

TEST_F(ImapSessionTest, MoveIsOneUnitAndOthersSeeExpungeOrVanished) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> a = co_await t->LoggedIn("alice");
    std::unique_ptr<ImapClient> b = co_await t->LoggedIn("alice");
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    for (const char* tag : {"a1", "a2", "a3", "a4"}) co_await Append(a.get(), tag);
    const std::string archive = UidValidity(co_await a->Run("a5 EXAMINE Archive"));
    co_await a->Run("a6 SELECT INBOX");
    EXPECT_EQ(co_await b->Run("b1 ENABLE QRESYNC"),
              "* ENABLED QRESYNC\r\nb1 OK ENABLE completed\r\n");
    co_await b->Run("b2 SELECT INBOX");
    co_await c->Run("c1 SELECT INBOX");
    EXPECT_EQ(co_await a->Run("a7 UID COPY 1:2 Archive"),
              "a7 OK [COPYUID " + archive + " 1:2 1:2] UID COPY completed\r\n");
    EXPECT_EQ(co_await a->Run("a8 MOVE 2:3 Archive"),
              "* OK [COPYUID " + archive +
                  " 2:3 3:4] Moved\r\n* 3 EXPUNGE\r\n* 2 EXPUNGE\r\n"
                  "a8 OK MOVE completed\r\n");
    EXPECT_EQ(co_await b->Run("b3 NOOP"), "* VANISHED 2:3\r\nb3 OK NOOP completed\r\n");
    EXPECT_EQ(co_await c->Run("c2 NOOP"), "* 3 EXPUNGE\r\n* 2 EXPUNGE\r\nc2 OK NOOP completed\r\n");
    std::string out = co_await a->Run("a9 STATUS Archive (MESSAGES UIDNEXT)");
    EXPECT_TRUE(Has(out, "(MESSAGES 4 UIDNEXT 5)")) << out;
    out = co_await a->Run("b4 UID FETCH 1:* (UID)");
    EXPECT_EQ(out, "* 1 FETCH (UID 1)\r\n* 2 FETCH (UID 4)\r\nb4 OK UID FETCH completed\r\n");
    co_await a->Close();
    co_await b->Close();
    co_await c->Close();
  }(this));
}

TEST_F(ImapSessionTest, CopyDuringAnOutageCopiesNothing) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    FlakyMetadataStore flaky(t->services_.metadata);
    t->services_.metadata = &flaky;
    MailboxIndexCache cache(&flaky, 1);
    t->services_.index_cache = &cache;
    std::unique_ptr<ImapClient> a = co_await t->LoggedIn("alice");
    for (const char* tag : {"a1", "a2", "a3"}) co_await Append(a.get(), tag);
    co_await a->Run("a4 SELECT INBOX");
    flaky.copies_down = true;  // the store fails the copy itself
    const char* kUnavailable = "NO [UNAVAILABLE] Temporary failure, try again later\r\n";
    EXPECT_EQ(co_await a->Run("b1 MOVE 1:* Archive"), std::string("b1 ") + kUnavailable);
    EXPECT_EQ(co_await a->Run("b2 COPY 1:* Archive"), std::string("b2 ") + kUnavailable);
    flaky.copies_down = false;
    std::string out = co_await a->Run("c1 STATUS Archive (MESSAGES)");
    EXPECT_TRUE(Has(out, "(MESSAGES 0)")) << out;
    out = co_await a->Run("c2 MOVE 1:* Archive");
    EXPECT_TRUE(Has(out, " 1:3 1:3] Moved\r\n* 3 EXPUNGE\r\n* 2 EXPUNGE\r\n* 1 EXPUNGE\r\n"))
        << out;
    out = co_await a->Run("c3 STATUS INBOX (MESSAGES)");
    EXPECT_TRUE(Has(out, "(MESSAGES 0)")) << out;
    co_await a->Close();
  }(this));
}

TEST_F(ImapSessionTest, QuotaMessageResource) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    AccountUpdate update;
    update.name = "alice";
    update.quota_messages = 2;
    Result<AccountRecord> set = co_await t->services_.metadata->UpdateAccount(update);
    EXPECT_TRUE(set.has_value());
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    EXPECT_TRUE(
        Has(co_await c->Run("q0 CAPABILITY"), " QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE "));
    EXPECT_TRUE((co_await Append(c.get(), "q1")).starts_with("q1 OK [APPENDUID "));
    EXPECT_EQ(co_await c->Run("q2 GETQUOTAROOT INBOX"),
              "* QUOTAROOT INBOX \"\"\r\n* QUOTA \"\" (MESSAGE 1 2)\r\nq2 OK GETQUOTAROOT "
              "completed\r\n");
    EXPECT_TRUE((co_await Append(c.get(), "q3")).starts_with("q3 OK "));
    EXPECT_EQ(co_await Append(c.get(), "q4", "Archive"), "q4 NO [OVERQUOTA] Quota exceeded\r\n");
    co_await c->Run("q5 SELECT INBOX");
    EXPECT_EQ(co_await c->Run("q6 COPY 1 Archive"), "q6 NO [OVERQUOTA] Quota exceeded\r\n");
    EXPECT_TRUE(Has(co_await c->Run("q7 MOVE 1 Archive"), "q7 OK MOVE completed"));
    // Both resources once both have a limit: STORAGE first, in KiB.
    update.quota_messages.reset();
    update.quota_bytes = 10240;
    set = co_await t->services_.metadata->UpdateAccount(update);
    EXPECT_TRUE(set.has_value());
    EXPECT_EQ(co_await c->Run("q8 GETQUOTA \"\""),
              "* QUOTA \"\" (STORAGE 1 10 MESSAGE 2 2)\r\nq8 OK GETQUOTA completed\r\n");
    co_await c->Close();
  }(this));
}

TEST_F(ImapSessionTest, StatusDeletedAndDeletedStorage) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    for (const char* tag : {"a1", "a2", "a3"}) co_await Append(c.get(), tag);
    std::string out = co_await c->Run("a4 STATUS INBOX (MESSAGES DELETED DELETED-STORAGE SIZE)");
    EXPECT_EQ(out,
              "* STATUS INBOX (MESSAGES 3 DELETED 0 DELETED-STORAGE 0 SIZE 129)\r\n"
              "a4 OK STATUS completed\r\n");
    co_await c->Run("a5 SELECT INBOX");
    co_await c->Run("a6 STORE 1,3 +FLAGS.SILENT (\\Deleted)");
    out = co_await c->Run("a7 STATUS INBOX (DELETED DELETED-STORAGE)");
    EXPECT_EQ(out, "* STATUS INBOX (DELETED 2 DELETED-STORAGE 1)\r\na7 OK STATUS completed\r\n");
    out = co_await c->Run("a8 LIST \"\" INBOX RETURN (STATUS (DELETED MESSAGES))");
    EXPECT_EQ(out,
              "* LIST (\\HasNoChildren) \"/\" INBOX\r\n* STATUS INBOX (MESSAGES 3 DELETED 2)\r\n"
              "a8 OK LIST completed\r\n");
    EXPECT_EQ((co_await c->Run("a9 STATUS INBOX (DELETED-STORAGE BOGUS)")).substr(0, 6), "a9 BAD");
    co_await c->Close();
  }(this));
}

TEST_F(ImapSessionTest, SharedIndexRefreshReadsOnlyTheChanges) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> a = co_await t->LoggedIn("alice");
    std::unique_ptr<ImapClient> b = co_await t->LoggedIn("alice");
    for (const char* tag : {"a1", "a2", "a3"}) co_await Append(a.get(), tag);
    co_await a->Run("a4 SELECT INBOX");
    co_await b->Run("b1 SELECT INBOX");
    const uint64_t incremental = t->index_cache_->incremental_loads();
    co_await a->Run("a5 STORE 2 +FLAGS (\\Flagged $Work)");
    std::string out = co_await b->Run("b2 NOOP");
    EXPECT_EQ(out, "* 2 FETCH (FLAGS (\\Flagged $Work))\r\nb2 OK NOOP completed\r\n");
    co_await a->Run("a6 STORE 3 +FLAGS.SILENT (\\Deleted)");
    co_await a->Run("a7 EXPUNGE");
    co_await Append(a.get(), "a8");
    out = co_await b->Run("b3 NOOP");
    EXPECT_EQ(out, "* 3 EXPUNGE\r\n* 3 EXISTS\r\nb3 OK NOOP completed\r\n");
    out = co_await b->Run("b4 FETCH 1:* (UID FLAGS)");
    EXPECT_EQ(out,
              "* 1 FETCH (UID 1 FLAGS ())\r\n* 2 FETCH (UID 2 FLAGS (\\Flagged $Work))\r\n"
              "* 3 FETCH (UID 4 FLAGS ())\r\nb4 OK FETCH completed\r\n");
    EXPECT_GT(t->index_cache_->incremental_loads(), incremental);
    co_await a->Close();
    co_await b->Close();
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
