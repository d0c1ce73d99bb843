// FETCH ENVELOPE and BODYSTRUCTURE answered from the forms cached at delivery
// (mime/imap_forms.h, MetadataStore::LoadSummaries) are byte for byte what the renderer
// writes from the message bytes, over the generated MIME corpus (bodystructure_corpus.py:
// nested multiparts, message/rfc822, encoded and 8-bit headers, broken MIME), with and
// without UTF8=ACCEPT.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "imap/flaky_metadata_store.h"
#include "imap/session_test_util.h"
#include "testing/launched_server.h"
#include "testing/run_shell.h"

namespace ringmail::testing {
namespace {

namespace fs = std::filesystem;

// The corpus's messages, in file name order.
std::vector<std::string> Corpus() {
  char pattern[] = "/tmp/ringmail-fetch-cached-XXXXXX";
  EXPECT_NE(mkdtemp(pattern), nullptr);
  const fs::path dir = pattern;
  std::string output;
  const std::string script = SourceDir() + "/tests/imap/bodystructure_corpus.py";
  EXPECT_EQ(RunShell("/usr/bin/python3 " + script + " generate " + dir.string(), &output), 0)
      << output;
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".eml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> messages;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    messages.push_back(bytes.str());
  }
  fs::remove_all(dir);
  return messages;
}

// A logged-in alice over `services`, with INBOX selected, UTF8=ACCEPT enabled if asked.
Task<std::unique_ptr<ImapClient>> Open(const imap::SessionServices* services, bool utf8) {
  auto c = std::make_unique<ImapClient>(services);
  co_await c->Start();
  co_await c->Run("L1 LOGIN alice alice-pw");
  if (utf8) co_await c->Run("E1 ENABLE UTF8=ACCEPT");
  std::string out = co_await c->Run("S1 SELECT INBOX");
  EXPECT_TRUE(Has(out, "S1 OK")) << out;
  co_return c;
}

TEST_F(ImapSessionTest, FetchFromCachedFormsMatchesTheBytes) {
  const std::vector<std::string> corpus = Corpus();
  ASSERT_GE(corpus.size(), 100u);
  RunOnReactor([](ImapSessionTest* t, const std::vector<std::string>* corpus) -> Task<void> {
    co_await t->MakeAccounts();
    std::unique_ptr<ImapClient> writer = co_await t->LoggedIn("alice");
    for (const std::string& m : *corpus) {
      std::string out =
          co_await writer->Run("A1 APPEND INBOX {" + std::to_string(m.size()) + "+}\r\n" + m);
      EXPECT_TRUE(Has(out, "A1 OK")) << out;
    }
    co_await writer->Close();
    // Nearly every message has both forms cached (8-bit header text: both renderings).
    Result<AccountRecord> alice = co_await t->services_.metadata->GetAccount("alice");
    const int64_t account = alice ? alice->id : 0;
    Result<std::optional<MailboxRecord>> inbox =
        co_await t->services_.metadata->FindMailbox(account, "INBOX");
    std::vector<uint32_t> uids;
    for (uint32_t u = 1; u <= corpus->size(); ++u) uids.push_back(u);
    Result<std::vector<CachedSummary>> cached =
        co_await t->services_.metadata->LoadSummaries(inbox && *inbox ? (*inbox)->id : 0, uids);
    if (!cached) {
      ADD_FAILURE() << cached.error().ToString();
      co_return;
    }
    size_t both = 0;
    for (const CachedSummary& s : *cached) both += !s.envelope.empty() && !s.bodystructure.empty();
    EXPECT_GE(both * 10, corpus->size() * 9) << both;

    FlakyMetadataStore plain(t->services_.metadata);
    plain.summaries_off = true;
    imap::SessionServices from_bytes = t->services_;
    from_bytes.metadata = &plain;
    from_bytes.index_cache = nullptr;
    for (bool utf8 : {false, true}) {
      std::unique_ptr<ImapClient> a = co_await Open(&t->services_, utf8);
      std::unique_ptr<ImapClient> b = co_await Open(&from_bytes, utf8);
      const std::string fetch = "F1 FETCH 1:* (UID ENVELOPE BODYSTRUCTURE RFC822.SIZE)";
      std::string out_cached = co_await a->Run(fetch);
      std::string out_bytes = co_await b->Run(fetch);
      EXPECT_TRUE(Has(out_cached, "F1 OK FETCH completed")) << out_cached.substr(0, 200);
      EXPECT_EQ(out_cached, out_bytes) << "utf8=" << utf8;
      // One item alone, and a mix with an item only the bytes can answer.
      out_cached = co_await a->Run("F2 FETCH 1:* (ENVELOPE)");
      out_bytes = co_await b->Run("F2 FETCH 1:* (ENVELOPE)");
      EXPECT_EQ(out_cached, out_bytes) << "utf8=" << utf8;
      out_cached = co_await a->Run("F3 FETCH 1:10 (BODYSTRUCTURE BODY.PEEK[HEADER])");
      out_bytes = co_await b->Run("F3 FETCH 1:10 (BODYSTRUCTURE BODY.PEEK[HEADER])");
      EXPECT_EQ(out_cached, out_bytes) << "utf8=" << utf8;
      co_await a->Close();
      co_await b->Close();
    }
  }(this, &corpus));
}

}  // namespace
}  // namespace ringmail::testing
