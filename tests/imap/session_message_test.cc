// The IMAP session's selected state: APPEND (APPENDUID), SELECT/EXAMINE responses, FETCH of
// index and record items, STORE (.SILENT, UNCHANGEDSINCE), SEARCH (ESEARCH, SAVE and "$"),
// EXPUNGE and UID EXPUNGE, COPY/MOVE (COPYUID), CLOSE/UNSELECT, and live updates between
// two sessions: EXISTS, FETCH FLAGS and EXPUNGE at NOOP, none during FETCH, and IDLE pushes.
#include "imap/flaky_metadata_store.h"
#include "imap/session_test_util.h"

namespace ringmail::testing {
namespace {

const char kMessage[] = "From: a@example.test\r\nSubject: hi\r\n\r\nbody\r\n";  // 43 bytes

Task<std::string> Append(ImapClient* c, std::string tag, std::string mailbox,
                         std::string flags = "") {
  std::string cmd = tag + " APPEND " + mailbox + " " + flags + "{43+}\r\n" + kMessage;
  std::string out = co_await c->Run(cmd);
  co_return out;
}

TEST_F(ImapSessionTest, AppendSelectFetchStoreExpunge) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    std::string out = co_await Append(c.get(), "a1", "INBOX", "(\\Seen) ");
    EXPECT_TRUE(out.starts_with("a1 OK [APPENDUID ")) << out;
    EXPECT_TRUE(Has(out, " 1] APPEND completed")) << out;
    out = co_await Append(c.get(), "a2", "INBOX", "(\\Flagged $Work) ");
    out = co_await Append(c.get(), "a3", "INBOX");
    out = co_await c->Run("a4 SELECT inbox");
    EXPECT_TRUE(Has(out, "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)\r\n"))
        << out;
    EXPECT_TRUE(Has(out, "* 3 EXISTS\r\n* 0 RECENT\r\n* OK [UNSEEN 2] First unseen\r\n")) << out;
    EXPECT_TRUE(Has(out, "* OK [UIDNEXT 4] ")) << out;
    EXPECT_TRUE(Has(out, "a4 OK [READ-WRITE] SELECT completed\r\n")) << out;
    out = co_await c->Run("a5 FETCH 1:* (UID FLAGS RFC822.SIZE)");
    EXPECT_EQ(out,
              "* 1 FETCH (UID 1 FLAGS (\\Seen) RFC822.SIZE 43)\r\n"
              "* 2 FETCH (UID 2 FLAGS (\\Flagged $Work) RFC822.SIZE 43)\r\n"
              "* 3 FETCH (UID 3 FLAGS () RFC822.SIZE 43)\r\n"
              "a5 OK FETCH completed\r\n");
    out = co_await c->Run("a6 UID FETCH 2:3 (FLAGS)");
    EXPECT_EQ(out,
              "* 2 FETCH (UID 2 FLAGS (\\Flagged $Work))\r\n* 3 FETCH (UID 3 FLAGS ())\r\n"
              "a6 OK UID FETCH completed\r\n");
    out = co_await c->Run("a7 FETCH 3 (INTERNALDATE)");
    EXPECT_TRUE(Has(out, "* 3 FETCH (INTERNALDATE \"")) << out;
    EXPECT_EQ(co_await c->Run("a8 STORE 3 +FLAGS (\\Deleted)"),
              "* 3 FETCH (FLAGS (\\Deleted))\r\na8 OK STORE completed\r\n");
    EXPECT_EQ(co_await c->Run("a9 STORE 1 -FLAGS.SILENT (\\Seen)"), "a9 OK STORE completed\r\n");
    EXPECT_EQ(co_await c->Run("b1 SEARCH UNSEEN"), "* SEARCH 1 2 3\r\nb1 OK SEARCH completed\r\n");
    EXPECT_EQ(co_await c->Run("b2 UID SEARCH RETURN (MIN COUNT) ALL"),
              "* ESEARCH (TAG \"b2\") UID MIN 1 COUNT 3\r\nb2 OK UID SEARCH completed\r\n");
    // (Which keys match is message_view.h's; ALL matches whatever the matcher.)
    EXPECT_EQ(co_await c->Run("b3 SEARCH RETURN (SAVE) ALL"), "b3 OK SEARCH completed\r\n");
    EXPECT_EQ(co_await c->Run("b4 UID FETCH $ (FLAGS)"),
              "* 1 FETCH (UID 1 FLAGS ())\r\n* 2 FETCH (UID 2 FLAGS (\\Flagged $Work))\r\n"
              "* 3 FETCH (UID 3 FLAGS (\\Deleted))\r\nb4 OK UID FETCH completed\r\n");
    EXPECT_EQ(co_await c->Run("b5 EXPUNGE"), "* 3 EXPUNGE\r\nb5 OK EXPUNGE completed\r\n");
    EXPECT_EQ(co_await c->Run("b6 STORE 1,2 +FLAGS.SILENT (\\Deleted)"),
              "b6 OK STORE completed\r\n");
    EXPECT_EQ(co_await c->Run("b7 UID EXPUNGE 2"),
              "* 2 EXPUNGE\r\nb7 OK UID EXPUNGE completed\r\n");
    out = co_await c->Run("b8 FETCH 1 (UID FLAGS)");
    EXPECT_EQ(out, "* 1 FETCH (UID 1 FLAGS (\\Deleted))\r\nb8 OK FETCH completed\r\n");
    EXPECT_EQ(co_await c->Run("b9 CLOSE"), "b9 OK CLOSE completed\r\n");
    out = co_await c->Run("c1 STATUS INBOX (MESSAGES)");
    EXPECT_TRUE(Has(out, "* STATUS INBOX (MESSAGES 0)")) << out;
    EXPECT_EQ(co_await c->Run("c2 FETCH 1 FLAGS"), "c2 BAD No mailbox selected\r\n");
    co_await c->Close();
  }(this));
}

