// The BODYSTRUCTURE reference check of issue 5: tests/imap/bodystructure_corpus.py generates a
// MIME corpus with Python's email package in mind, this test writes ringmail's BODYSTRUCTURE
// of every message (through the FETCH renderer), and the script compares it field by field
// with what Python's parser reads (intentional differences are listed in the script).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fetch_test_util.h"
#include "testing/launched_server.h"
#include "testing/run_shell.h"

namespace ringmail::imap {
namespace {

namespace fs = std::filesystem;

using ringmail::testing::RunShell;

TEST(ImapBodyStructureReference, MatchesPythonEmail) {
  std::string script = ringmail::testing::SourceDir() + "/tests/imap/bodystructure_corpus.py";
  char pattern[] = "/tmp/ringmail-bodystructure-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  fs::path dir = pattern;
  std::string output;
  ASSERT_EQ(RunShell("/usr/bin/python3 " + script + " generate " + dir.string(), &output), 0)
      << output;
  FetchAttr attr;
  attr.item = FetchItem::kBodyStructure;
  size_t messages = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".eml") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    MessageView view(bytes.str());
    std::string out;
    ASSERT_EQ(AppendBodyItem(attr, view, {}, &out), RenderOutcome::kOk);
    ASSERT_TRUE(out.starts_with("BODYSTRUCTURE (")) << out;
    fs::path bs = e.path();
    bs.replace_extension(".bs");
    std::ofstream(bs, std::ios::binary) << out.substr(14);
    ++messages;
  }
  EXPECT_GE(messages, 100u);
  output.clear();
  EXPECT_EQ(RunShell("/usr/bin/python3 " + script + " compare " + dir.string(), &output), 0)
      << output;
  std::cout << output.substr(output.rfind('\n', output.size() - 2) + 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ringmail::imap
