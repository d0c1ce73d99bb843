// The typed form of one IMAP command (RFC 9051, RFC 3501 and the extensions listed in
// README.md), as produced by CommandReader (parser.h).
//
// A Command owns everything in it (std::string, std::vector): it outlives the bytes it was
// parsed from, so the session may drop its read buffer at once. Literal data (an APPEND
// message) is moved, not copied, from the reader into the command.
//
// Conventions: mailbox names are UTF-8 (decoded from modified UTF-7 unless UTF-8 mode is on;
// see mailbox_name.h), with "INBOX" in any case spelled "INBOX". System flags are spelled as
// in RFC 9051 ("\Seen"); keywords and other flags as the client sent them. Astrings keep their
// bytes as sent (quoting and literal framing removed). Pure data; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "imap/fetch_attr.h"
#include "imap/search_key.h"
#include "imap/sequence_set.h"

namespace ringmail::imap {

enum class CommandName : uint8_t {
  kAppend,
  kAuthenticate,
  kCapability,
  kCheck,
  kClose,
  kCompress,
  kCopy,
  kCreate,
  kDelete,
  kEnable,
  kExamine,
  kExpunge,
  kFetch,
  kGetQuota,
  kGetQuotaRoot,
  kId,
  kIdle,
  kList,
  kLogin,
  kLogout,
  kLsub,
  kMove,
  kNamespace,
  kNoop,
  kRename,
  kReplace,
  kSearch,
  kSelect,
  kSetQuota,
  kSort,
  kStartTls,
  kStatus,
  kStore,
  kSubscribe,
  kThread,
  kUnselect,
  kUnsubscribe,
};

// The command's name as clients spell it, upper case: "UID" is not part of it.
const char* CommandNameString(CommandName name);

// Looks a command name up, ASCII case-insensitively. Returns nullopt for unknown names.
std::optional<CommandName> LookupCommandName(std::string_view name);

// True for the commands that may follow "UID ".
bool AllowsUidPrefix(CommandName name);

// A point in time as sent in APPEND (date-time: local time and its zone).
struct DateTime {
  int64_t unix_seconds = 0;  // the instant, UTC
  int16_t zone_minutes = 0;  // the sender's offset from UTC, e.g. -480 for "-0800"

  bool operator==(const DateTime&) const = default;
};

struct AuthenticateArgs {
  std::string mechanism;  // upper-cased: "PLAIN"
  // SASL-IR's initial response, base64 as sent ("=" stands for an empty response).
  std::optional<std::string> initial_response;

  bool operator==(const AuthenticateArgs&) const = default;
};

struct LoginArgs {
  std::string user;
  std::string password;

  bool operator==(const LoginArgs&) const = default;
};

struct EnableArgs {
  std::vector<std::string> capabilities;  // upper-cased: "CONDSTORE", "UTF8=ACCEPT"

  bool operator==(const EnableArgs&) const = default;
};

struct IdArgs {
  // ID NIL gives an empty list. Field names are kept as sent; values may be NIL.
  std::vector<std::pair<std::string, std::optional<std::string>>> fields;

  bool operator==(const IdArgs&) const = default;
};

struct CompressArgs {
  std::string mechanism;  // upper-cased: "DEFLATE"

  bool operator==(const CompressArgs&) const = default;
};

// Mailbox-only commands: DELETE, SUBSCRIBE, UNSUBSCRIBE, GETQUOTAROOT.
struct MailboxArgs {
  std::string mailbox;

  bool operator==(const MailboxArgs&) const = default;
};

// SELECT (QRESYNC (uidvalidity modseq [known-uids [(seq-match uid-match)]])), RFC 7162.
struct QresyncParams {
  uint32_t uidvalidity = 0;
  uint64_t modseq = 0;
  std::optional<SequenceSet> known_uids;
  std::optional<std::pair<SequenceSet, SequenceSet>> seq_match;  // (seq-set, uid-set)

  bool operator==(const QresyncParams&) const = default;
};

// SELECT and EXAMINE.
struct SelectArgs {
  std::string mailbox;
  bool condstore = false;
  std::optional<QresyncParams> qresync;

  bool operator==(const SelectArgs&) const = default;
};

struct CreateArgs {
  std::string mailbox;
  std::vector<std::string> special_use;  // CREATE ... (USE (\Sent \Archive)), RFC 6154

  bool operator==(const CreateArgs&) const = default;
};

struct RenameArgs {
  std::string from;
  std::string to;

  bool operator==(const RenameArgs&) const = default;
};

// Bits of StatusArgs::items and ListArgs::status_items.
enum StatusItem : uint16_t {
  kStatusMessages = 1 << 0,
  kStatusUidNext = 1 << 1,
  kStatusUidValidity = 1 << 2,
  kStatusUnseen = 1 << 3,
  kStatusDeleted = 1 << 4,
  kStatusSize = 1 << 5,
  kStatusRecent = 1 << 6,  // IMAP4rev1 only
  kStatusHighestModseq = 1 << 7,
  kStatusAppendLimit = 1 << 8,
  kStatusMailboxId = 1 << 9,
  kStatusDeletedStorage = 1 << 10,  // RFC 9208 §4.2.1 (with QUOTA=RES-STORAGE)
};

struct StatusArgs {
  std::string mailbox;
  uint16_t items = 0;  // StatusItem bits, at least one

