#include "store/postgres/pg_value.h"

#include <charconv>

namespace ringmail::postgres {
namespace {

struct SqlstateMapping {
  const char* prefix;  // a whole SQLSTATE, or its two-character class
  ErrorCode code;
};
constexpr SqlstateMapping kSqlstates[] = {
    {"RM404", ErrorCode::kNotFound},
    {"RM409", ErrorCode::kAlreadyExists},
    {"RM400", ErrorCode::kInvalidArgument},
    {"RM413", ErrorCode::kLimitExceeded},
    {"RM423", ErrorCode::kBusy},
    {"23505", ErrorCode::kAlreadyExists},
    {"40001", ErrorCode::kBusy},
    {"40P01", ErrorCode::kBusy},
    {"08", ErrorCode::kUnavailable},
    {"57P", ErrorCode::kUnavailable},
    {"53", ErrorCode::kUnavailable},  // insufficient resources: too many connections, disk full
};

}  // namespace

std::string PgBytea(std::span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string PgBool(bool b) { return b ? "t" : "f"; }

std::string PgIntArray(std::span<const int64_t> values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "}";
}

std::string PgTextArray(std::span<const std::string> values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

int64_t PgRows::Int(int row, int column) const {
  const std::string_view text = Text(row, column);
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

BlobKey PgRows::Key(int row, int column) const {
  const std::string_view text = Text(row, column);
  if (!text.starts_with("\\x")) return {};
  Result<BlobKey> key = BlobKey::FromHex(text.substr(2));
  return key ? *key : BlobKey{};
}

Error PgSqlstateError(std::string_view sqlstate, std::string message) {
  while (!message.empty() && message.back() == '\n') message.pop_back();
  for (const SqlstateMapping& m : kSqlstates) {
    if (sqlstate.starts_with(m.prefix)) return Error{m.code, std::move(message), 0};
  }
  return Error{ErrorCode::kInternal, "PostgreSQL " + std::string(sqlstate) + ": " + message, 0};
}

Error PgResultError(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  std::string message = primary != nullptr ? primary : PQresultErrorMessage(result);
  if (PQresultStatus(result) == PGRES_PIPELINE_ABORTED) {
    return Error{ErrorCode::kInternal, "an earlier statement of the same transaction failed", 0};
  }
  if (state != nullptr) return PgSqlstateError(state, std::move(message));
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return Error{ErrorCode::kUnavailable, message, 0};  // libpq's own failure: the connection broke
}

}  // namespace ringmail::postgres
