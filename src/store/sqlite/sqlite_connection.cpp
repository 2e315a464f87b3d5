#include "store/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <cctype>

#include "store/sql_translate.h"

namespace parley {
namespace {

// A file: URI for `file`, so that query parameters such as immutable=1 can be added.
std::string file_uri(const std::filesystem::path& file) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "file:";
  for (unsigned char c : std::filesystem::absolute(file).string()) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Resets a statement when a run ends, however it ends: a statement left mid-step would
// keep its read snapshot (and its parameters' memory) alive.
struct ResetOnExit {
  sqlite3_stmt* stmt;
  ~ResetOnExit() {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }
};

int bind(sqlite3_stmt* stmt, int index, const SqlValue& value) {
  struct Binder {
    sqlite3_stmt* stmt;
    int index;
    int operator()(std::monostate) const { return sqlite3_bind_null(stmt, index); }
    int operator()(int64_t v) const { return sqlite3_bind_int64(stmt, index, v); }
    int operator()(double v) const { return sqlite3_bind_double(stmt, index, v); }
    // SQLITE_STATIC: the caller's params outlive the run, and bindings are cleared after.
    int operator()(const std::string& v) const {
      return sqlite3_bind_text64(stmt, index, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
    }
    int operator()(const Bytes& v) const {
      // A null pointer would bind NULL, not an empty blob.
      if (v.empty()) return sqlite3_bind_zeroblob(stmt, index, 0);
      return sqlite3_bind_blob64(stmt, index, v.data(), v.size(), SQLITE_STATIC);
    }
  };
  return std::visit(Binder{stmt, index}, value);
}

SqlValue column_value(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, i);
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, i)));
    }
    case SQLITE_BLOB: {
      const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(stmt, i));
      return Bytes(data, data + sqlite3_column_bytes(stmt, i));
    }
    default:
      return std::monostate{};
  }
}

bool only_space_or_semicolons(const char* tail) {
  for (; tail && *tail; ++tail) {
    if (!std::isspace(static_cast<unsigned char>(*tail)) && *tail != ';') return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::filesystem::path& file,
                                                                 SqliteOpenMode mode,
                                                                 int busy_timeout_ms) {
  int flags = SQLITE_OPEN_NOMUTEX;  // a connection is only ever used by one thread at a time
  std::string name = file.string();
  switch (mode) {
    case SqliteOpenMode::write:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case SqliteOpenMode::read:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case SqliteOpenMode::inspect: {
      flags |= SQLITE_OPEN_READONLY;
      // Without a -wal file every committed page is in the main file, and immutable=1
      // reads it with no lock and no -shm. A -wal file means a writer is running or
      // crashed: its pages matter, so read it the ordinary read-only way.
      std::error_code ec;
      if (!std::filesystem::exists(name + "-wal", ec)) {
        flags |= SQLITE_OPEN_URI;
        name = file_uri(file) + "?immutable=1";
      }
      break;
    }
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(name.c_str(), &db, flags, nullptr);
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(db));
  if (rc != SQLITE_OK) {
    return make_error(ErrorCode::unavailable, "cannot open the SQLite database " + file.string() +
                                                  ": " +
                                                  (db ? sqlite3_errmsg(db) : "out of memory"));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  if (mode == SqliteOpenMode::write) {
    auto journal = conn->query("PRAGMA journal_mode = WAL", {});
    if (!journal) return journal.error();
    if (journal->empty() || (*journal)[0].value(0) != SqlValue(std::string("wal"))) {
      return make_error(ErrorCode::unavailable,
                        "cannot switch " + file.string() + " to write-ahead logging");
    }
    // FULL: a commit is on disk before it is acknowledged; secure_delete: deleted
    // personal data is overwritten rather than left in free pages.
    auto pragmas = conn->exec_script(
        "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; PRAGMA foreign_keys = ON;");
    if (!pragmas) return pragmas.error();
  } else if (mode == SqliteOpenMode::read) {
    auto pragmas = conn->exec_script("PRAGMA query_only = ON;");
    if (!pragmas) return pragmas.error();
  }
  return conn;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Error SqliteConnection::error(int rc, std::string_view sql, bool stepping) const {
  const int extended = sqlite3_extended_errcode(db_);
  ErrorCode code = ErrorCode::internal;
  if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
    code = ErrorCode::conflict;
  } else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
    code = ErrorCode::unavailable;
  }
  // Errors found while preparing come from the SQL (code): safe to show. A generic error
  // while stepping comes from the data (an FTS5 search that does not parse, malformed
  // JSON) and its message may quote a value, which may be personal. Constraint failures
  // have their own code and name only the constraint.
  std::string message = sqlite3_errmsg(db_);
  if (stepping && (rc & 0xff) == SQLITE_ERROR) {
    message = "a value was refused (the message is withheld: it may quote data)";
  }
  return make_error(code, "sqlite: " + message + " (in: " + sql_excerpt(sql) + ")");
}

Result<sqlite3_stmt*> SqliteConnection::prepare(std::string_view sql) {
  if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
  const std::string translated = translate_sql(sql, Dialect::sqlite);
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, translated.c_str(), static_cast<int>(translated.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) return error(rc, sql);
  if (stmt == nullptr || !only_space_or_semicolons(tail)) {
    sqlite3_finalize(stmt);
    return make_error(ErrorCode::internal,
                      "exec and query take exactly one statement (in: " + sql_excerpt(sql) + ")");
  }
  statements_.emplace(std::string(sql), stmt);
  return stmt;
}

Status SqliteConnection::run(std::string_view sql, const SqlParams& params,
                             std::vector<Row>* rows) {
  Status status = step_all(sql, params, rows);
  if (!status) return make_error(status.error().code, mask_values(status.error().message, params));
  return status;
}

Status SqliteConnection::step_all(std::string_view sql, const SqlParams& params,
                                  std::vector<Row>* rows) {
  auto prepared = prepare(sql);
  if (!prepared) return prepared.error();
  sqlite3_stmt* stmt = *prepared;
  ResetOnExit reset{stmt};
  const int expected = sqlite3_bind_parameter_count(stmt);
  if (expected != static_cast<int>(params.size())) {
    return make_error(ErrorCode::internal, "statement takes " + std::to_string(expected) +
                                               " parameters, got " + std::to_string(params.size()) +
                                               " (in: " + sql_excerpt(sql) + ")");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    if (int rc = bind(stmt, static_cast<int>(i + 1), params[i]); rc != SQLITE_OK) {
      return error(rc, sql);
    }
  }
  const int columns = sqlite3_column_count(stmt);
  while (true) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return ok_status();
    if (rc != SQLITE_ROW) return error(rc, sql, /*stepping=*/true);
    if (rows == nullptr) continue;
    std::vector<SqlValue> values;
    values.reserve(columns);
    for (int i = 0; i < columns; ++i) values.push_back(column_value(stmt, i));
    rows->emplace_back(std::move(values));
  }
}

