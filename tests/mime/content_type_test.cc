// Content-Type / Content-Disposition parameters (RFC 2045, RFC 2231) and transfer decoding.
#include "mime/content_type.h"

#include <gtest/gtest.h>

#include "mime/transfer_decoding.h"

namespace ringmail::mime {
namespace {

TEST(MimeContentType, TypeAndParams) {
  std::optional<ContentType> ct =
      ParseContentType(" Text/HTML (a comment) ; Charset=\"UTF-8\"; format=flowed (why)");
  ASSERT_TRUE(ct.has_value());
  EXPECT_EQ(ct->type, "text");
  EXPECT_EQ(ct->subtype, "html");
  ASSERT_EQ(ct->params.size(), 2u);
  EXPECT_EQ(ct->params[0].name, "charset");
  EXPECT_EQ(ct->params[0].value, "UTF-8");
  EXPECT_EQ(FindParam(ct->params, "format")->value, "flowed");
  EXPECT_FALSE(ParseContentType("text").has_value());
  EXPECT_FALSE(ParseContentType("/plain").has_value());
  EXPECT_FALSE(ParseContentType("").has_value());
}

TEST(MimeContentType, LenientValues) {
  ContentType ct = ParseContentType(
                       "application/pdf; name=my file.pdf;;garbage; charset=x; charset=y;"
                       " boundary=\"unterminated")
                       .value();
  ASSERT_EQ(ct.params.size(), 3u);
  EXPECT_EQ(ct.params[0].value, "my file.pdf");
  EXPECT_EQ(ct.params[1].value, "x");  // the first of duplicates wins
  EXPECT_EQ(ct.params[2].value, "unterminated");
  EXPECT_EQ(FindParam(ParseParams("; name=\"=?UTF-8?B?w6k=?=.txt\""), "name")->value,
            "\xC3\xA9.txt");
}

TEST(MimeContentType, Rfc2231) {
  // RFC 2231 §3 and §4 examples.
  std::vector<MimeParam> p = ParseParams(
      "; URL*0=\"ftp://\";\r\n URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].name, "url");
  EXPECT_EQ(p[0].value, "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
  EXPECT_FALSE(p[0].extended);
  p = ParseParams("; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
  EXPECT_EQ(p[0].value, "This is ***fun***");
  EXPECT_TRUE(p[0].extended);
  EXPECT_EQ(p[0].wire, "us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
  // Sections out of order, mixed extended / plain, charset converted.
  p = ParseParams("; filename*1*=%E9t%E9.txt; filename*0*=iso-8859-1''r%E9sum; filename*2=\" v2\"");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].name, "filename");
  EXPECT_EQ(p[0].value, "r\xC3\xA9sum\xC3\xA9t\xC3\xA9.txt v2");
  EXPECT_EQ(p[0].wire, "iso-8859-1''r%E9sum%E9t%E9.txt%20v2");
  // A gap stops the join; unknown charset keeps the bytes (as valid UTF-8).
  p = ParseParams("; a*0=x; a*2=z; b*=x-unknown''%41%FF");
  EXPECT_EQ(p[0].value, "x");
  EXPECT_EQ(p[1].value, "A\xEF\xBF\xBD");
}

TEST(MimeContentType, DispositionLanguageToken) {
  Disposition d = ParseDisposition("Attachment; filename=\"a b.txt\"; size=12").value();
  EXPECT_EQ(d.type, "attachment");
  EXPECT_EQ(FindParam(d.params, "filename")->value, "a b.txt");
  EXPECT_FALSE(ParseDisposition("  ; x=y").has_value());
  EXPECT_EQ(ParseLanguages(" en-US, (comment) de ,fr"),
            (std::vector<std::string>{"en-US", "de", "fr"}));
  EXPECT_EQ(ParseToken(" (c) Base64 "), "base64");
}

TEST(MimeTransfer, Base64Lenient) {
  EXPECT_EQ(DecodeBase64Lenient("aGVsbG8gd29y\r\nbGQ=\r\n"), "hello world");
  EXPECT_EQ(DecodeBase64Lenient("aGVs bG8*!gd29y bGQ"), "hello world");
  EXPECT_EQ(DecodeBase64Lenient("YQ"), "a");
  EXPECT_EQ(DecodeBase64Lenient("YWI"), "ab");
  EXPECT_EQ(DecodeBase64Lenient("Y"), "");
  EXPECT_EQ(DecodeBase64Lenient(""), "");
}

TEST(MimeTransfer, QuotedPrintable) {
  EXPECT_EQ(DecodeQuotedPrintable("caf=C3=A9 =3D ok"), "caf\xC3\xA9 = ok");
  EXPECT_EQ(DecodeQuotedPrintable("soft=\r\nbreak\r\nhard  \r\nx=  \r\ny"),
            "softbreak\r\nhard\r\nxy");
  EXPECT_EQ(DecodeQuotedPrintable("lower=c3=a9 bad=G1 end="), "lower\xC3\xA9 bad=G1 end");
  EXPECT_EQ(DecodeQuotedPrintable("bare\nlf=\nx"), "bare\nlfx");
}

TEST(MimeTransfer, DecodeText) {
  EXPECT_EQ(DecodeText("caf=E9", "Quoted-Printable", "ISO-8859-1"), "caf\xC3\xA9");
  EXPECT_EQ(DecodeText("Y2Fmw6k=", "base64", "utf-8"), "caf\xC3\xA9");
  EXPECT_EQ(DecodeText("caf\xE9", "8bit", "no-such"), "caf\xEF\xBF\xBD");
  EXPECT_EQ(DecodeText("plain", "", ""), "plain");
}

}  // namespace
}  // namespace ringmail::mime
