// QUOTA (RFC 9208: GETQUOTAROOT, GETQUOTA, SETQUOTA refused, APPEND/COPY over quota store
// nothing, MOVE allowed), REPLACE and UID REPLACE (RFC 8508), and WITHIN (RFC 5032: OLDER and
// YOUNGER in SEARCH, UID SEARCH with ESEARCH, and SORT) in a real session.
#include "imap/session_test_util.h"

namespace ringmail::testing {
namespace {

const char kMessage[] = "From: a@example.test\r\nSubject: hi\r\n\r\nbody\r\n";   // 43 bytes
const char kOther[] = "From: b@example.test\r\nSubject: new\r\n\r\nbody 2\r\n";  // 46 bytes

Task<std::string> Append(ImapClient* c, std::string tag, std::string mailbox,
                         std::string before = "") {
  std::string out =
      co_await c->Run(tag + " APPEND " + mailbox + " " + before + "{43+}\r\n" + kMessage);
  co_return out;
}

Task<void> SetQuota(ImapSessionTest* t, std::string user, uint64_t bytes) {
  AccountUpdate update;
  update.name = std::move(user);
  update.quota_bytes = bytes;
  Result<AccountRecord> r = co_await t->services_.metadata->UpdateAccount(std::move(update));
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
}

TEST_F(ImapSessionTest, QuotaRootUsageAndOverQuota) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    co_await SetQuota(t, "alice", 100);
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    EXPECT_TRUE(
        Has(co_await c->Run("q0 CAPABILITY"), " QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE "));
    EXPECT_TRUE((co_await Append(c.get(), "q1", "INBOX")).starts_with("q1 OK [APPENDUID "));
    EXPECT_EQ(co_await c->Run("q2 GETQUOTAROOT inbox"),
              "* QUOTAROOT INBOX \"\"\r\n* QUOTA \"\" (STORAGE 1 0)\r\nq2 OK GETQUOTAROOT "
              "completed\r\n");
    EXPECT_TRUE((co_await Append(c.get(), "q3", "INBOX")).starts_with("q3 OK "));
    // 86 of 100 bytes used: a third message does not fit, nor do two of them in one command.
    EXPECT_EQ(co_await Append(c.get(), "q4", "INBOX"), "q4 NO [OVERQUOTA] Quota exceeded\r\n");
    co_await c->Run("q5 SELECT INBOX");
    EXPECT_EQ(co_await c->Run("q6 COPY 1:2 Archive"), "q6 NO [OVERQUOTA] Quota exceeded\r\n");
    EXPECT_TRUE(Has(co_await c->Run("q7 STATUS Archive (MESSAGES)"), "(MESSAGES 0)"));
    // MOVE does not grow the usage.
    EXPECT_TRUE(Has(co_await c->Run("q8 MOVE 2 Archive"), "q8 OK MOVE completed"));
    EXPECT_EQ(co_await c->Run("q9 GETQUOTA \"\""),
              "* QUOTA \"\" (STORAGE 1 0)\r\nq9 OK GETQUOTA completed\r\n");
    EXPECT_EQ(co_await c->Run("r1 SETQUOTA \"\" (STORAGE 10)"),
              "r1 NO [NOPERM] Quotas are set by the administrator\r\n");
    EXPECT_EQ(co_await c->Run("r2 GETQUOTA other"), "r2 NO [NONEXISTENT] No such quota root\r\n");
    EXPECT_EQ(co_await c->Run("r3 GETQUOTAROOT Nowhere"),
              "r3 NO [NONEXISTENT] No such mailbox\r\n");
    co_await c->Close();

    // Without a limit there is no quota root.
    std::unique_ptr<ImapClient> b = co_await t->LoggedIn("bob");
    EXPECT_EQ(co_await b->Run("b1 GETQUOTAROOT INBOX"),
              "* QUOTAROOT INBOX\r\nb1 OK GETQUOTAROOT completed\r\n");
    EXPECT_EQ(co_await b->Run("b2 GETQUOTA \"\""), "b2 NO [NONEXISTENT] No such quota root\r\n");
    co_await b->Close();
  }(this));
}

