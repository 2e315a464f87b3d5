// One libpq connection with its prepared statements, and the Tx that runs a write or read
// function's statements on it. PgDatabase keeps a pool of them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "store/database.h"

struct pg_conn;
struct pg_result;

namespace parley {

class PgConnection {
 public:
  // `url`: a libpq URI or key=value string. Messages never repeat it (it may hold a
  // password).
  static Result<std::unique_ptr<PgConnection>> connect(const std::string& url);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // One statement, prepared once per connection and reused; returns the rows it changed.
  Result<int64_t> exec(std::string_view sql, const SqlParams& params);
  Result<std::vector<Row>> query(std::string_view sql, const SqlParams& params);
  // Several statements, no parameters, not prepared: migrations and BEGIN/COMMIT.
  Status exec_script(std::string_view sql);

  // The SQLSTATE of the last failure ("40001"...), empty if none came from the server.
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  bool broken() const;
  bool in_transaction() const;  // a transaction is open, failed or not

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  struct ResultDeleter {
    void operator()(pg_result* r) const;
  };
  using ResultPtr = std::unique_ptr<pg_result, ResultDeleter>;
  Result<ResultPtr> run(std::string_view sql, const SqlParams& params);
  Result<std::string> prepare(std::string_view sql, const std::vector<unsigned>& types);
  Error error(const pg_result* result, std::string_view sql);

  pg_conn* conn_;
  // Keyed by the parameter types and the SQL as written: one SQL text bound with
  // different value types needs a statement per type list.
  std::unordered_map<std::string, std::string> statements_;
  uint64_t next_statement_ = 0;
  std::string last_sqlstate_;
};

// The Tx handed to one function. It remembers the first failure (PostgreSQL refuses every
// later statement of the transaction anyway) and whether a retry could succeed.
class PgTx final : public Tx {
 public:
  explicit PgTx(PgConnection& conn) : conn_(conn) {}
  Result<int64_t> exec(std::string_view sql, const SqlParams& params = {}) override;
  Result<std::vector<Row>> query(std::string_view sql, const SqlParams& params = {}) override;
  Status exec_script(std::string_view sql) override;
  Dialect dialect() const override { return Dialect::postgres; }

  const std::optional<Error>& failure() const { return failure_; }
  // The transaction lost a serialization race or a deadlock: running it again may work.
  bool serialization_failure() const { return serialization_failure_; }

 private:
  template <typename T>
  Result<T> check(Result<T> result);
  PgConnection& conn_;
  std::optional<Error> failure_;
  bool serialization_failure_ = false;
};

// SQLSTATEs after which the same transaction, run again, may succeed.
bool is_serialization_failure(std::string_view sqlstate);

}  // namespace parley