TEST_F(ImapSessionTest, CondstoreUnchangedSince) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    co_await Append(c.get(), "a1", "INBOX");
    std::string out = co_await c->Run("a2 SELECT INBOX (CONDSTORE)");
    EXPECT_TRUE(Has(out, "* OK [HIGHESTMODSEQ ")) << out;
    out = co_await c->Run("a3 FETCH 1 (MODSEQ)");
    const size_t at = out.find("MODSEQ (");
    EXPECT_NE(at, std::string::npos) << out;
    if (at == std::string::npos) co_return;
    const uint64_t modseq = std::stoull(out.substr(at + 8));
    out = co_await c->Run("a4 STORE 1 (UNCHANGEDSINCE " + std::to_string(modseq) +
                          ") +FLAGS (\\Seen)");
    EXPECT_TRUE(Has(out, "* 1 FETCH (FLAGS (\\Seen) MODSEQ (")) << out;
    EXPECT_TRUE(Has(out, "a4 OK STORE completed")) << out;
    out = co_await c->Run("a5 STORE 1 (UNCHANGEDSINCE " + std::to_string(modseq) +
                          ") +FLAGS (\\Flagged)");
    EXPECT_EQ(out, "a5 OK [MODIFIED 1] Conditional STORE failed\r\n");
    co_await c->Close();
  }(this));
}

TEST_F(ImapSessionTest, CopyAndMove) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    co_await Append(c.get(), "a1", "INBOX", "(\\Flagged) ");
    co_await Append(c.get(), "a2", "INBOX");
    co_await c->Run("a3 SELECT INBOX");
    EXPECT_EQ(co_await c->Run("a4 COPY 1 Nowhere"), "a4 NO [TRYCREATE] No such mailbox\r\n");
    std::string out = co_await c->Run("a5 COPY 1:2 Archive");
    EXPECT_TRUE(out.starts_with("a5 OK [COPYUID ")) << out;
    EXPECT_TRUE(Has(out, " 1:2 1:2] COPY completed")) << out;
    out = co_await c->Run("a6 UID MOVE 1 Trash");
    EXPECT_TRUE(out.starts_with("* OK [COPYUID ")) << out;
    EXPECT_TRUE(Has(out, " 1 1] Moved\r\n* 1 EXPUNGE\r\na6 OK UID MOVE completed\r\n")) << out;
    out = co_await c->Run("a7 EXAMINE Trash");
    EXPECT_TRUE(Has(out, "* 1 EXISTS")) << out;
    EXPECT_TRUE(Has(out, "a7 OK [READ-ONLY] EXAMINE completed")) << out;
    EXPECT_EQ(co_await c->Run("a8 FETCH 1 (FLAGS)"),
              "* 1 FETCH (FLAGS (\\Flagged))\r\na8 OK FETCH completed\r\n");
    EXPECT_EQ(co_await c->Run("a9 STORE 1 +FLAGS (\\Seen)"),
              "a9 NO [READ-ONLY] Mailbox is read-only\r\n");
    co_await c->Close();
  }(this));
}

