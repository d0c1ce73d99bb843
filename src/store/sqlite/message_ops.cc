// Messages in a mailbox: load, flags, expunge.
#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>

#include "store/sqlite/op_support.h"
#include "store/sqlite/ops.h"

namespace ringmail::sqlite {
namespace {

Result<std::optional<MessageRecord>> ReadMessage(SqliteDb& db, int64_t mailbox_id, uint32_t uid) {
  Statement st = TRY(db.Query(RINGMAIL_SQL_MESSAGE_SELECT "WHERE mm.mailbox_id = ? AND mm.uid = ?",
                              mailbox_id, uid));
  const bool row = TRY(st.Step());
  if (!row) return std::nullopt;
  return MessageFromRow(st);
}

// Flags belong to the email, so every placement of it changes: each gets the new modseq, and
// each mailbox holding it its unseen count and highest_modseq.
Result<void> WriteFlags(SqliteDb& db, int64_t account_id, int64_t email_id, const MessageFlags& old,
                        const MessageFlags& next, uint64_t modseq) {
  TRY(
      db.Run("UPDATE emails SET seen = ?, answered = ?, flagged = ?, deleted = ?, draft = ?, "
             "keywords = ? WHERE id = ?",
             next.seen, next.answered, next.flagged, next.deleted, next.draft,
             JoinKeywords(next.keywords), email_id));
  const int unseen_delta = old.seen == next.seen ? 0 : (next.seen ? -1 : 1);
  TRY(
      db.Run("UPDATE mailboxes SET highest_modseq = ?, unseen_count = unseen_count + ? * "
             "(SELECT count(*) FROM mailbox_messages mm WHERE mm.mailbox_id = mailboxes.id "
             "AND mm.email_id = ?) WHERE id IN "
             "(SELECT mailbox_id FROM mailbox_messages WHERE email_id = ?)",
             modseq, unseen_delta, email_id, email_id));
  TRY(
      db.Run("UPDATE mailbox_messages SET modseq = ?, seen = ?, answered = ?, flagged = ?, "
             "deleted = ?, draft = ?, keywords = ? WHERE email_id = ?",
             modseq, next.seen, next.answered, next.flagged, next.deleted, next.draft,
             JoinKeywords(next.keywords), email_id));
  TRY(RecordChange(db, account_id, modseq, "email", email_id, "updated"));
  if (unseen_delta == 0) return {};
  // Unread counts are part of a JMAP Mailbox.
  std::vector<int64_t> mailboxes;
  {
    Statement st = TRY(
        db.Query("SELECT DISTINCT mailbox_id FROM mailbox_messages WHERE email_id = ?", email_id));
    for (;;) {
      const bool row = TRY(st.Step());
      if (!row) break;
      mailboxes.push_back(st.Int(0));
    }
  }
  for (int64_t id : mailboxes) TRY(RecordChange(db, account_id, modseq, "mailbox", id, "updated"));
  return {};
}

// The columns ReadIndexEntries reads; FROM mailbox_messages, a WHERE follows.
#define RINGMAIL_SQL_INDEX_SELECT                                                               \
  "SELECT uid, modseq, seen + 2 * answered + 4 * flagged + 8 * deleted + 16 * draft, keywords " \
  "FROM mailbox_messages "

// Appends the rows of a RINGMAIL_SQL_INDEX_SELECT to `index` (its keyword sets as needed).
Result<void> ReadIndexEntries(Statement& st, MailboxIndex* index) {
  // Keyword lists as stored (space-joined) to their index in keyword_sets; "" is 0.
  std::unordered_map<std::string, uint32_t> sets;
  sets.emplace("", 0);
  for (;;) {
    const bool row = TRY(st.Step());
    if (!row) return {};
    IndexEntry e;
    e.uid = static_cast<uint32_t>(st.Int(0));
    e.modseq = static_cast<uint64_t>(st.Int(1));
    e.flag_bits = static_cast<uint8_t>(st.Int(2));
    auto [it, added] = sets.try_emplace(st.Text(3), static_cast<uint32_t>(sets.size()));
    if (added) index->keyword_sets.push_back(SplitKeywords(it->first));
    e.keyword_set = it->second;
    index->messages.push_back(e);
  }
}

}  // namespace

Result<MailboxSnapshot> LoadMailbox(SqliteDb& db, int64_t mailbox_id) {
  MailboxSnapshot snapshot;
  snapshot.mailbox = TRY(ReadMailbox(db, mailbox_id));
  Statement st = TRY(
      db.Query(RINGMAIL_SQL_MESSAGE_SELECT "WHERE mm.mailbox_id = ? ORDER BY mm.uid", mailbox_id));
  for (;;) {
    const bool row = TRY(st.Step());
    if (!row) return snapshot;
    snapshot.messages.push_back(MessageFromRow(st));
  }
}

Result<MailboxIndex> LoadMailboxIndex(SqliteDb& db, int64_t mailbox_id) {
  MailboxIndex index;
  index.mailbox = TRY(ReadMailbox(db, mailbox_id));
  index.messages.reserve(index.mailbox.message_count);
  // Every column is in the index mailbox_messages_state (migration 4): no table lookups.
  Statement st =
      TRY(db.Query(RINGMAIL_SQL_INDEX_SELECT "WHERE mailbox_id = ? ORDER BY uid", mailbox_id));
  TRY(ReadIndexEntries(st, &index));
  return index;
}

Result<MailboxIndexChanges> LoadMailboxIndexChanges(SqliteDb& db, int64_t mailbox_id,
                                                    uint64_t since) {
  MailboxIndexChanges changes;
  changes.changed.mailbox = TRY(ReadMailbox(db, mailbox_id));
  // The index mailbox_messages_modseq finds the few rows above `since`.
  Statement st =
      TRY(db.Query(RINGMAIL_SQL_INDEX_SELECT "WHERE mailbox_id = ? AND modseq > ? ORDER BY uid",
                   mailbox_id, since));
  TRY(ReadIndexEntries(st, &changes.changed));
  changes.expunged = TRY(ExpungedSince(db, mailbox_id, since));
  return changes;
}

Result<std::vector<MessageRecord>> LoadMessages(SqliteDb& db, int64_t mailbox_id,
                                                std::span<const uint32_t> uids) {
  const std::vector<uint32_t> sorted = TRY(SortedUids(uids));
  TRY(ReadMailbox(db, mailbox_id));
  std::vector<MessageRecord> messages;
  for (uint32_t uid : sorted) {
    std::optional<MessageRecord> m = TRY(ReadMessage(db, mailbox_id, uid));
    if (m) messages.push_back(std::move(*m));
  }
  return messages;
}

Result<std::vector<CachedSummary>> LoadSummaries(SqliteDb& db, int64_t mailbox_id,
                                                 std::span<const uint32_t> uids) {
  const std::vector<uint32_t> sorted = TRY(SortedUids(uids));
  TRY(ReadMailbox(db, mailbox_id));
  std::vector<CachedSummary> summaries;
  for (uint32_t uid : sorted) {
    Statement st =
        TRY(db.Query("SELECT e.envelope, e.bodystructure, e.preview FROM mailbox_messages m JOIN "
                     "emails e ON e.id = m.email_id WHERE m.mailbox_id = ? AND m.uid = ?",
                     mailbox_id, static_cast<int64_t>(uid)));
    const bool row = TRY(st.Step());
    if (row) summaries.push_back({uid, st.Text(0), st.Text(1), st.Text(2)});
  }
  return summaries;
}

Result<FlagUpdateResult> UpdateFlags(SqliteDb& db, const FlagUpdate& update) {
  TRY(ValidateFlags(update.flags));
  const std::vector<uint32_t> uids = TRY(SortedUids(update.uids));
  const MailboxRecord mailbox = TRY(ReadMailbox(db, update.mailbox_id));
  ModseqAllocator modseqs;
  FlagUpdateResult result;
  for (uint32_t uid : uids) {
    std::optional<MessageRecord> m = TRY(ReadMessage(db, mailbox.id, uid));
    if (!m) continue;
    if (update.unchanged_since && m->modseq > *update.unchanged_since) {
      result.conflicts.push_back(uid);
      continue;
    }
    const MessageFlags next = ApplyFlagOperation(update.operation, m->flags, update.flags);
    if (next == m->flags) continue;  // nothing changes, so no new modseq
    const uint64_t modseq = TRY(modseqs.Take(db, mailbox.account_id));
    TRY(WriteFlags(db, mailbox.account_id, m->email_id, m->flags, next, modseq));
    m->flags = next;
    m->modseq = modseq;
    result.changed.push_back(std::move(*m));
  }
  return result;
}

Result<std::vector<uint32_t>> Expunge(SqliteDb& db, int64_t mailbox_id,
                                      std::span<const uint32_t> uids) {
  const MailboxRecord mailbox = TRY(ReadMailbox(db, mailbox_id));
  ModseqAllocator modseqs;
  return RemoveMessages(db, mailbox, uids, modseqs, true);
}

Result<std::vector<uint32_t>> ExpungedSince(SqliteDb& db, int64_t mailbox_id, uint64_t modseq) {
  TRY(ReadMailbox(db, mailbox_id));
  Statement st =
      TRY(db.Query("SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid",
                   mailbox_id, modseq));
  std::vector<uint32_t> uids;
  for (;;) {
    const bool row = TRY(st.Step());
    if (!row) return uids;
    uids.push_back(static_cast<uint32_t>(st.Int(0)));
  }
}

}  // namespace ringmail::sqlite
