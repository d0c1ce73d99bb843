#include "imap/mailbox_name.h"

#include <gtest/gtest.h>

#include "imap/wire.h"

namespace ringmail::imap {
namespace {

TEST(ImapMailboxName, Rfc3501Examples) {
  EXPECT_EQ(DecodeMailboxUtf7("~peter/mail/&U,BTFw-/&ZeVnLIqe-"), "~peter/mail/台北/日本語");
  EXPECT_EQ(EncodeMailboxUtf7("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  EXPECT_EQ(DecodeMailboxUtf7("&-"), "&");
  EXPECT_EQ(EncodeMailboxUtf7("Tom & Jerry"), "Tom &- Jerry");
  EXPECT_EQ(DecodeMailboxUtf7("Entw&APw-rfe"), "Entwürfe");
  EXPECT_EQ(EncodeMailboxUtf7("Entwürfe"), "Entw&APw-rfe");
}

TEST(ImapMailboxName, RoundTrips) {
  for (const char* name : {"", "INBOX", "a&b", "&&", "ü", "üü", "üüü", "日本語/x", "😀", "a😀b😀",
                           "Отправленные", "&-&ZeVnLIqe-"}) {
    std::string encoded = EncodeMailboxUtf7(name);
    for (char c : encoded) EXPECT_TRUE(c >= 0x20 && c < 0x7F) << name;
    EXPECT_EQ(DecodeMailboxUtf7(encoded), name) << encoded;
  }
}

TEST(ImapMailboxName, InvalidSequencesAreRefused) {
  for (const char* bad : {"&", "&ZeVnLIqe", "&U,BTFw-&ZeVnLIqe-",  // not closed; two runs
                          "&AGE-",                                 // printable ASCII encoded
                          "&ACY-",                                 // "&" encoded
                          "&2D0-",                                 // lone high surrogate
                          "&3gA-",                                 // lone low surrogate
                          "&AOR-",                                 // nonzero padding bits
                          "&ZeVnLIq-",                             // a partial unit
                          "&AAA-",                                 // NUL
                          "&!!-", "tab\there", "ü"}) {
    EXPECT_FALSE(DecodeMailboxUtf7(bad)) << bad;
  }
}

TEST(ImapMailboxName, Utf8Mode) {
  EXPECT_EQ(DecodeMailboxName("日本語", true), "日本語");
  EXPECT_EQ(DecodeMailboxName("&-", true), "&-");
  EXPECT_FALSE(DecodeMailboxName("\xC3", true));
  EXPECT_FALSE(DecodeMailboxName("\xC0\xAF", true));      // overlong
  EXPECT_FALSE(DecodeMailboxName("\xED\xA0\x80", true));  // surrogate
  EXPECT_FALSE(DecodeMailboxName("a\x01", true));
  EXPECT_TRUE(IsValidUtf8("😀"));
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
}

TEST(ImapWire, Strings) {
  std::string out;
  AppendString(&out, "a \"b\" \\c", false);
  EXPECT_EQ(out, "\"a \\\"b\\\" \\\\c\"");
  out.clear();
  AppendString(&out, "two\r\nlines", false);
  EXPECT_EQ(out, "{10}\r\ntwo\r\nlines");
  out.clear();
  AppendString(&out, "ü", false);
  EXPECT_EQ(out, "{2}\r\nü");
  out.clear();
  AppendString(&out, "ü", true);
  EXPECT_EQ(out, "\"ü\"");
  out.clear();
  AppendString(&out, std::string("\0", 1), true, LiteralForm::kNonSync);
  EXPECT_EQ(out, std::string("~{1+}\r\n\0", 8));
  out.clear();
  AppendNString(&out, std::nullopt, false);
  out += ' ';
  AppendNString(&out, "", false);
  EXPECT_EQ(out, "NIL \"\"");
  out.clear();
  AppendAString(&out, "INBOX", false);
  out += ' ';
  AppendAString(&out, "nil", false);
  out += ' ';
  AppendAString(&out, "a b", false);
  EXPECT_EQ(out, "INBOX \"nil\" \"a b\"");
  out.clear();
  AppendString(&out, std::string(1025, 'x'), false);
  EXPECT_TRUE(out.starts_with("{1025}\r\n"));
}

}  // namespace
}  // namespace ringmail::imap
