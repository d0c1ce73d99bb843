// The IMAP session's not-authenticated state and session-wide commands: greeting,
// CAPABILITY, LOGIN, AUTHENTICATE PLAIN with SASL-IR and with a continuation, ENABLE, ID,
// NOOP, LOGOUT, commands in the wrong state, parse errors and the BAD limit.
#include "imap/session_test_util.h"

namespace ringmail::testing {
namespace {

TEST_F(ImapSessionTest, GreetingCapabilityLogin) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    ImapClient c(&t->services_);
    std::string greeting = co_await c.Start();
    EXPECT_TRUE(greeting.starts_with("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 ")) << greeting;
    EXPECT_TRUE(Has(greeting, "AUTH=PLAIN")) << greeting;
    std::string out = co_await c.Run("a1 CAPABILITY");
    EXPECT_TRUE(out.starts_with("* CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+")) << out;
    EXPECT_TRUE(Has(out, "\r\na1 OK CAPABILITY completed\r\n")) << out;
    EXPECT_FALSE(Has(out, "IDLE NAMESPACE")) << "post-login capabilities before login: " << out;
    EXPECT_EQ(co_await c.Run("a2 SELECT INBOX"), "a2 BAD Log in first\r\n");
    EXPECT_EQ(co_await c.Run("a3 LOGIN alice wrong"),
              "a3 NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
    out = co_await c.Run("a4 LOGIN alice alice-pw");
    EXPECT_TRUE(out.starts_with("a4 OK [CAPABILITY IMAP4rev1 ")) << out;
    EXPECT_TRUE(Has(out, " MOVE ")) << out;
    EXPECT_FALSE(Has(out, "AUTH=")) << out;
    EXPECT_EQ(co_await c.Run("a5 LOGIN alice alice-pw"), "a5 BAD Already authenticated\r\n");
    EXPECT_EQ(co_await c.Run("a6 NOOP"), "a6 OK NOOP completed\r\n");
    EXPECT_EQ(co_await c.Run("a7 ID NIL"),
              "* ID (\"name\" \"ringmail\" \"vendor\" \"ringmail\")\r\na7 OK ID completed\r\n");
    EXPECT_EQ(co_await c.Run("a8 ENABLE CONDSTORE X-UNKNOWN"),
              "* ENABLED CONDSTORE\r\na8 OK ENABLE completed\r\n");
    EXPECT_EQ(co_await c.Run("a9 LOGOUT"), "* BYE Logging out\r\na9 OK LOGOUT completed\r\n");
    EXPECT_TRUE(c.stream().ended());
  }(this));
}

TEST_F(ImapSessionTest, AuthenticatePlain) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    ImapClient c(&t->services_);
    co_await c.Start();
    // SASL-IR (RFC 4959): "\0bob\0bob-pw".
    std::string out = co_await c.Run("a1 AUTHENTICATE PLAIN AGJvYgBib2ItcHc=");
    EXPECT_TRUE(out.starts_with("a1 OK [CAPABILITY ")) << out;
    ImapClient d(&t->services_);
    co_await d.Start();
    EXPECT_EQ(co_await d.Run("b1 AUTHENTICATE PLAIN"), "+ \r\n");
    out = co_await d.Run("AGFsaWNlAHdyb25n");  // alice / wrong
    EXPECT_EQ(out, "b1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
    EXPECT_EQ(co_await d.Run("b2 AUTHENTICATE PLAIN"), "+ \r\n");
    EXPECT_EQ(co_await d.Run("*"), "b2 BAD Authentication cancelled\r\n");
    EXPECT_EQ(co_await d.Run("b3 AUTHENTICATE X-NONE"),
              "b3 NO [CANNOT] Unsupported authentication mechanism\r\n");
    co_await c.Close();
    co_await d.Close();
  }(this));
}

TEST_F(ImapSessionTest, BadCommandsThenBye) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    t->services_.limits.bad_commands_max = 3;
    ImapClient c(&t->services_);
    co_await c.Start();
    std::string out = co_await c.Run("a1 FROB");
    EXPECT_TRUE(out.starts_with("a1 BAD ")) << out;
    out = co_await c.Run("a2 FETCH");
    EXPECT_TRUE(out.starts_with("a2 BAD ")) << out;
    out = co_await c.Run("a3 NOOP extra");
    EXPECT_TRUE(Has(out, "* BYE Too many invalid commands\r\n")) << out;
    EXPECT_TRUE(c.stream().ended());
  }(this));
}

TEST_F(ImapSessionTest, LiteralTooBigIsRefusedBeforeItsData) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    t->services_.limits.reader.append_size_max = 1000;
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    std::string out = co_await c->Run("a1 APPEND INBOX {5000}");
    EXPECT_TRUE(out.starts_with("a1 NO [TOOBIG]")) << out;
    out = co_await c->Run("a2 NOOP");
    EXPECT_EQ(out, "a2 OK NOOP completed\r\n");
    co_await c->Close();
  }(this));
}

TEST_F(ImapSessionTest, GarbageIsAnsweredNeverHangs) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    // Each line gets an answer (BAD, untagged when there is no tag), then the limit ends it.
    static constexpr const char* kLines[] = {"\x01\x02\xff\xfe",
                                             "a1",
                                             "a2 SELECT",
                                             "a3 FETCH 1:* (",
                                             "a4 UID",
                                             "* NOOP",
                                             "+",
                                             "a5 LOGIN x",
                                             "a6 SELECT \"\xff\xfe\"",
                                             "a7 STORE 1 +FLAGS (\\Recent)"};
    int answered = 0;
    for (const char* line : kLines) {
      if (c->stream().ended()) break;
      std::string out = co_await c->Run(line);
      EXPECT_FALSE(out.empty()) << line;
      answered += out.empty() ? 0 : 1;
    }
    EXPECT_GE(answered, 9);
    EXPECT_TRUE(c->stream().ended()) << "ten BAD answers in a row end the session";
  }(this));
}

}  // namespace
}  // namespace ringmail::testing
