// The packed form in which PostgreSQL sends a mailbox's index (MetadataStore::LoadMailboxIndex):
// the column mailbox_messages.index_entry (migration 11, migrations_keywords.cc) holds each
// message's entry, and kLoadIndex concatenates them, in UID order, into one bytea read in
// binary format. One value instead of 10,000 rows: the server spends no per-row output and the
// client no per-row parse (docs/storage.md, "Reading a mailbox").
//
// An entry is two big-endian int8s, (uid << 16 | keyword count << 8 | flag bits) and modseq,
// then the message's keywords as that many big-endian int4 numbers of its account's
// dictionary (account_keywords), in the order of the keywords (sorted by byte). The flag bits
// are IndexEntry::flag_bits (kFlagBit*), which the SQL of migration 11 spells out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "base/result.h"
#include "store/metadata_store.h"

namespace ringmail::postgres {

inline constexpr size_t kIndexEntryBytes = 16;  // without its keyword numbers
inline constexpr size_t kKeywordIdBytes = 4;

// An account's keyword dictionary: number → keyword (views into the rows read).
using PgKeywordNames = std::unordered_map<uint32_t, std::string_view>;

// Fills index->messages (ascending by UID) from `packed`, and index->keyword_sets with the
// distinct keyword lists the entries name through `names` (index->keyword_sets must hold
// only the empty list). kInternal (the server sent what migration 11 does not write) for an
// entry cut short, a UID that is 0 or over 32 bits, flag bits beyond kFlagBit*, a modseq
// over 63 bits, a keyword number `names` lacks, keywords not strictly ascending, or a UID
// twice. Entries out of order are sorted: the order of an aggregate's input is PostgreSQL's
// habit, not its promise.
Result<void> DecodeIndex(std::string_view packed, const PgKeywordNames& names, MailboxIndex* index);

}  // namespace ringmail::postgres