TEST_F(ImapSessionTest, ReplaceAppendsThenExpunges) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    co_await Append(c.get(), "a1", "INBOX");
    co_await Append(c.get(), "a2", "INBOX");
    EXPECT_TRUE(Has(co_await c->Run("a3 CAPABILITY"), " REPLACE "));
    std::string out = co_await c->Run("a4 SELECT INBOX");
    const std::string uidvalidity = out.substr(out.find("[UIDVALIDITY ") + 13, 10);
    out = co_await c->Run(std::string("a5 REPLACE 1 INBOX (\\Seen) {46+}\r\n") + kOther);
    EXPECT_EQ(out, "* OK [APPENDUID " + uidvalidity.substr(0, uidvalidity.find(']')) +
                       " 3] Replacement message ready\r\n* 1 EXPUNGE\r\n* 2 EXISTS\r\n"
                       "a5 OK REPLACE completed\r\n");
    EXPECT_EQ(co_await c->Run("a6 FETCH 1:* (UID FLAGS RFC822.SIZE)"),
              "* 1 FETCH (UID 2 FLAGS () RFC822.SIZE 43)\r\n"
              "* 2 FETCH (UID 3 FLAGS (\\Seen) RFC822.SIZE 46)\r\na6 OK FETCH completed\r\n");
    // UID REPLACE into another mailbox: the new message goes there.
    out = co_await c->Run(std::string("a7 UID REPLACE 2 Drafts (\\Draft) {46+}\r\n") + kOther);
    EXPECT_TRUE(out.starts_with("* OK [APPENDUID ")) << out;
    EXPECT_TRUE(Has(out,
                    " 1] Replacement message ready\r\n* 1 EXPUNGE\r\na7 OK UID REPLACE "
                    "completed\r\n"))
        << out;
    EXPECT_TRUE(Has(co_await c->Run("a8 STATUS Drafts (MESSAGES)"), "(MESSAGES 1)"));
    // Errors leave everything as it was.
    EXPECT_EQ(co_await c->Run(std::string("a9 REPLACE 5 INBOX {46+}\r\n") + kOther),
              "a9 BAD No such message\r\n");
    EXPECT_EQ(co_await c->Run(std::string("b1 UID REPLACE 99 INBOX {46+}\r\n") + kOther),
              "b1 NO No such message\r\n");
    EXPECT_EQ(co_await c->Run(std::string("b2 REPLACE 1 Nowhere {46+}\r\n") + kOther),
              "b2 NO [TRYCREATE] No such mailbox\r\n");
    EXPECT_EQ(co_await c->Run("b3 REPLACE 1 INBOX {0+}\r\n"), "b3 NO Empty message\r\n");
    EXPECT_EQ(co_await c->Run("b4 FETCH 1:* (UID)"),
              "* 1 FETCH (UID 3)\r\nb4 OK FETCH completed\r\n");
    // A replacement as large as the old message fits a full quota; a larger one does not.
    co_await SetQuota(t, "alice", 46 + 46);
    out = co_await c->Run(std::string("b5 REPLACE 1 INBOX {46+}\r\n") + kOther);
    EXPECT_TRUE(Has(out, "b5 OK REPLACE completed")) << out;
    EXPECT_EQ(co_await c->Run("b6 REPLACE 1 INBOX {50+}\r\n" + std::string(kOther) + "more"),
              "b6 NO [OVERQUOTA] Quota exceeded\r\n");
    co_await c->Run("b7 EXAMINE INBOX");
    EXPECT_EQ(co_await c->Run(std::string("b8 REPLACE 1 INBOX {46+}\r\n") + kOther),
              "b8 NO [READ-ONLY] Mailbox is read-only\r\n");
    co_await c->Close();
  }(this));
}

TEST_F(ImapSessionTest, ReplaceUnderQresyncSaysVanished) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    co_await Append(c.get(), "a1", "INBOX");
    co_await c->Run("a2 ENABLE QRESYNC");
    co_await c->Run("a3 SELECT INBOX");
    std::string out = co_await c->Run(std::string("a4 UID REPLACE 1 INBOX {46+}\r\n") + kOther);
    EXPECT_TRUE(Has(out,
                    " 2] Replacement message ready\r\n* VANISHED 1\r\n* 1 EXISTS\r\n"
                    "a4 OK UID REPLACE completed\r\n"))
        << out;
    co_await c->Close();
  }(this));
}

TEST_F(ImapSessionTest, WithinOlderYounger) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    EXPECT_TRUE(Has(co_await c->Run("a0 CAPABILITY"), " WITHIN "));
    co_await Append(c.get(), "a1", "INBOX", "\"01-Jan-2000 00:00:00 +0000\" ");
    co_await Append(c.get(), "a2", "INBOX");  // now
    co_await c->Run("a3 SELECT INBOX");
    EXPECT_EQ(co_await c->Run("a4 SEARCH YOUNGER 86400"),
              "* SEARCH 2\r\na4 OK SEARCH completed\r\n");
    EXPECT_EQ(co_await c->Run("a5 SEARCH OLDER 86400"), "* SEARCH 1\r\na5 OK SEARCH completed\r\n");
    EXPECT_EQ(co_await c->Run("a6 UID SEARCH RETURN (COUNT) OR OLDER 86400 YOUNGER 86400"),
              "* ESEARCH (TAG \"a6\") UID COUNT 2\r\na6 OK UID SEARCH completed\r\n");
    EXPECT_EQ(co_await c->Run("a7 SORT (REVERSE ARRIVAL) UTF-8 NOT YOUNGER 1000000000"),
              "* SORT\r\na7 OK SORT completed\r\n");
    EXPECT_EQ(co_await c->Run("a8 UID SORT (REVERSE ARRIVAL) UTF-8 YOUNGER 1000000000"),
              "* SORT 2 1\r\na8 OK SORT completed\r\n");
    EXPECT_EQ(co_await c->Run("a9 SEARCH YOUNGER 0"), "a9 BAD zero is not allowed here\r\n");
    co_await c->Close();
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
