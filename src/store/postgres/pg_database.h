// The PostgreSQL backend of the Store, for deployments that outgrow one machine: a pool of
// libpq connections, statements prepared once per connection, and write functions run
// SERIALIZABLE (re-run after a lost race) so they behave as under SQLite's single writer.
// Opened by Store::open when the database URL is postgres:// or postgresql://.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/postgres/pg_connection.h"
#include "store/stats_recorder.h"

namespace parley {

struct PgOptions {
  std::string url;
  int pool_size = 8;
  // Runs of one write function after serialization failures before giving up.
  int max_attempts = 50;
};

class PgDatabase final : public Database {
 public:
  // Connects once now, so that a wrong URL or a server that is down fails at start.
  static Result<std::unique_ptr<PgDatabase>> open(const PgOptions& options);
  ~PgDatabase() override;

  Dialect dialect() const override { return Dialect::postgres; }
  Status write(TxFn fn) override;
  Status read(TxFn fn) override;
  StoreStats stats() const override { return stats_.snapshot(); }

 private:
  enum class Kind { read, write };
  explicit PgDatabase(const PgOptions& options);
  Result<std::unique_ptr<PgConnection>> acquire();
  // Returns a connection to the pool, or closes it if it broke or is mid-transaction.
  void release(std::unique_ptr<PgConnection> conn);
  Status run(Kind kind, TxFn& fn);

  const PgOptions options_;
  const uint64_t id_;  // tells this instance apart in per-thread markers; never reused
  StatsRecorder stats_;
  std::mutex pool_mutex_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_connections_ = 0;  // idle ones and those lent out
};

}  // namespace parley
