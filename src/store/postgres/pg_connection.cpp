#include "store/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "store/sql_translate.h"

namespace parley {
namespace {

// Type OIDs from PostgreSQL's catalog (pg_type.dat); stable across versions.
constexpr Oid kUnknownOid = 0;
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

std::string double_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

// Parameters in libpq's shape: text for numbers and strings, binary for bytes. Numbers
// and bytes carry their type; strings and NULL stay `unknown` so that PostgreSQL types
// them from where they are used, as SQLite would.
struct PgParams {
  std::vector<std::string> text;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  std::vector<Oid> types;

  explicit PgParams(const SqlParams& params) {
    text.resize(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const SqlValue& p = params[i];
      const char* value = nullptr;
      int length = 0;
      int format = 0;
      Oid type = kUnknownOid;
      if (auto* n = std::get_if<int64_t>(&p)) {
        text[i] = std::to_string(*n);
        type = kInt8Oid;
      } else if (auto* d = std::get_if<double>(&p)) {
        text[i] = double_text(*d);
        type = kFloat8Oid;
      } else if (auto* s = std::get_if<std::string>(&p)) {
        value = s->c_str();
      } else if (auto* b = std::get_if<Bytes>(&p)) {
        // A non-null pointer even when empty: null would mean SQL NULL.
        value = b->empty() ? "" : reinterpret_cast<const char*>(b->data());
        length = static_cast<int>(b->size());
        format = 1;
        type = kByteaOid;
      }
      if (type == kInt8Oid || type == kFloat8Oid) value = text[i].c_str();
      values.push_back(value);
      lengths.push_back(length);
      formats.push_back(format);
      types.push_back(type);
    }
  }
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

Bytes decode_bytea(std::string_view text) {
  Bytes out;
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
    out.reserve((text.size() - 2) / 2);
    for (size_t i = 2; i + 1 < text.size(); i += 2) {
      out.push_back(static_cast<uint8_t>(hex_digit(text[i]) * 16 + hex_digit(text[i + 1])));
    }
  }
  return out;
}

// NUMERIC comes back as an integer when it is one (SUM(bigint) is NUMERIC on PostgreSQL
// and an integer on SQLite), else as a double.
SqlValue decode_numeric(std::string_view text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc() && end == text.data() + text.size()) return n;
  return std::strtod(std::string(text).c_str(), nullptr);
}

SqlValue decode(Oid type, const char* value, int length) {
  const std::string_view text(value, static_cast<size_t>(length));
  switch (type) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid:
      return static_cast<int64_t>(std::strtoll(value, nullptr, 10));
    case kBoolOid:
      return int64_t{text == "t" ? 1 : 0};  // SQLite has no booleans: 0 and 1 on both
    case kFloat4Oid:
    case kFloat8Oid:
      return std::strtod(value, nullptr);
    case kNumericOid:
      return decode_numeric(text);
    case kByteaOid:
      return decode_bytea(text);
    default:
      return std::string(text);
  }
}

