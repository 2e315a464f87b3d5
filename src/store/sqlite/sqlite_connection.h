// One SQLite connection with its prepared-statement cache, and the Tx that runs a write or
// read function's statements on it. SqliteDatabase owns them: one for the writer thread,
// one per reading thread, and a short-lived one to inspect a file without changing it.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "store/database.h"

struct sqlite3;
struct sqlite3_stmt;

namespace parley {

enum class SqliteOpenMode {
  write,    // creates the file; WAL, synchronous=FULL, secure_delete, foreign keys
  read,     // an existing file; statements that write are refused (query_only)
  inspect,  // an existing file, opened so that nothing on disk changes (no -wal/-shm)
};

class SqliteConnection {
 public:
  static Result<std::unique_ptr<SqliteConnection>> open(const std::filesystem::path& file,
                                                        SqliteOpenMode mode, int busy_timeout_ms);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // One statement; returns the rows it changed (0 for statements that change none).
  Result<int64_t> exec(std::string_view sql, const SqlParams& params);
  Result<std::vector<Row>> query(std::string_view sql, const SqlParams& params);
  // Several statements, no parameters, nothing cached: migrations and BEGIN/COMMIT.
  Status exec_script(std::string_view sql);
  // True while a transaction is open; false after SQLite rolled one back on its own
  // (disk full, I/O error), which a group commit must notice.
  bool in_transaction() const;

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  Result<sqlite3_stmt*> prepare(std::string_view sql);
  Status run(std::string_view sql, const SqlParams& params, std::vector<Row>* rows);
  Status step_all(std::string_view sql, const SqlParams& params, std::vector<Row>* rows);
  Error error(int rc, std::string_view sql, bool stepping = false) const;

  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  sqlite3* db_;
  // Keyed by the SQL as the caller wrote it, so a cache hit skips translation.
  std::unordered_map<std::string, sqlite3_stmt*, StringHash, std::equal_to<>> statements_;
};

// The Tx handed to one write or read function. After a statement fails, later ones fail
// too (as on PostgreSQL), and failure() tells the caller to roll the function back.
class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(SqliteConnection& conn) : conn_(conn) {}
  Result<int64_t> exec(std::string_view sql, const SqlParams& params = {}) override;
  Result<std::vector<Row>> query(std::string_view sql, const SqlParams& params = {}) override;
  Status exec_script(std::string_view sql) override;
  Dialect dialect() const override { return Dialect::sqlite; }
  const std::optional<Error>& failure() const { return failure_; }

 private:
  template <typename T>
  Result<T> check(Result<T> result);
  SqliteConnection& conn_;
  std::optional<Error> failure_;
};

}  // namespace parley
