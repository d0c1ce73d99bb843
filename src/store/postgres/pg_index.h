// The packed form in which PostgreSQL sends a mailbox's index (MetadataStore::LoadMailboxIndex):
// the column mailbox_messages.index_entry (migration 10, migrations_index.cc) holds each
// message's 16 bytes, and kLoadIndex concatenates them, in UID order, into one bytea read in
// binary format. One value instead of 10,000 rows: the server spends no per-row output and the
// client no per-row parse (docs/storage.md, "Reading a mailbox").
//
// An entry is two big-endian int8s: (uid << 8 | flag bits), then modseq. The flag bits are
// IndexEntry::flag_bits (kFlagBit*), which the SQL of migration 10 spells out.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/metadata_store.h"

namespace ringmail::postgres {

inline constexpr size_t kIndexEntryBytes = 16;

// The entries of `packed`, ascending by UID, with keyword_set 0. kInternal (the server sent
// what migration 10 does not write) for a length that is not a multiple of 16, a UID that is
// 0 or over 32 bits, flag bits beyond kFlagBit*, a modseq over 63 bits, or a UID twice.
// Entries out of order are sorted: the order of an aggregate's input is PostgreSQL's habit,
// not its promise.
Result<std::vector<IndexEntry>> DecodeIndexEntries(std::string_view packed);

}  // namespace ringmail::postgres
