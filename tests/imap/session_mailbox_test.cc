// The IMAP session's mailbox commands: LIST (basic, wildcards, LIST-EXTENDED, LIST-STATUS,
// special use, \NonExistent levels), LSUB, NAMESPACE, CREATE with superiors and USE,
// RENAME, DELETE, STATUS, SUBSCRIBE, modified UTF-7 names, and account isolation.
#include "imap/session_test_util.h"

namespace ringmail::testing {
namespace {

TEST_F(ImapSessionTest, ListCreateRenameDelete) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    EXPECT_EQ(co_await c->Run("a1 LIST \"\" \"\""),
              "* LIST (\\Noselect) \"/\" \"\"\r\na1 OK LIST completed\r\n");
    std::string out = co_await c->Run("a2 LIST \"\" *");
    EXPECT_TRUE(out.starts_with("* LIST (\\HasNoChildren) \"/\" INBOX\r\n")) << out;
    EXPECT_TRUE(Has(out, "* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n")) << out;
    EXPECT_TRUE(Has(out, "* LIST (\\HasNoChildren \\Trash) \"/\" Trash\r\n")) << out;
    EXPECT_TRUE(Created(co_await c->Run("a3 CREATE Work/Project/"), "a3"));
    EXPECT_EQ(co_await c->Run("a4 CREATE Work"),
              "a4 NO [ALREADYEXISTS] Mailbox already exists\r\n");
    EXPECT_EQ(co_await c->Run("a5 CREATE inbox"),
              "a5 NO [ALREADYEXISTS] Mailbox already exists\r\n");
    EXPECT_EQ(co_await c->Run("a6 LIST \"\" Work/%"),
              "* LIST (\\HasNoChildren) \"/\" Work/Project\r\na6 OK LIST completed\r\n");
    EXPECT_EQ(co_await c->Run("a7 LIST \"\" %ork"),
              "* LIST (\\HasChildren) \"/\" Work\r\na7 OK LIST completed\r\n");
    EXPECT_EQ(co_await c->Run("a8 RENAME Work Play"), "a8 OK RENAME completed\r\n");
    EXPECT_EQ(co_await c->Run("a9 LIST \"\" Play*"),
              "* LIST (\\HasChildren) \"/\" Play\r\n* LIST (\\HasNoChildren) \"/\" Play/Project\r\n"
              "a9 OK LIST completed\r\n");
    EXPECT_EQ(co_await c->Run("b1 RENAME Nope Other"), "b1 NO [NONEXISTENT] No such mailbox\r\n");
    EXPECT_EQ(co_await c->Run("b2 RENAME Play Sent"),
              "b2 NO [ALREADYEXISTS] Target mailbox already exists\r\n");
    EXPECT_EQ(co_await c->Run("b3 DELETE Play"), "b3 OK DELETE completed\r\n");
    // The child stays; its parent level shows as not existing.
    EXPECT_EQ(co_await c->Run("b4 LIST \"\" Play%"),
              "* LIST (\\Noselect \\HasChildren) \"/\" Play\r\nb4 OK LIST completed\r\n");
    EXPECT_EQ(co_await c->Run("b5 DELETE INBOX"), "b5 NO [CANNOT] INBOX cannot be deleted\r\n");
    EXPECT_EQ(co_await c->Run("b6 DELETE Play"), "b6 NO [NONEXISTENT] No such mailbox\r\n");
    EXPECT_EQ(co_await c->Run("b7 CREATE a//b"), "b7 NO [CANNOT] Invalid mailbox name\r\n");
    EXPECT_EQ(co_await c->Run("b8 CREATE ../bob"), "b8 NO [CANNOT] Invalid mailbox name\r\n");
    EXPECT_EQ(co_await c->Run("c1 CREATE \"a%b\""), "c1 NO [CANNOT] Invalid mailbox name\r\n");
    EXPECT_EQ(co_await c->Run("b9 NAMESPACE"),
              "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\nb9 OK NAMESPACE completed\r\n");
    co_await c->Close();
  }(this));
}