  bool operator==(const StatusArgs&) const = default;
};

// Bits of ListArgs::selection (RFC 5258 selection options).
enum ListSelect : uint8_t {
  kListSelectSubscribed = 1 << 0,
  kListSelectRemote = 1 << 1,
  kListSelectRecursiveMatch = 1 << 2,
  kListSelectSpecialUse = 1 << 3,
};

// Bits of ListArgs::returns (RFC 5258, RFC 5819, RFC 6154 return options).
enum ListReturn : uint8_t {
  kListReturnSubscribed = 1 << 0,
  kListReturnChildren = 1 << 1,
  kListReturnSpecialUse = 1 << 2,
  kListReturnStatus = 1 << 3,
  kListReturnMyRights = 1 << 4,
};

// LIST and LSUB. Patterns (with wildcards '%', '*') are decoded like mailbox names.
struct ListArgs {
  uint8_t selection = 0;  // ListSelect bits; LSUB: 0
  std::string reference;
  std::vector<std::string> patterns;  // LSUB and basic LIST: exactly one
  uint8_t returns = 0;                // ListReturn bits
  uint16_t status_items = 0;          // with kListReturnStatus: StatusItem bits

  bool operator==(const ListArgs&) const = default;
};

// One message of APPEND (several with MULTIAPPEND, RFC 3502) or REPLACE.
struct AppendMessage {
  std::vector<std::string> flags;
  std::optional<DateTime> internal_date;
  std::string data;     // the literal's bytes
  bool binary = false;  // sent as literal8 (~{N}): may contain NUL, needs BINARY

  bool operator==(const AppendMessage&) const = default;
};

struct AppendArgs {
  std::string mailbox;
  std::vector<AppendMessage> messages;  // at least one

  bool operator==(const AppendArgs&) const = default;
};

// REPLACE (RFC 8508): the message number (a UID with "UID REPLACE"), then an APPEND.
struct ReplaceArgs {
  uint32_t number = 0;
  std::string mailbox;
  AppendMessage message;

  bool operator==(const ReplaceArgs&) const = default;
};

struct QuotaRootArgs {  // GETQUOTA
  std::string root;

  bool operator==(const QuotaRootArgs&) const = default;
};

struct SetQuotaArgs {
  std::string root;
  std::vector<std::pair<std::string, uint64_t>> limits;  // (upper-cased resource, limit)

  bool operator==(const SetQuotaArgs&) const = default;
};

// COPY, MOVE (UIDs with Command::uid).
struct CopyArgs {
  SequenceSet set;
  std::string mailbox;

  bool operator==(const CopyArgs&) const = default;
};

// UID EXPUNGE (RFC 4315 / RFC 9051). Plain EXPUNGE has no arguments.
struct UidExpungeArgs {
  SequenceSet set;

  bool operator==(const UidExpungeArgs&) const = default;
};

struct FetchArgs {
  SequenceSet set;
  std::vector<FetchAttr> attrs;  // macros expanded; at least one
  std::optional<uint64_t> changed_since;
  bool vanished = false;  // only with UID FETCH and CHANGEDSINCE

  bool operator==(const FetchArgs&) const = default;
};

enum class StoreMode : uint8_t { kReplace, kAdd, kRemove };

struct StoreArgs {
  SequenceSet set;
  std::optional<uint64_t> unchanged_since;
  StoreMode mode = StoreMode::kReplace;
  bool silent = false;
  std::vector<std::string> flags;

  bool operator==(const StoreArgs&) const = default;
};

using Arguments =
    std::variant<std::monostate, AuthenticateArgs, LoginArgs, EnableArgs, IdArgs, CompressArgs,
                 MailboxArgs, SelectArgs, CreateArgs, RenameArgs, StatusArgs, ListArgs, AppendArgs,
                 ReplaceArgs, QuotaRootArgs, SetQuotaArgs, CopyArgs, UidExpungeArgs, FetchArgs,
                 StoreArgs, SearchArgs, SortArgs, ThreadArgs>;

// One command. `args` holds the alternative for `name` (std::monostate for the commands
// without arguments: CAPABILITY, NOOP, LOGOUT, STARTTLS, CHECK, CLOSE, UNSELECT, EXPUNGE,
// IDLE, NAMESPACE).
struct Command {
  std::string tag;
  CommandName name = CommandName::kNoop;
  bool uid = false;  // sent as "UID <name>"
  Arguments args;

  bool operator==(const Command&) const = default;
};

}  // namespace ringmail::imap