TEST_F(ImapSessionTest, TwoSessionsSeeEachOther) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> a = co_await t->LoggedIn("alice");
    std::unique_ptr<ImapClient> b = co_await t->LoggedIn("alice");
    co_await Append(a.get(), "a1", "INBOX");
    co_await Append(a.get(), "a2", "INBOX");
    co_await a->Run("a3 SELECT INBOX");
    co_await b->Run("b1 SELECT INBOX");
    co_await Append(b.get(), "b2", "INBOX");
    co_await b->Run("b3 STORE 1 +FLAGS (\\Answered)");
    // FETCH may show new messages and flags, never expunges.
    co_await b->Run("b4 STORE 2 +FLAGS.SILENT (\\Deleted)");
    co_await b->Run("b5 EXPUNGE");
    std::string out = co_await a->Run("a4 FETCH 1 (UID)");
    EXPECT_FALSE(Has(out, "EXPUNGE")) << out;
    EXPECT_TRUE(Has(out, "* 3 EXISTS\r\n")) << out;
    EXPECT_TRUE(Has(out, "* 1 FETCH (FLAGS (\\Answered))\r\n")) << out;
    out = co_await a->Run("a5 FETCH 2:3 (UID)");
    EXPECT_EQ(out, "* 3 FETCH (UID 3)\r\na5 OK FETCH completed\r\n");
    // The next command that may announce it does, without a new change.
    out = co_await a->Run("a6 STATUS Trash (MESSAGES)");
    EXPECT_EQ(out, "* STATUS Trash (MESSAGES 0)\r\n* 2 EXPUNGE\r\na6 OK STATUS completed\r\n");
    // IDLE: another session's APPEND is pushed without a command.
    EXPECT_EQ(co_await a->Run("a7 IDLE"), "+ idling\r\n");
    co_await Append(b.get(), "b6", "INBOX");
    out = co_await a->WaitFor("EXISTS");
    EXPECT_EQ(out, "* 3 EXISTS\r\n");
    co_await b->Run("b7 STORE 3 +FLAGS (\\Flagged)");
    out = co_await a->WaitFor("FETCH");
    EXPECT_EQ(out, "* 3 FETCH (FLAGS (\\Flagged))\r\n");
    EXPECT_EQ(co_await a->Run("DONE"), "a7 OK IDLE terminated\r\n");
    co_await a->Close();
    co_await b->Close();
  }(this));
}

TEST_F(ImapSessionTest, StoreOutageIsUnavailableAndTheSessionLivesOn) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    FlakyMetadataStore flaky(t->services_.metadata);
    t->services_.metadata = &flaky;
    MailboxIndexCache cache(&flaky, 1);  // the shared indexes read through the outage too
    t->services_.index_cache = &cache;
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    co_await Append(c.get(), "a1", "INBOX");
    co_await c->Run("a2 SELECT INBOX");
    flaky.down = true;
    const char* kUnavailable = "NO [UNAVAILABLE] Temporary failure, try again later\r\n";
    EXPECT_EQ(co_await c->Run("b1 LIST \"\" *"), std::string("b1 ") + kUnavailable);
    EXPECT_EQ(co_await c->Run("b2 FETCH 1 (FLAGS INTERNALDATE)"),
              std::string("b2 ") + kUnavailable);
    EXPECT_EQ(co_await c->Run("b3 STORE 1 +FLAGS (\\Seen)"), std::string("b3 ") + kUnavailable);
    std::string out = co_await Append(c.get(), "b4", "INBOX");
    EXPECT_EQ(out, std::string("b4 ") + kUnavailable);
    EXPECT_EQ(co_await c->Run("b5 NOOP"), "b5 OK NOOP completed\r\n");
    flaky.down = false;
    out = co_await c->Run("c1 FETCH 1 (FLAGS)");
    EXPECT_EQ(out, "* 1 FETCH (FLAGS ())\r\nc1 OK FETCH completed\r\n");
    out = co_await c->Run("c2 STATUS INBOX (MESSAGES)");
    EXPECT_TRUE(Has(out, "(MESSAGES 1)")) << out;
    co_await c->Close();
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