// Classes of SQLSTATE whose server message quotes only the SQL and the schema (names of
// tables, columns, constraints). Others, such as 22 "invalid input syntax for type
// bigint: ..." or the DETAIL of a unique violation, quote values, which may be personal.
bool message_is_safe(std::string_view sqlstate) {
  static constexpr std::string_view kSafe[] = {"08", "0A", "23", "25", "3D", "3F",
                                               "40", "42", "53", "55", "57"};
  for (auto cls : kSafe) {
    if (sqlstate.substr(0, 2) == cls) return true;
  }
  return false;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

bool is_serialization_failure(std::string_view sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

void PgConnection::ResultDeleter::operator()(pg_result* r) const { PQclear(r); }

Result<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& url) {
  PGconn* raw = PQconnectdb(url.c_str());
  if (raw == nullptr) return make_error(ErrorCode::unavailable, "postgres: out of memory");
  std::unique_ptr<PgConnection> conn(new PgConnection(raw));
  if (PQstatus(raw) != CONNECTION_OK) {
    return make_error(ErrorCode::unavailable,
                      "cannot connect to PostgreSQL: " + trim(PQerrorMessage(raw)));
  }
  // NOTICEs ("relation already exists, skipping") would go to stderr by default.
  PQsetNoticeProcessor(
      raw, [](void*, const char*) {}, nullptr);
  if (PQsetClientEncoding(raw, "UTF8") != 0) {
    return make_error(ErrorCode::unavailable, "postgres: cannot use UTF-8 on this connection");
  }
  if (auto setup = conn->exec_script("SET bytea_output = 'hex'"); !setup) return setup.error();
  return conn;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::broken() const { return PQstatus(conn_) != CONNECTION_OK; }

bool PgConnection::in_transaction() const {
  const auto status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

Error PgConnection::error(const pg_result* result, std::string_view sql) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state ? state : "";
  if (state == nullptr) {
    // Raised by libpq itself: the connection broke, or the server could not be reached.
    const char* message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
    return make_error(broken() ? ErrorCode::unavailable : ErrorCode::internal,
                      "postgres: " + trim(message) + " (in: " + sql_excerpt(sql) + ")");
  }
  ErrorCode code = ErrorCode::internal;
  if (last_sqlstate_ == "23505") {
    code = ErrorCode::conflict;
  } else if (is_serialization_failure(last_sqlstate_) || last_sqlstate_.starts_with("08") ||
             last_sqlstate_.starts_with("53") || last_sqlstate_.starts_with("57")) {
    code = ErrorCode::unavailable;
  }
  std::string message = "postgres: ";
  if (message_is_safe(last_sqlstate_)) {
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    message += primary ? primary : "error";
  } else {
    message += "the server refused a value (its message is withheld: it may quote data)";
  }
  return make_error(code,
                    message + " [SQLSTATE " + last_sqlstate_ + "] (in: " + sql_excerpt(sql) + ")");
}

Result<std::string> PgConnection::prepare(std::string_view sql, const std::vector<Oid>& types) {
  std::string key;
  for (Oid t : types) key += std::to_string(t) + ',';
  key += '\n';
  key += sql;
  if (auto it = statements_.find(key); it != statements_.end()) return it->second;

  std::string name = "parley_" + std::to_string(next_statement_++);
  const std::string translated = translate_sql(sql, Dialect::postgres);
  auto prepare_as = [&](const std::vector<Oid>& as) {
    return ResultPtr(
        PQprepare(conn_, name.c_str(), translated.c_str(), static_cast<int>(as.size()), as.data()));
  };
  auto failed = [](const ResultPtr& r) {
    return !r || PQresultStatus(r.get()) != PGRES_COMMAND_OK;
  };
  auto sqlstate_of = [](const ResultPtr& r) {
    const char* state = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
    return std::string(state ? state : "");
  };
  // A string or NULL used where nothing gives it a type (SELECT $1) makes the prepare
  // fail, and a failure aborts the open transaction: a savepoint, needed only the first
  // time a statement is prepared on this connection, lets the retry below run.
  const bool has_unknown = std::find(types.begin(), types.end(), kUnknownOid) != types.end();
  const bool guard = has_unknown && in_transaction();
  if (guard) {
    if (auto sp = exec_script("SAVEPOINT parley_prepare"); !sp) return sp.error();
  }
  ResultPtr result = prepare_as(types);
  if (failed(result) && sqlstate_of(result) == "42P18") {
    if (guard) (void)exec_script("ROLLBACK TO SAVEPOINT parley_prepare");
    // Say the untyped parameters are text, as SQLite would take them.
    std::vector<Oid> typed = types;
    for (Oid& t : typed) t = t == kUnknownOid ? kTextOid : t;
    result = prepare_as(typed);
  }
  if (failed(result)) {
    Error e = error(result.get(), sql);
    if (guard) (void)exec_script("ROLLBACK TO SAVEPOINT parley_prepare");
    return e;
  }
  if (guard) {
    if (auto release = exec_script("RELEASE SAVEPOINT parley_prepare"); !release) {
      return release.error();
    }
  }
  statements_.emplace(std::move(key), name);
  return name;
}

Result<PgConnection::ResultPtr> PgConnection::run(std::string_view sql, const SqlParams& params) {
  for (const SqlValue& param : params) {
    const auto* text = std::get_if<std::string>(&param);
    if (text && text->find('\0') != std::string::npos) {
      return make_error(
          ErrorCode::invalid_argument,
          "PostgreSQL text cannot hold a NUL character (in: " + sql_excerpt(sql) + ")");
    }
  }
  PgParams p(params);
  auto name = prepare(sql, p.types);
  if (!name) return make_error(name.error().code, mask_values(name.error().message, params));
  ResultPtr result(PQexecPrepared(conn_, name->c_str(), static_cast<int>(params.size()),
                                  p.values.data(), p.lengths.data(), p.formats.data(),
                                  /*resultFormat=*/0));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Error e = error(result.get(), sql);
    return make_error(e.code, mask_values(std::move(e.message), params));
  }
  return result;
}

Result<int64_t> PgConnection::exec(std::string_view sql, const SqlParams& params) {
  auto result = run(sql, params);
  if (!result) return result.error();
  return static_cast<int64_t>(std::atoll(PQcmdTuples(result->get())));
}

Result<std::vector<Row>> PgConnection::query(std::string_view sql, const SqlParams& params) {
  auto result = run(sql, params);
  if (!result) return result.error();
  pg_result* r = result->get();
  const int rows = PQntuples(r);
  const int columns = PQnfields(r);
  std::vector<Oid> types(columns);
  for (int c = 0; c < columns; ++c) types[c] = PQftype(r, c);
  std::vector<Row> out;
  out.reserve(rows);
  for (int i = 0; i < rows; ++i) {
    std::vector<SqlValue> values;
    values.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(r, i, c)) {
        values.emplace_back(std::monostate{});
      } else {
        values.push_back(decode(types[c], PQgetvalue(r, i, c), PQgetlength(r, i, c)));
      }
    }
    out.emplace_back(std::move(values));
  }
  return out;
}

Status PgConnection::exec_script(std::string_view sql) {
  const std::string translated = translate_sql(sql, Dialect::postgres);
  ResultPtr result(PQexec(conn_, translated.c_str()));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return error(result.get(), sql);
  return ok_status();
}

template <typename T>
Result<T> PgTx::check(Result<T> result) {
  if (!result && !failure_) {
    failure_ = result.error();
    serialization_failure_ = is_serialization_failure(conn_.last_sqlstate());
  }
  return result;
}

namespace {
Error poisoned(const Error& first) {
  return make_error(first.code,
                    "an earlier statement in this transaction failed: " + first.message);
}
}  // namespace

Result<int64_t> PgTx::exec(std::string_view sql, const SqlParams& params) {
  if (failure_) return poisoned(*failure_);
  return check(conn_.exec(sql, params));
}

Result<std::vector<Row>> PgTx::query(std::string_view sql, const SqlParams& params) {
  if (failure_) return poisoned(*failure_);
  return check(conn_.query(sql, params));
}

Status PgTx::exec_script(std::string_view sql) {
  if (failure_) return poisoned(*failure_);
  return check(conn_.exec_script(sql));
}

}  // namespace parley
