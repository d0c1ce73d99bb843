// Sessions of one core that have the same mailbox selected share its index
// (MailboxIndexCache): one store load serves them all, and each still keeps its own message
// numbers — an expunge by one is announced to another only when that one may be told
// (RFC 9051 §7.5.1), whatever the shared index already says.
#include "imap/session_test_util.h"

namespace ringmail::testing {
namespace {

const char kMessage[] = "From: a@example.test\r\nSubject: hi\r\n\r\nbody\r\n";  // 43 bytes

Task<void> Append(ImapClient* c, std::string tag) {
  std::string out = co_await c->Run(tag + " APPEND INBOX {43+}\r\n" + kMessage);
  EXPECT_TRUE(Has(out, tag + " OK")) << out;
}

TEST_F(ImapSessionTest, SessionsWithOneMailboxShareOneLoad) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> a = co_await t->LoggedIn("alice");
    std::unique_ptr<ImapClient> b = co_await t->LoggedIn("alice");
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    co_await Append(a.get(), "a1");
    const uint64_t before = t->index_cache_->loads();
    co_await a->Run("a2 SELECT INBOX");
    co_await b->Run("b1 SELECT INBOX");
    std::string out = co_await c->Run("c1 EXAMINE INBOX");
    EXPECT_TRUE(Has(out, "* 1 EXISTS\r\n")) << out;
    EXPECT_EQ(t->index_cache_->loads(), before + 1);
    // A change: the writer reloads, and b and c share (at most) one more load.
    co_await Append(a.get(), "a3");
    out = co_await b->Run("b2 FETCH 1 (UID)");
    EXPECT_TRUE(Has(out, "* 2 EXISTS\r\n")) << out;
    out = co_await c->Run("c2 FETCH 1 (UID)");
    EXPECT_TRUE(Has(out, "* 2 EXISTS\r\n")) << out;
    EXPECT_LE(t->index_cache_->loads(), before + 3);
    // Its own STORE is answered once, not again when the shared index catches up.
    out = co_await b->Run("b3 STORE 1 +FLAGS (\\Flagged)");
    EXPECT_EQ(out, "* 1 FETCH (FLAGS (\\Flagged))\r\nb3 OK STORE completed\r\n");
    out = co_await a->Run("a4 NOOP");
    EXPECT_EQ(out, "* 1 FETCH (FLAGS (\\Flagged))\r\na4 OK NOOP completed\r\n");
    out = co_await b->Run("b4 NOOP");
    EXPECT_EQ(out, "b4 OK NOOP completed\r\n");
    co_await a->Close();
    co_await b->Close();
    co_await c->Close();
  }(this));
}

TEST_F(ImapSessionTest, ExpungeByOneKeepsTheOthersNumbersUntilTheyAreTold) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> a = co_await t->LoggedIn("alice");
    std::unique_ptr<ImapClient> b = co_await t->LoggedIn("alice");
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    for (const char* tag : {"a1", "a2", "a3"}) co_await Append(a.get(), tag);
    co_await a->Run("a4 SELECT INBOX");
    co_await b->Run("b1 SELECT INBOX");
    co_await c->Run("c1 SELECT INBOX");
    co_await a->Run("a5 STORE 2 +FLAGS.SILENT (\\Deleted)");
    std::string out = co_await a->Run("a6 EXPUNGE");
    EXPECT_EQ(out, "* 2 EXPUNGE\r\na6 OK EXPUNGE completed\r\n");
    // b and c still number the messages 1..3; message 2 is neither fetched nor announced.
    out = co_await b->Run("b2 FETCH 1 (UID)");
    EXPECT_FALSE(Has(out, "EXPUNGE")) << out;
    out = co_await b->Run("b2 FETCH 1:3 (UID)");
    EXPECT_EQ(out, "* 1 FETCH (UID 1)\r\n* 3 FETCH (UID 3)\r\nb2 OK FETCH completed\r\n");
    out = co_await c->Run("c2 FETCH 3 (UID)");
    EXPECT_TRUE(Has(out, "* 3 FETCH (UID 3)\r\n")) << out;
    EXPECT_FALSE(Has(out, "EXPUNGE")) << out;
    // A new message meanwhile: EXISTS counts the unannounced one too.
    co_await Append(a.get(), "a7");
    out = co_await b->Run("b3 SEARCH ALL");
    EXPECT_EQ(out, "* SEARCH 1 3\r\n* 4 EXISTS\r\nb3 OK SEARCH completed\r\n");
    out = co_await b->Run("b3 SEARCH ALL");
    EXPECT_EQ(out, "* SEARCH 1 3 4\r\nb3 OK SEARCH completed\r\n");
    // b may be told now; c still has its numbers.
    out = co_await b->Run("b4 NOOP");
    EXPECT_EQ(out, "* 2 EXPUNGE\r\nb4 OK NOOP completed\r\n");
    out = co_await b->Run("b5 FETCH 1:* (UID)");
    EXPECT_EQ(out,
              "* 1 FETCH (UID 1)\r\n* 2 FETCH (UID 3)\r\n* 3 FETCH (UID 4)\r\nb5 OK FETCH "
              "completed\r\n");
    out = co_await c->Run("c3 FETCH 3 (UID)");
    EXPECT_TRUE(Has(out, "* 3 FETCH (UID 3)\r\n")) << out;
    out = co_await c->Run("c4 NOOP");
    EXPECT_TRUE(Has(out, "* 2 EXPUNGE\r\n")) << out;
    co_await a->Close();
    co_await b->Close();
    co_await c->Close();
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
