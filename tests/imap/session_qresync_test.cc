// CONDSTORE and QRESYNC in the session (RFC 7162): ENABLE QRESYNC turns expunges into
// VANISHED, SELECT (QRESYNC (uidvalidity modseq)) reports what vanished and changed since,
// UID FETCH (CHANGEDSINCE n VANISHED) likewise, and STATUS HIGHESTMODSEQ.
#include "imap/session_test_util.h"

namespace ringmail::testing {
namespace {

const char kMessage[] = "Subject: q\r\n\r\nq\r\n";  // 17 bytes

// The number after `key` in `out` ("HIGHESTMODSEQ 12" -> 12), or 0.
uint64_t NumberAfter(const std::string& out, const std::string& key) {
  const size_t at = out.find(key);
  return at == std::string::npos ? 0 : std::stoull(out.substr(at + key.size()));
}

TEST_F(ImapSessionTest, QresyncReportsVanishedAndChanged) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> a = co_await t->LoggedIn("alice");
    for (int i = 0; i < 3; ++i) {
      std::string out = co_await a->Run("a0 APPEND INBOX {17+}\r\n" + std::string(kMessage));
      EXPECT_TRUE(Has(out, "a0 OK [APPENDUID ")) << out;
    }
    EXPECT_EQ(co_await a->Run("a1 ENABLE QRESYNC"),
              "* ENABLED QRESYNC\r\na1 OK ENABLE completed\r\n");
    std::string out = co_await a->Run("a2 SELECT INBOX");
    const uint64_t validity = NumberAfter(out, "[UIDVALIDITY ");
    const uint64_t modseq0 = NumberAfter(out, "[HIGHESTMODSEQ ");
    EXPECT_GT(validity, 0u) << out;
    EXPECT_GT(modseq0, 0u) << out;
    out = co_await a->Run("a3 STORE 2 +FLAGS.SILENT (\\Seen)");
    EXPECT_EQ(out, "a3 OK STORE completed\r\n");
    co_await a->Run("a4 STORE 3 +FLAGS.SILENT (\\Deleted)");
    EXPECT_EQ(co_await a->Run("a5 EXPUNGE"), "* VANISHED 3\r\na5 OK EXPUNGE completed\r\n");

    std::unique_ptr<ImapClient> b = co_await t->LoggedIn("alice");
    co_await b->Run("b1 ENABLE QRESYNC");
    out = co_await b->Run("b2 SELECT INBOX (QRESYNC (" + std::to_string(validity) + " " +
                          std::to_string(modseq0) + "))");
    EXPECT_TRUE(Has(out, "* VANISHED (EARLIER) 3\r\n")) << out;
    EXPECT_TRUE(Has(out, "* 2 FETCH (UID 2 FLAGS (\\Seen) MODSEQ (")) << out;
    EXPECT_FALSE(Has(out, "* 1 FETCH")) << out;
    EXPECT_TRUE(Has(out, "b2 OK [READ-WRITE] SELECT completed\r\n")) << out;
    out = co_await b->Run("b3 UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + std::to_string(modseq0) +
                          " VANISHED)");
    EXPECT_TRUE(
        out.starts_with("* VANISHED (EARLIER) 3\r\n* 2 FETCH (UID 2 FLAGS (\\Seen) MODSEQ ("))
        << out;
    EXPECT_TRUE(Has(out, "b3 OK UID FETCH completed\r\n")) << out;
    // A stale UIDVALIDITY: a plain SELECT, nothing about the past.
    out = co_await b->Run("b4 SELECT INBOX (QRESYNC (1 " + std::to_string(modseq0) + "))");
    EXPECT_FALSE(Has(out, "VANISHED")) << out;
    out = co_await b->Run("b5 STATUS INBOX (HIGHESTMODSEQ MESSAGES)");
    EXPECT_TRUE(Has(out, "* STATUS INBOX (MESSAGES 2 HIGHESTMODSEQ ")) << out;
    // Without ENABLE QRESYNC the parameter is refused.
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    out = co_await c->Run("c1 SELECT INBOX (QRESYNC (1 1))");
    EXPECT_EQ(out, "c1 BAD Enable QRESYNC first\r\n");
    co_await a->Close();
    co_await b->Close();
    co_await c->Close();
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
