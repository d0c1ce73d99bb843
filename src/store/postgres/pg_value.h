// Values crossing libpq in text format: parameters we send (integers, booleans, bytea,
// arrays) and the fields of the rows we read. Text format keeps parameters and rows readable
// in PostgreSQL's logs; the conversions are cheap next to a round trip. The exception is a
// result too large for that: LoadMailboxIndex's packed entries come in binary format
// (PgQuery::binary, pg_index.h), where Text() is the field's raw bytes.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/blob_key.h"

namespace ringmail::postgres {

// One statement's parameters; std::nullopt is SQL NULL.
using PgParams = std::vector<std::optional<std::string>>;

std::string PgBytea(std::span<const uint8_t> bytes);  // \x<hex>
std::string PgBool(bool b);
// '{1,2,3}'
std::string PgIntArray(std::span<const int64_t> values);
// '{"a","b c"}' with quotes and backslashes escaped.
std::string PgTextArray(std::span<const std::string> values);

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

// A statement's rows, read by column index. The accessors CHECK nothing: a row shape that
// does not match the statement is a programming error the conformance suite catches.
class PgRows {
 public:
  PgRows() = default;
  explicit PgRows(PgResultPtr result) : result_(std::move(result)) {}

  int size() const { return result_ ? PQntuples(result_.get()) : 0; }
  int columns() const { return result_ ? PQnfields(result_.get()) : 0; }
  bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column); }
  std::string_view Text(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<size_t>(PQgetlength(result_.get(), row, column))};
  }
  int64_t Int(int row, int column) const;  // 0 for NULL
  bool Bool(int row, int column) const { return Text(row, column) == "t"; }
  BlobKey Key(int row, int column) const;  // a 32-byte bytea

 private:
  PgResultPtr result_;
};

// The error a failed statement's result stands for. Our functions' SQLSTATEs
// (store/postgres/migrations*.cc): RM404 kNotFound, RM409 kAlreadyExists, RM400
// kInvalidArgument, RM413 kLimitExceeded, RM423 kBusy; unique_violation kAlreadyExists;
// serialization failures and deadlocks kBusy (the caller may retry); connection and
// shutdown classes kUnavailable; anything else kInternal. The message is PostgreSQL's.
Error PgResultError(const PGresult* result);
// The same for an error reported as values (SQLSTATE and message) rather than raised: group
// commit's rm_try_* functions (pg_connection.h).
Error PgSqlstateError(std::string_view sqlstate, std::string message);

}  // namespace ringmail::postgres