TEST_F(ImapSessionTest, ListExtendedStatusAndSpecialUse) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    EXPECT_TRUE(Created(co_await c->Run("a1 CREATE Receipts (USE (\\Archive))"), "a1"));
    EXPECT_EQ(co_await c->Run("a2 CREATE Bad (USE (\\Nonsense))"),
              "a2 NO [USEATTR] Unknown special use\r\n");
    std::string out = co_await c->Run("a3 LIST (SPECIAL-USE) \"\" *");
    EXPECT_TRUE(Has(out, "* LIST (\\HasNoChildren \\Archive) \"/\" Receipts\r\n")) << out;
    EXPECT_FALSE(Has(out, " INBOX\r\n")) << out;
    out = co_await c->Run("a4 LIST \"\" INBOX RETURN (SUBSCRIBED STATUS (MESSAGES UIDNEXT SIZE))");
    EXPECT_EQ(out,
              "* LIST (\\HasNoChildren \\Subscribed) \"/\" INBOX\r\n"
              "* STATUS INBOX (MESSAGES 0 UIDNEXT 1 SIZE 0)\r\na4 OK LIST completed\r\n");
    out = co_await c->Run("a5 LSUB \"\" inbox");
    EXPECT_EQ(out, "* LSUB (\\HasNoChildren) \"/\" INBOX\r\na5 OK LSUB completed\r\n");
    out = co_await c->Run("a6 STATUS inbox (MESSAGES UNSEEN RECENT DELETED)");
    EXPECT_EQ(out,
              "* STATUS INBOX (MESSAGES 0 UNSEEN 0 DELETED 0 RECENT 0)\r\n"
              "a6 OK STATUS completed\r\n");
    EXPECT_EQ(co_await c->Run("a7 STATUS Nope (MESSAGES)"),
              "a7 NO [NONEXISTENT] No such mailbox\r\n");
    EXPECT_EQ(co_await c->Run("a8 UNSUBSCRIBE Receipts"), "a8 OK UNSUBSCRIBE completed\r\n");
    out = co_await c->Run("a9 LSUB \"\" R*");
    EXPECT_EQ(out, "a9 OK LSUB completed\r\n");
    out = co_await c->Run("b1 LIST (SUBSCRIBED) \"\" *");
    EXPECT_FALSE(Has(out, "Receipts")) << out;
    EXPECT_TRUE(Has(out, "* LIST (\\HasNoChildren \\Subscribed) \"/\" INBOX\r\n")) << out;
    out = co_await c->Run("b2 LIST \"\" R* RETURN (SUBSCRIBED)");
    EXPECT_EQ(out, "* LIST (\\HasNoChildren \\Archive) \"/\" Receipts\r\nb2 OK LIST completed\r\n");
    EXPECT_EQ(co_await c->Run("b3 SUBSCRIBE Receipts"), "b3 OK SUBSCRIBE completed\r\n");
    EXPECT_EQ(co_await c->Run("b4 LSUB \"\" R*"),
              "* LSUB (\\HasNoChildren \\Archive) \"/\" Receipts\r\nb4 OK LSUB completed\r\n");
    EXPECT_EQ(co_await c->Run("b5 SUBSCRIBE Nope"), "b5 NO [NONEXISTENT] No such mailbox\r\n");
    co_await c->Close();
  }(this));
}

TEST_F(ImapSessionTest, ModifiedUtf7AndUtf8Names) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    EXPECT_TRUE(Created(co_await c->Run("a1 CREATE Entw&APw-rfe"), "a1"));
    EXPECT_EQ(co_await c->Run("a2 LIST \"\" Entw*"),
              "* LIST (\\HasNoChildren) \"/\" Entw&APw-rfe\r\na2 OK LIST completed\r\n");
    EXPECT_EQ(co_await c->Run("a3 ENABLE UTF8=ACCEPT"),
              "* ENABLED UTF8=ACCEPT\r\na3 OK ENABLE completed\r\n");
    EXPECT_EQ(co_await c->Run("a4 LIST \"\" Entw*"),
              "* LIST (\\HasNoChildren) \"/\" \"Entw\xC3\xBCrfe\"\r\na4 OK LIST completed\r\n");
    co_await c->Close();
  }(this));
}

TEST_F(ImapSessionTest, AccountsAreIsolated) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> bob = co_await t->LoggedIn("bob");
    EXPECT_TRUE(Created(co_await bob->Run("b1 CREATE Secret"), "b1"));
    std::string out = co_await bob->Run("b2 APPEND Secret {11+}\r\nhello world");
    EXPECT_TRUE(Has(out, "b2 OK [APPENDUID ")) << out;
    std::unique_ptr<ImapClient> alice = co_await t->LoggedIn("alice");
    EXPECT_EQ(co_await alice->Run("a1 SELECT Secret"), "a1 NO [NONEXISTENT] No such mailbox\r\n");
    static constexpr const char* kNames[] = {"bob/Secret", "../bob/Secret", "%", "*",
                                             "#users/bob/Secret"};
    for (const char* name : kNames) {
      out = co_await alice->Run(std::string("a2 STATUS \"") + name + "\" (MESSAGES)");
      EXPECT_FALSE(Has(out, "MESSAGES 1")) << name << ": " << out;
    }
    out = co_await alice->Run("a3 LIST \"\" *");
    EXPECT_FALSE(Has(out, "Secret")) << out;
    out = co_await alice->Run("a4 LIST \"bob/\" *");
    EXPECT_FALSE(Has(out, "Secret")) << out;
    EXPECT_EQ(co_await alice->Run("a5 DELETE Secret"), "a5 NO [NONEXISTENT] No such mailbox\r\n");
    EXPECT_EQ(co_await alice->Run("a6 RENAME Secret Mine"),
              "a6 NO [NONEXISTENT] No such mailbox\r\n");
    out = co_await alice->Run("a7 APPEND Secret {3+}\r\nabc");
    EXPECT_EQ(out, "a7 NO [TRYCREATE] No such mailbox\r\n");
    out = co_await bob->Run("b3 STATUS Secret (MESSAGES)");
    EXPECT_TRUE(Has(out, "* STATUS Secret (MESSAGES 1)")) << out;
    co_await alice->Close();
    co_await bob->Close();
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
