// Helpers for the FETCH renderer / SEARCH matcher tests: items parsed by the real parser,
// rendered or matched against messages written with LF and sent with CRLF.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "imap/message_view.h"
#include "imap_test_util.h"

namespace ringmail::imap {

// `text` with every LF turned into CRLF.
inline std::string Crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

// The FETCH items `items` (as a client writes them inside "FETCH 1 (...)") rendered for
// `message`, separated by spaces.
inline std::string Render(std::string_view message, std::string_view items,
                          RenderOptions options = {}) {
  FetchArgs args = ParseArgs<FetchArgs>("a FETCH 1 (" + std::string(items) + ")\r\n");
  MessageView view{std::string(message)};
  std::string out;
  for (size_t i = 0; i < args.attrs.size(); ++i) {
    if (i > 0) out += ' ';
    EXPECT_TRUE(NeedsBytes(args.attrs[i])) << items;
    EXPECT_EQ(AppendBodyItem(args.attrs[i], view, options, &out), RenderOutcome::kOk) << items;
  }
  return out;
}

// The program of "SEARCH <program>" (UTF-8 strings allowed, as after ENABLE UTF8=ACCEPT).
inline SearchKey Key(std::string_view program) {
  return ParseArgs<SearchArgs>("a SEARCH " + std::string(program) + "\r\n", true).key;
}

}  // namespace ringmail::imap
