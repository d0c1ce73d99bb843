// Every command form but FETCH/STORE/SEARCH/SORT/THREAD (fetch_search_test.cc), with
// RFC 9051's and the extensions' examples.
#include <gtest/gtest.h>

#include "imap_test_util.h"

namespace ringmail::imap {
namespace {

TEST(ImapCommands, NoArguments) {
  for (const char* in :
       {"a CAPABILITY\r\n", "a NOOP\r\n", "a LOGOUT\r\n", "a STARTTLS\r\n", "a CHECK\r\n",
        "a CLOSE\r\n", "a UNSELECT\r\n", "a EXPUNGE\r\n", "a IDLE\r\n", "a NAMESPACE\r\n"}) {
    Outcome out = RunCommand(in);
    EXPECT_EQ(out.state, ReadState::kDone) << in;
    EXPECT_TRUE(std::holds_alternative<std::monostate>(out.command.args)) << in;
  }
  ExpectBad("a IDLE now\r\n");
}

TEST(ImapCommands, Authenticate) {
  auto args = ParseArgs<AuthenticateArgs>("a AUTHENTICATE plain\r\n");
  EXPECT_EQ(args.mechanism, "PLAIN");
  EXPECT_FALSE(args.initial_response);
  args = ParseArgs<AuthenticateArgs>("a AUTHENTICATE PLAIN AGZvbwBiYXI=\r\n");
  EXPECT_EQ(args.initial_response, "AGZvbwBiYXI=");
  args = ParseArgs<AuthenticateArgs>("a AUTHENTICATE SCRAM-SHA-256 =\r\n");
  EXPECT_EQ(args.mechanism, "SCRAM-SHA-256");
  EXPECT_EQ(args.initial_response, "=");
  ExpectBad("a AUTHENTICATE PLAIN !!\r\n");
  ExpectBad("a AUTHENTICATE\r\n");
}

TEST(ImapCommands, Login) {
  EXPECT_EQ(ParseArgs<LoginArgs>("a001 LOGIN SMITH SESAME\r\n"), (LoginArgs{"SMITH", "SESAME"}));
  EXPECT_EQ(ParseArgs<LoginArgs>("a LOGIN \"fred foo\" \"a\\\\b\"\r\n"),
            (LoginArgs{"fred foo", "a\\b"}));
  EXPECT_EQ(ParseArgs<LoginArgs>("a LOGIN u] {2+}\r\n\"}\r\n"), (LoginArgs{"u]", "\"}"}));
  ExpectBad("a LOGIN \"a\\b\" x\r\n");  // only \" and \\ may be escaped
  ExpectBad("a LOGIN (x) y\r\n");
}

TEST(ImapCommands, EnableIdCompress) {
  EXPECT_EQ(ParseArgs<EnableArgs>("a ENABLE condstore UTF8=ACCEPT\r\n").capabilities,
            (std::vector<std::string>{"CONDSTORE", "UTF8=ACCEPT"}));
  ExpectBad("a ENABLE\r\n");
  EXPECT_TRUE(ParseArgs<IdArgs>("a ID NIL\r\n").fields.empty());
  auto id = ParseArgs<IdArgs>("a023 ID (\"name\" \"sodr\" \"version\" NIL)\r\n");
  ASSERT_EQ(id.fields.size(), 2u);
  EXPECT_EQ(id.fields[0].second, "sodr");
  EXPECT_FALSE(id.fields[1].second);
  ExpectBad("a ID (\"name\")\r\n");
  EXPECT_EQ(ParseArgs<CompressArgs>("a COMPRESS deflate\r\n").mechanism, "DEFLATE");
}

TEST(ImapCommands, SelectExamine) {
  auto args = ParseArgs<SelectArgs>("A142 SELECT INBOX\r\n");
  EXPECT_EQ(args.mailbox, "INBOX");
  EXPECT_FALSE(args.condstore);
  EXPECT_TRUE(ParseArgs<SelectArgs>("a EXAMINE blurdybloop (CONDSTORE)\r\n").condstore);
  args = ParseArgs<SelectArgs>(
      "A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n");
  ASSERT_TRUE(args.qresync);
  EXPECT_EQ(args.qresync->uidvalidity, 67890007u);
  EXPECT_EQ(args.qresync->modseq, 20050715194045000u);
  ASSERT_TRUE(args.qresync->known_uids);
  EXPECT_EQ(args.qresync->known_uids->ranges.size(), 3u);
  EXPECT_EQ(args.qresync->known_uids->ranges[2], (SequenceRange{214, 541}));
  args = ParseArgs<SelectArgs>(
      "B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 "
      "15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))\r\n");
  ASSERT_TRUE(args.qresync && args.qresync->seq_match);
  EXPECT_EQ(args.qresync->seq_match->first.ranges.size(), 4u);
  args = ParseArgs<SelectArgs>("a SELECT x (QRESYNC (1 2 (1 3)) CONDSTORE)\r\n");
  EXPECT_TRUE(args.condstore && args.qresync && !args.qresync->known_uids);
  ExpectBad("a SELECT INBOX (FOO)\r\n");
  ExpectBad("a SELECT INBOX (QRESYNC (0 5))\r\n");
  ExpectBad("a SELECT INBOX ()\r\n");
}

TEST(ImapCommands, CreateDeleteRenameSubscribe) {
  EXPECT_EQ(ParseArgs<CreateArgs>("A003 CREATE owatagusiam/\r\n").mailbox, "owatagusiam/");
  auto create = ParseArgs<CreateArgs>("t1 CREATE \"Important Messages\" (USE (\\important))\r\n");
  EXPECT_EQ(create.special_use, (std::vector<std::string>{"\\important"}));
  EXPECT_EQ(ParseArgs<CreateArgs>("a CREATE S (USE (\\sent \\Trash))\r\n").special_use,
            (std::vector<std::string>{"\\Sent", "\\Trash"}));
  ExpectBad("a CREATE S (USE (Sent))\r\n");
  EXPECT_EQ(ParseArgs<MailboxArgs>("A683 DELETE blurdybloop\r\n").mailbox, "blurdybloop");
  EXPECT_EQ(ParseArgs<RenameArgs>("A683 RENAME blurdybloop sarasoop\r\n"),
            (RenameArgs{"blurdybloop", "sarasoop"}));
  EXPECT_EQ(ParseArgs<MailboxArgs>("A002 SUBSCRIBE #news.comp.mail.mime\r\n").mailbox,
            "#news.comp.mail.mime");
  EXPECT_EQ(ParseArgs<MailboxArgs>("A002 UNSUBSCRIBE {5+}\r\nInBoX\r\n").mailbox, "INBOX");
  ExpectBad("a DELETE foo%\r\n");
}

TEST(ImapCommands, List) {
  auto args = ParseArgs<ListArgs>("A101 LIST \"\" \"\"\r\n");
  EXPECT_EQ(args.reference, "");
  EXPECT_EQ(args.patterns, (std::vector<std::string>{""}));
  args = ParseArgs<ListArgs>("A202 LIST ~/Mail/ %\r\n");
  EXPECT_EQ(args.reference, "~/Mail/");
  EXPECT_EQ(args.patterns[0], "%");
  args =
      ParseArgs<ListArgs>("A04 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)\r\n");
  EXPECT_EQ(args.selection, kListSelectSubscribed | kListSelectRecursiveMatch);
  EXPECT_EQ(args.returns, kListReturnChildren);
  args = ParseArgs<ListArgs>(
      "A01 LIST \"\" (\"INBOX\" \"Drafts\" foo/*) RETURN (STATUS (MESSAGES UNSEEN) "
      "SPECIAL-USE)\r\n");
  EXPECT_EQ(args.patterns.size(), 3u);
  EXPECT_EQ(args.returns, kListReturnStatus | kListReturnSpecialUse);
  EXPECT_EQ(args.status_items, kStatusMessages | kStatusUnseen);
  args = ParseArgs<ListArgs>("t LIST (SPECIAL-USE) \"\" *\r\n");
  EXPECT_EQ(args.selection, kListSelectSpecialUse);
  EXPECT_EQ(ParseArgs<ListArgs>("t LIST () \"\" \"&ZeVnLIqe-/%\"\r\n").patterns[0], "日本語/%");
  ExpectBad("a LIST (RECURSIVEMATCH) \"\" %\r\n");
  ExpectBad("a LIST (FOO) \"\" %\r\n");
  ExpectBad("a LIST \"\" % RETURN (BAR)\r\n");
  ExpectBad("a LIST \"\"\r\n");
  auto lsub = ParseArgs<ListArgs>("A002 LSUB \"#news.\" \"comp.mail.*\"\r\n");
  EXPECT_EQ(lsub.reference, "#news.");
  EXPECT_EQ(lsub.patterns[0], "comp.mail.*");
}

TEST(ImapCommands, Status) {
  auto args = ParseArgs<StatusArgs>("A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n");
  EXPECT_EQ(args.items, kStatusUidNext | kStatusMessages);
  args = ParseArgs<StatusArgs>(
      "a STATUS INBOX (SIZE HIGHESTMODSEQ APPENDLIMIT DELETED UIDVALIDITY UNSEEN RECENT "
      "MAILBOXID)\r\n");
  EXPECT_EQ(args.items, 0x3FC);
  args = ParseArgs<StatusArgs>("a STATUS INBOX (deleted-storage DELETED)\r\n");
  EXPECT_EQ(args.items, kStatusDeletedStorage | kStatusDeleted);
  ExpectBad("a STATUS INBOX ()\r\n");
  ExpectBad("a STATUS INBOX (DELETED-STORAGES)\r\n");
  ExpectBad("a STATUS INBOX (FOO)\r\n");
}

TEST(ImapCommands, Append) {
  std::string message =
      "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nFrom: Fred Foobar <foobar@Blurdybloop.example>"
      "\r\nSubject: afternoon meeting\r\n\r\nHello Joe, do you think we can meet at 3:30?\r\n";
  std::string in = "A003 APPEND saved-messages (\\Seen) {" + std::to_string(message.size()) +
                   "}\r\n" + message + "\r\n";
  Outcome out = RunCommand(in);
  ASSERT_EQ(out.state, ReadState::kDone) << out.error.text;
  EXPECT_EQ(out.continuations, 1);
  auto& args = std::get<AppendArgs>(out.command.args);
  EXPECT_EQ(args.mailbox, "saved-messages");
  ASSERT_EQ(args.messages.size(), 1u);
  EXPECT_EQ(args.messages[0].flags, (std::vector<std::string>{"\\Seen"}));
  EXPECT_EQ(args.messages[0].data, message);
  EXPECT_FALSE(args.messages[0].internal_date);

  auto dated =
      ParseArgs<AppendArgs>("a APPEND INBOX () \"17-Jul-1996 02:44:25 -0700\" {1+}\r\nx\r\n");
  ASSERT_TRUE(dated.messages[0].internal_date);
  EXPECT_EQ(dated.messages[0].internal_date->unix_seconds, 837596665);
  EXPECT_EQ(dated.messages[0].internal_date->zone_minutes, -420);
  dated = ParseArgs<AppendArgs>("a APPEND INBOX \" 1-Jan-1970 00:00:00 +0000\" {1+}\r\nx\r\n");
  EXPECT_EQ(dated.messages[0].internal_date->unix_seconds, 0);

  auto multi = ParseArgs<AppendArgs>(
      "A003 APPEND saved-messages (\\Seen) {3+}\r\nabc (\\SEEN \\Flagged $x) {2+}\r\nde "
      "{0+}\r\n\r\n");
  ASSERT_EQ(multi.messages.size(), 3u);
  EXPECT_EQ(multi.messages[1].flags, (std::vector<std::string>{"\\Seen", "\\Flagged", "$x"}));
  EXPECT_EQ(multi.messages[2].data, "");

  ExpectBad("a APPEND INBOX (\\Recent) {1+}\r\nx\r\n");
  ExpectBad("a APPEND INBOX \"31-Feb-2024 00:00:00 +0000\" {1+}\r\nx\r\n");
  ExpectBad("a APPEND INBOX \"1-Jan-2024 24:00:00 +0000\" {1+}\r\nx\r\n");
  ExpectBad("a APPEND INBOX \"x\"\r\n");
  ExpectBad("a APPEND INBOX\r\n");
}

TEST(ImapCommands, Replace) {
  Outcome out = RunCommand("a UID REPLACE 4 Drafts (\\Draft) {5+}\r\nhello\r\n");
  ASSERT_EQ(out.state, ReadState::kDone);
  EXPECT_TRUE(out.command.uid);
  auto& args = std::get<ReplaceArgs>(out.command.args);
  EXPECT_EQ(args.number, 4u);
  EXPECT_EQ(args.mailbox, "Drafts");
  EXPECT_EQ(args.message.data, "hello");
  ExpectBad("a REPLACE 0 Drafts {1+}\r\nx\r\n");
}

TEST(ImapCommands, Quota) {
  EXPECT_EQ(ParseArgs<QuotaRootArgs>("G0001 GETQUOTA \"!partition/sda4\"\r\n").root,
            "!partition/sda4");
  EXPECT_EQ(ParseArgs<MailboxArgs>("G0002 GETQUOTAROOT INBOX\r\n").mailbox, "INBOX");
  auto set = ParseArgs<SetQuotaArgs>("S0000 SETQUOTA \"User quota\" (storage 512 MESSAGE 10)\r\n");
  EXPECT_EQ(set.root, "User quota");
  ASSERT_EQ(set.limits.size(), 2u);
  EXPECT_EQ(set.limits[0], (std::pair<std::string, uint64_t>{"STORAGE", 512}));
  EXPECT_TRUE(ParseArgs<SetQuotaArgs>("S SETQUOTA \"\" ()\r\n").limits.empty());
}

TEST(ImapCommands, CopyMoveExpunge) {
  auto copy = ParseArgs<CopyArgs>("A003 COPY 2:4 MEETING\r\n");
  EXPECT_EQ(copy.set.ranges, (std::vector<SequenceRange>{{2, 4}}));
  EXPECT_EQ(copy.mailbox, "MEETING");
  Outcome out = RunCommand("a UID MOVE 42:69,* foo\r\n");
  ASSERT_EQ(out.state, ReadState::kDone);
  EXPECT_TRUE(out.command.uid);
  EXPECT_EQ(out.command.name, CommandName::kMove);
  EXPECT_EQ(std::get<CopyArgs>(out.command.args).set.ranges,
            (std::vector<SequenceRange>{{42, 69}, {kSequenceStar, kSequenceStar}}));
  EXPECT_TRUE(ParseArgs<CopyArgs>("a MOVE $ Trash\r\n").set.saved);
  EXPECT_EQ(ParseArgs<UidExpungeArgs>("A202 UID EXPUNGE 3000:3002\r\n").set.ranges,
            (std::vector<SequenceRange>{{3000, 3002}}));
  ExpectBad("a UID EXPUNGE\r\n");
  ExpectBad("a COPY 0 x\r\n");
  ExpectBad("a COPY 1:4294967296 x\r\n");
  ExpectBad("a COPY 1,,2 x\r\n");
  ExpectBad("a COPY $,1 x\r\n");
}

}  // namespace
}  // namespace ringmail::imap
