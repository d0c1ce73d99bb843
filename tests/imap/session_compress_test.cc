// COMPRESS=DEFLATE (RFC 4978) in a real session: the tagged OK in clear, then both directions
// raw deflate (the test's client is zlib with windowBits -15, independent of the server's
// codec), commands pipelined behind COMPRESS, a FETCH and an APPEND larger than the stream's
// plaintext buffer, COMPRESSIONACTIVE, and corrupt input ending the session. Also the codec
// alone (deflate_codec.h): a small input that inflates hugely comes out in bounded pieces.
#include <zlib.h>

#include "imap/deflate_codec.h"
#include "imap/deflate_stream.h"
#include "imap/session_test_util.h"

namespace ringmail::testing {
namespace {

// The client's side of the compressed connection.
class ZClient {
 public:
  ZClient() {
    EXPECT_EQ(deflateInit2(&out_, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
    EXPECT_EQ(inflateInit2(&in_, -15), Z_OK);
  }
  ~ZClient() {
    deflateEnd(&out_);
    inflateEnd(&in_);
  }
  std::string Compress(std::string_view text) {
    std::string result;
    out_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    out_.avail_in = static_cast<uInt>(text.size());
    char chunk[4096];
    do {
      out_.next_out = reinterpret_cast<Bytef*>(chunk);
      out_.avail_out = sizeof chunk;
      deflate(&out_, Z_SYNC_FLUSH);
      result.append(chunk, sizeof chunk - out_.avail_out);
    } while (out_.avail_out == 0);
    return result;
  }
  std::string Decompress(std::string_view data) {
    std::string result;
    in_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    in_.avail_in = static_cast<uInt>(data.size());
    char chunk[4096];
    do {
      in_.next_out = reinterpret_cast<Bytef*>(chunk);
      in_.avail_out = sizeof chunk;
      const int rc = inflate(&in_, Z_SYNC_FLUSH);
      EXPECT_TRUE(rc == Z_OK || rc == Z_BUF_ERROR) << rc;
      result.append(chunk, sizeof chunk - in_.avail_out);
    } while (in_.avail_out == 0);
    return result;
  }

 private:
  z_stream out_{};
  z_stream in_{};
};

// Sends a compressed command line and returns the decompressed answer.
Task<std::string> ZRun(ImapClient* c, ZClient* z, std::string line) {
  std::string out = co_await c->Send(z->Compress(line + "\r\n"));
  co_return z->Decompress(out);
}

std::string BigMessage() {
  std::string m = "From: a@example.test\r\nSubject: big\r\n\r\n";
  for (int i = 0; m.size() < 300 * 1024; ++i) m += "line " + std::to_string(i) + " of the body\r\n";
  return m;
}

TEST_F(ImapSessionTest, CompressDeflateBothWays) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    auto c = std::make_unique<ImapClient>(&t->services_);
    co_await c->Start();
    EXPECT_EQ(co_await c->Run("a0 COMPRESS DEFLATE"), "a0 BAD Log in first\r\n");
    EXPECT_TRUE(Has(co_await c->Run("a1 LOGIN alice alice-pw"), " COMPRESS=DEFLATE "));
    EXPECT_EQ(co_await c->Run("a2 COMPRESS GZIP"), "a2 BAD Unknown compression mechanism\r\n");
    ZClient z;
    // A command pipelined behind COMPRESS is compressed already.
    std::string out = co_await c->Send("a3 COMPRESS DEFLATE\r\n" + z.Compress("a4 NOOP\r\n"));
    EXPECT_TRUE(out.starts_with("a3 OK DEFLATE active\r\n")) << out;
    EXPECT_EQ(z.Decompress(out.substr(22)), "a4 OK NOOP completed\r\n");
    EXPECT_EQ(co_await ZRun(c.get(), &z, "a5 COMPRESS DEFLATE"),
              "a5 NO [COMPRESSIONACTIVE] DEFLATE is already active\r\n");
    // An APPEND and a FETCH larger than the stream's plaintext buffer.
    const std::string big = BigMessage();
    EXPECT_GT(big.size(), imap::DeflateStream::kPlaintextMax * 4);
    out = co_await ZRun(c.get(), &z,
                        "a6 APPEND INBOX {" + std::to_string(big.size()) + "+}\r\n" + big);
    EXPECT_TRUE(out.starts_with("a6 OK [APPENDUID ")) << out;
    out = co_await ZRun(c.get(), &z, "a7 SELECT INBOX");
    EXPECT_TRUE(Has(out, "* 1 EXISTS")) << out;
    out = co_await ZRun(c.get(), &z, "a8 FETCH 1 BODY.PEEK[]");
    EXPECT_EQ(out, "* 1 FETCH (BODY[] {" + std::to_string(big.size()) + "}\r\n" + big +
                       ")\r\na8 OK FETCH completed\r\n");
    out = co_await ZRun(c.get(), &z, "a9 LOGOUT");
    EXPECT_EQ(out, "* BYE Logging out\r\na9 OK LOGOUT completed\r\n");
    co_await c->stream().Idle();
    EXPECT_TRUE(c->stream().ended());
  }(this));
}

// IDLE's live updates interrupt the read through the DeflateStream (InterruptRead).
TEST_F(ImapSessionTest, CompressIdleGetsLiveUpdates) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> a = co_await t->LoggedIn("alice");
    std::unique_ptr<ImapClient> b = co_await t->LoggedIn("alice");
    EXPECT_EQ(co_await a->Run("a1 COMPRESS DEFLATE"), "a1 OK DEFLATE active\r\n");
    ZClient z;
    EXPECT_TRUE(Has(co_await ZRun(a.get(), &z, "a2 SELECT INBOX"), "* 0 EXISTS"));
    EXPECT_EQ(co_await ZRun(a.get(), &z, "a3 IDLE"), "+ idling\r\n");
    co_await b->Run("b1 APPEND INBOX {7+}\r\nX: y\r\n\r\n");
    std::string seen;
    for (int i = 0; i < 1000 && !Has(seen, "EXISTS"); ++i) {
      seen += z.Decompress(a->stream().TakeOutput());
      co_await Sleep(5);
    }
    EXPECT_EQ(seen, "* 1 EXISTS\r\n");
    EXPECT_EQ(co_await ZRun(a.get(), &z, "DONE"), "a3 OK IDLE terminated\r\n");
    co_await a->Close();
    co_await b->Close();
  }(this));
}

