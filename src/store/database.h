// The SQL engine under the Store: one interface, two backends (SQLite, PostgreSQL).
// Only code under src/store/ sees this header; services talk to the Store.
//
// SQL is written once, in the dialect both engines share: `$1, $2...` placeholders,
// `ON CONFLICT`, `RETURNING`, BIGINT for integers and times (ms since epoch), TEXT, and
// `BYTES` (upper case) for binary columns (translated to BLOB / BYTEA by the backend).
//
// Both engines give a write function the same guarantees: it runs alone (serializable),
// and a statement that fails poisons its transaction: later statements fail too and the
// whole function is rolled back, whatever it returns.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace parley {

using Bytes = std::vector<uint8_t>;
using SqlValue = std::variant<std::monostate, int64_t, double, std::string, Bytes>;
using SqlParams = std::vector<SqlValue>;

// One result row. Accessors assert on a type mismatch: the SQL decides the types.
class Row {
 public:
  explicit Row(std::vector<SqlValue> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool is_null(size_t i) const { return std::holds_alternative<std::monostate>(values_[i]); }
  int64_t integer(size_t i) const;
  double real(size_t i) const;
  const std::string& text(size_t i) const;
  const Bytes& bytes(size_t i) const;
  const SqlValue& value(size_t i) const { return values_[i]; }

 private:
  std::vector<SqlValue> values_;
};

enum class Dialect { sqlite, postgres };

// A transaction handed to a read or write function. Valid only inside that function.
class Tx {
 public:
  virtual ~Tx() = default;
  // Runs a statement; returns the number of rows it changed.
  virtual Result<int64_t> exec(std::string_view sql, const SqlParams& params = {}) = 0;
  virtual Result<std::vector<Row>> query(std::string_view sql, const SqlParams& params = {}) = 0;
  // Runs several `;`-separated statements that take no parameters (migrations).
  virtual Status exec_script(std::string_view sql) = 0;
  virtual Dialect dialect() const = 0;
};

// Counters the /metrics endpoint reads.
struct StoreStats {
  uint64_t commits = 0;            // transactions committed (groups, on SQLite)
  uint64_t writes = 0;             // write functions acknowledged
  uint64_t retries = 0;            // write functions re-run after a serialization failure
  uint64_t commit_micros_sum = 0;  // total time spent in COMMIT
  // Histogram of group sizes: buckets 1, 2-4, 5-16, 17-64, 65+.
  uint64_t batch_buckets[5] = {0, 0, 0, 0, 0};
  // Histogram of commit latency in microseconds: <=100, <=250, <=500, <=1000, <=2500,
  // <=5000, <=10000, <=25000, <=100000, +Inf.
  uint64_t commit_latency_buckets[10] = {};
};

class Database {
 public:
  using TxFn = std::function<Status(Tx&)>;
  virtual ~Database() = default;

  virtual Dialect dialect() const = 0;

  // Runs fn in a write transaction and returns only once its changes are durable
  // (committed and synced). If fn returns an error, its changes are rolled back and
  // no other writer's are. Safe to call from many threads at once; not from inside
  // another write's fn. fn may run more than once (PostgreSQL re-runs it after a
  // serialization failure), so it must act only through the Tx and assign, not append,
  // what it hands back. An exception from fn rolls it back and reaches the caller.
  virtual Status write(TxFn fn) = 0;

  // Runs fn against a consistent snapshot. Safe to call from many threads at once.
  virtual Status read(TxFn fn) = 0;

  virtual StoreStats stats() const = 0;
};

// Runs `query(tx) -> Result<T>` against a snapshot and hands its result back: for a
// service that reads one thing.
template <typename Query>
auto read_one(Database& db, Query&& query) -> decltype(query(std::declval<Tx&>())) {
  std::optional<decltype(query(std::declval<Tx&>()))> result;
  Status read = db.read([&](Tx& tx) -> Status {
    result.emplace(query(tx));
    return ok_status();
  });
  if (!read) return read.error();
  return std::move(*result);
}

}  // namespace parley
