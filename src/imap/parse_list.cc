// LIST (RFC 9051 §6.3.9 with RFC 5258 LIST-EXTENDED, RFC 5819 LIST-STATUS, RFC 6154
// SPECIAL-USE) and LSUB (RFC 3501).
#include <array>

#include "imap/command_parsers.h"

namespace ringmail::imap {
namespace {

constexpr size_t kListPatternsMax = 32;

template <typename Bits, size_t N>
bool LookupOption(const std::array<std::pair<std::string_view, Bits>, N>& table,
                  std::string_view word, Bits* bits) {
  for (const auto& [name, bit] : table) {
    if (word == name) {
      *bits = static_cast<Bits>(*bits | bit);
      return true;
    }
  }
  return false;
}

bool ParseSelection(Cursor& c, uint8_t* selection) {
  static constexpr std::array<std::pair<std::string_view, uint8_t>, 4> kOptions = {{
      {"SUBSCRIBED", kListSelectSubscribed},
      {"REMOTE", kListSelectRemote},
      {"RECURSIVEMATCH", kListSelectRecursiveMatch},
      {"SPECIAL-USE", kListSelectSpecialUse},
  }};
  bool ok = c.List(
      [&] {
        std::string word;
        if (!c.Keyword(&word)) return false;
        return LookupOption(kOptions, word, selection) || c.Fail("unknown LIST selection option");
      },
      /*allow_empty=*/true);
  if (!ok) return false;
  // RFC 5258 §3.1: RECURSIVEMATCH only modifies another option (REMOTE does not count).
  if ((*selection & kListSelectRecursiveMatch) &&
      !(*selection & (kListSelectSubscribed | kListSelectSpecialUse))) {
    return c.Fail("RECURSIVEMATCH needs another selection option");
  }
  return true;
}

bool ParseReturn(Cursor& c, ListArgs* args) {
  static constexpr std::array<std::pair<std::string_view, uint8_t>, 4> kOptions = {{
      {"SUBSCRIBED", kListReturnSubscribed},
      {"CHILDREN", kListReturnChildren},
      {"SPECIAL-USE", kListReturnSpecialUse},
      {"MYRIGHTS", kListReturnMyRights},
  }};
  if (!c.TryKeyword("RETURN") || !c.Sp()) return c.Fail("expected RETURN");
  return c.List(
      [&] {
        std::string word;
        if (!c.Keyword(&word)) return false;
        if (word == "STATUS") {
          args->returns |= kListReturnStatus;
          return c.Sp() && ParseStatusItems(c, &args->status_items);
        }
        return LookupOption(kOptions, word, &args->returns) || c.Fail("unknown LIST return option");
      },
      /*allow_empty=*/true);
}

bool ParseList(Cursor& c, Command* out) {
  ListArgs args;
  if (!c.Sp()) return false;
  if (c.Peek() == '(' && (!ParseSelection(c, &args.selection) || !c.Sp())) return false;
  if (!c.ListMailbox(&args.reference) || !c.Sp()) return false;
  if (c.Peek() == '(') {
    bool ok = c.List([&] {
      if (args.patterns.size() >= kListPatternsMax) return c.Fail("too many LIST patterns");
      return c.ListMailbox(&args.patterns.emplace_back());
    });
    if (!ok) return false;
  } else if (!c.ListMailbox(&args.patterns.emplace_back())) {
    return false;
  }
  if (c.TryChar(' ') && !ParseReturn(c, &args)) return false;
  out->args = std::move(args);
  return true;
}

}  // namespace

bool ParseListCommand(Cursor& c, Command* out) {
  if (out->name == CommandName::kList) return ParseList(c, out);
  ListArgs args;  // LSUB reference pattern
  if (!c.Sp() || !c.ListMailbox(&args.reference) || !c.Sp() ||
      !c.ListMailbox(&args.patterns.emplace_back())) {
    return false;
  }
  out->args = std::move(args);
  return true;
}

}  // namespace ringmail::imap