TEST_F(ImapSessionTest, CompressCorruptInputEndsTheSession) {
  RunOnReactor([](ImapSessionTest* t) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> c = co_await t->LoggedIn("alice");
    EXPECT_EQ(co_await c->Run("a1 COMPRESS DEFLATE"), "a1 OK DEFLATE active\r\n");
    // 0xff: block type 3, which does not exist.
    EXPECT_EQ(co_await c->Send(std::string("\xff\xff\xff\xff", 4)), "");
    EXPECT_TRUE(c->stream().ended());
  }(this));
}

TEST(ImapDeflateCodec, RoundTripAndBoundedInflate) {
  imap::Deflater deflater;
  imap::Inflater inflater;
  ASSERT_TRUE(deflater.ok() && inflater.ok());
  // 4 MiB of one byte compresses to a few KiB: it must come out at most out_max at a time.
  const std::string text(4 << 20, 'x');
  std::string compressed;
  ASSERT_TRUE(deflater.Deflate(text, /*sync=*/true, &compressed).has_value());
  EXPECT_LT(compressed.size(), 64u * 1024);
  std::string_view in = compressed;
  std::string result;
  ByteBuffer out;
  for (int i = 0; i < 1000 && result.size() < text.size(); ++i) {
    Result<size_t> used = inflater.Inflate(in, &out, 64 * 1024);
    ASSERT_TRUE(used.has_value());
    in.remove_prefix(*used);
    EXPECT_LE(out.size(), 64u * 1024);
    result.append(out.readable());
    out.Clear();
  }
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(result.size(), text.size());
  EXPECT_EQ(result, text);
  EXPECT_FALSE(inflater.finished());
}

TEST(ImapDeflateCodec, CorruptAndFinished) {
  imap::Inflater corrupt;
  ByteBuffer out;
  EXPECT_FALSE(corrupt.Inflate(std::string("\xff\xff", 2), &out, 1024).has_value());
  // A final block (zlib's Z_FINISH) ends the stream; bytes after it are left.
  z_stream z{};
  ASSERT_EQ(deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string text = "hello";
  char buf[256];
  z.next_in = reinterpret_cast<Bytef*>(text.data());
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(buf);
  z.avail_out = sizeof buf;
  ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  std::string data(buf, sizeof buf - z.avail_out);
  deflateEnd(&z);
  imap::Inflater inflater;
  Result<size_t> used = inflater.Inflate(data + "junk", &out, 1024);
  ASSERT_TRUE(used.has_value());
  EXPECT_EQ(*used, data.size());
  EXPECT_TRUE(inflater.finished());
  EXPECT_EQ(out.readable(), "hello");
}

}  // namespace
}  // namespace ringmail::testing