Result<int64_t> SqliteConnection::exec(std::string_view sql, const SqlParams& params) {
  // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, even after DDL
  // or a SELECT; the total moving tells whether this statement changed rows at all.
  const int64_t total_before = sqlite3_total_changes64(db_);
  if (auto status = run(sql, params, nullptr); !status) return status.error();
  if (sqlite3_total_changes64(db_) == total_before) return int64_t{0};
  return static_cast<int64_t>(sqlite3_changes64(db_));
}

Result<std::vector<Row>> SqliteConnection::query(std::string_view sql, const SqlParams& params) {
  std::vector<Row> rows;
  if (auto status = run(sql, params, &rows); !status) return status.error();
  return rows;
}

Status SqliteConnection::exec_script(std::string_view sql) {
  const std::string translated = translate_sql(sql, Dialect::sqlite);
  const int rc = sqlite3_exec(db_, translated.c_str(), nullptr, nullptr, nullptr);
  // Migrations and BEGIN/COMMIT carry no values: their messages are safe.
  if (rc != SQLITE_OK) return error(rc, sql);
  return ok_status();
}

bool SqliteConnection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

template <typename T>
Result<T> SqliteTx::check(Result<T> result) {
  if (!result && !failure_) failure_ = result.error();
  return result;
}

namespace {
Error poisoned(const Error& first) {
  return make_error(first.code,
                    "an earlier statement in this transaction failed: " + first.message);
}
}  // namespace

Result<int64_t> SqliteTx::exec(std::string_view sql, const SqlParams& params) {
  if (failure_) return poisoned(*failure_);
  return check(conn_.exec(sql, params));
}

Result<std::vector<Row>> SqliteTx::query(std::string_view sql, const SqlParams& params) {
  if (failure_) return poisoned(*failure_);
  return check(conn_.query(sql, params));
}

Status SqliteTx::exec_script(std::string_view sql) {
  if (failure_) return poisoned(*failure_);
  return check(conn_.exec_script(sql));
}

}  // namespace parley
