// The command grammar, one family per file (parse_*.cc), over a Cursor. Internal to imap/.
// Each Parse*Command starts right after the command name (before its first SP), fills
// out->args and stops at the end of its arguments; ParseCommand checks nothing follows.
#pragma once

#include "imap/command.h"
#include "imap/cursor.h"

namespace ringmail::imap {

// tag SP ["UID" SP] command-name. Sets out->tag once tag and SP are read (for error answers).
bool ParseCommandHead(Cursor& c, Command* out);

// A whole command: head, arguments, end.
bool ParseCommand(Cursor& c, Command* out);

// AUTHENTICATE, LOGIN, ENABLE, ID, COMPRESS (parse_session.cc).
bool ParseSessionCommand(Cursor& c, Command* out);
// SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, STATUS, GETQUOTA,
// GETQUOTAROOT, SETQUOTA (parse_mailbox.cc).
bool ParseMailboxCommand(Cursor& c, Command* out);
// LIST, LSUB (parse_list.cc).
bool ParseListCommand(Cursor& c, Command* out);
// APPEND, REPLACE (parse_append.cc).
bool ParseAppendCommand(Cursor& c, Command* out);
// FETCH, STORE, COPY, MOVE, UID EXPUNGE (parse_message.cc).
bool ParseMessageCommand(Cursor& c, Command* out);
// SEARCH, SORT, THREAD (parse_search.cc).
bool ParseSearchCommand(Cursor& c, Command* out);

// STATUS items: "(" status-att *(SP status-att) ")" into StatusItem bits (parse_mailbox.cc).
bool ParseStatusItems(Cursor& c, uint16_t* items);

}  // namespace ringmail::imap
